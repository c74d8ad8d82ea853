import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '../testing/test-database';
import { locate } from './paths';

/**
 * `schema.prisma` and the hand-written migrations must describe the same database. This reads
 * the models from the schema and the columns from a freshly migrated database and compares them
 * both ways.
 */
interface Column {
  readonly table: string;
  readonly column: string;
  readonly type: string;
  readonly nullable: boolean;
}

const SCALAR_TYPES: Record<string, ReadonlyArray<string>> = {
  String: ['text', 'character varying'],
  Int: ['integer'],
  BigInt: ['bigint'],
  Boolean: ['boolean'],
  DateTime: ['timestamp with time zone', 'timestamp without time zone', 'date'],
  Json: ['jsonb'],
};

const NATIVE_TYPES: Record<string, string> = {
  Date: 'date',
  Timestamptz: 'timestamp with time zone',
  Timestamp: 'timestamp without time zone',
};

interface Field extends Column {
  readonly allowed: ReadonlyArray<string>;
  /** A `view`: PostgreSQL reports every column of a view as nullable, whatever it selects. */
  readonly view: boolean;
}

const parseSchema = (schema: string): Field[] => {
  const fields: Field[] = [];
  const models = [...schema.matchAll(/^(model|view)\s+(\w+)\s*\{([\s\S]*?)^\}/gm)];
  for (const [, kind, name, body = ''] of models) {
    const table = /@@map\("([^"]+)"\)/.exec(body)?.[1] ?? name ?? '';
    for (const line of body.split('\n')) {
      const match = /^\s*(\w+)\s+(\w+)(\?|\[\])?\s*(.*)$/.exec(line);
      if (match === null) continue;
      const [, field = '', type = '', modifier, attributes = ''] = match;
      // `Unsupported("xid8")` names the database type itself.
      const unsupported = /^\("([^"]+)"\)/.exec(attributes)?.[1];
      const scalar = type === 'Unsupported' && unsupported ? [unsupported] : SCALAR_TYPES[type];
      // Relation fields and lists have no column of their own.
      if (scalar === undefined || modifier === '[]') continue;
      const native = /@db\.(\w+)/.exec(attributes)?.[1];
      fields.push({
        table,
        column: /@map\("([^"]+)"\)/.exec(attributes)?.[1] ?? field,
        type,
        nullable: modifier === '?',
        allowed: native !== undefined && NATIVE_TYPES[native] ? [NATIVE_TYPES[native]] : scalar,
        view: kind === 'view',
      });
    }
  }
  return fields;
};

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database.drop();
});

const databaseColumns = async (): Promise<Column[]> => {
  const client = new Client({ connectionString: database.url });
  await client.connect();
  try {
    const { rows } = await client.query<{
      table_name: string;
      column_name: string;
      data_type: string;
      is_nullable: string;
    }>(
      `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
    );
    return rows.map((row) => ({
      table: row.table_name,
      column: row.column_name,
      type: row.data_type,
      nullable: row.is_nullable === 'YES',
    }));
  } finally {
    await client.end();
  }
};

describe('schema.prisma and the migrations', () => {
  const fields = parseSchema(readFileSync(locate('prisma/schema.prisma'), 'utf8'));

  it('the schema parses into models and fields', () => {
    expect(fields.length).toBeGreaterThan(10);
    expect(fields).toContainEqual(
      expect.objectContaining({ table: 'allocations_view', column: 'order_id', view: true }),
    );
    expect(fields).toContainEqual(
      expect.objectContaining({
        table: 'batches',
        column: 'eta',
        nullable: true,
        allowed: ['date'],
      }),
    );
  });

  it('every field of the schema is a column of the migrated database, of a compatible type', async () => {
    const columns = await databaseColumns();
    const problems = fields.flatMap((field) => {
      const column = columns.find((c) => c.table === field.table && c.column === field.column);
      if (column === undefined)
        return [`${field.table}.${field.column} is missing from the database`];
      if (!field.allowed.includes(column.type)) {
        return [`${field.table}.${field.column} is ${column.type}, the schema says ${field.type}`];
      }
      if (column.nullable !== field.nullable && !(field.view && column.nullable)) {
        return [
          `${field.table}.${field.column} nullability differs (database: ${column.nullable})`,
        ];
      }
      return [];
    });
    expect(problems).toEqual([]);
  });

  it('every column of the migrated database is a field of the schema', async () => {
    const columns = await databaseColumns();
    const unknown = columns
      .filter((c) => !fields.some((f) => f.table === c.table && f.column === c.column))
      .map((c) => `${c.table}.${c.column}`);
    expect(unknown).toEqual([]);
  });
});
