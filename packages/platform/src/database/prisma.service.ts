import { Logger } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool, type QueryResultRow } from 'pg';
import { serverName, type DatabaseServer } from '../config/database-url';
import { PrismaClient, type Prisma } from '../generated/prisma/client';
import { queryOnPool } from './pooled-statement';
import { locatingClient, ServerLocator } from './server-locator';

export interface DatabaseOptions {
  readonly url: string;
  readonly poolSize: number;
  /** Sees the text of each SQL statement sent: for diagnostics and tests that count them. */
  readonly onQuery?: (sql: string) => void;
}

/** A statement prepared once per connection under its name, then only bound and executed. */
export interface PreparedStatement {
  readonly name: string;
  readonly text: string;
}

/** Plain parameterised SQL on the shared pool, for the few hot statements (see `sql`). */
export interface SqlPool {
  query<Row extends QueryResultRow>(
    statement: PreparedStatement,
    values: ReadonlyArray<unknown>,
  ): Promise<{ rows: Row[] }>;
}

/**
 * The same statements through Prisma: within one of its transactions, or on its client where a
 * caller has no pool (named statements are a pool's feature; these are parsed each time).
 */
export const sqlThrough = (client: Prisma.TransactionClient): SqlPool => ({
  query: async <Row extends QueryResultRow>(
    { text }: PreparedStatement,
    values: ReadonlyArray<unknown>,
  ) => ({ rows: await client.$queryRawUnsafe<Row[]>(text, ...values) }),
});

/** Owns the connection pool (`pg`) and the Prisma client that runs on it. */
export class PrismaService {
  readonly client: PrismaClient;
  /**
   * The same pool without Prisma in between: Prisma's query pipeline costs about half a
   * millisecond of CPU per raw statement, which the group commit's two statements per batch
   * cannot afford. Everything else goes through `client`.
   */
  readonly sql: SqlPool;
  private readonly pool: Pool;

  constructor(options: DatabaseOptions) {
    // The pool connects where the locator says: with several hosts in the URL, the one that
    // takes writes, found again after a failover.
    const locator = ServerLocator.of(options.url, (server) =>
      new Logger('Database').log(`Connecting to ${serverName(server)}, which takes writes`),
    );
    const pool = new Pool({
      Client: locatingClient(locator),
      connectionString: locator.urlOf(locator.address.servers[0] as DatabaseServer),
      max: options.poolSize,
      // Every transaction here is READ COMMITTED, whatever the server's default: said once per
      // connection, not with a SET TRANSACTION round trip per transaction. And no JIT: every
      // statement here is short, and compiling one whose estimate was large (the outbox lag for
      // the metrics, over a big outbox) took 200-500 ms of the server's CPU to save none.
      options: '-c default_transaction_isolation=read\\ committed -c jit=off',
      // A primary demoted without dropping its sessions would keep failing writes on them; with
      // several hosts, connections are renewed (and checked again) at least this often.
      ...(locator.searches ? { maxLifetimeSeconds: 60 } : {}),
    });
    // A connection the server drops (a restart, pg_terminate_backend) emits 'error' on its client
    // and on the pool. Nobody may be listening at that moment (a client between two statements,
    // or before Prisma's first connect), and an unheard 'error' event would end the process. So
    // every client and the pool always have a listener: the broken client is then refused by the
    // pool or fails its next statement, which the API answers with 503.
    const ignoreLostConnection = () => undefined;
    pool.on('error', ignoreLostConnection);
    pool.on('connect', (client) => client.on('error', ignoreLostConnection));
    this.pool = pool;
    const adapter = new PrismaPg(pool, { disposeExternalPool: true });
    const { onQuery } = options;
    if (onQuery === undefined) {
      this.client = new PrismaClient({ adapter });
      this.sql = {
        query: async <Row extends QueryResultRow>(
          statement: PreparedStatement,
          values: ReadonlyArray<unknown>,
        ) => queryOnPool<Row>(pool, statement, values),
      };
    } else {
      const client = new PrismaClient({ adapter, log: [{ level: 'query', emit: 'event' }] });
      client.$on('query', (event) => onQuery(event.query));
      this.client = client;
      this.sql = {
        query: async <Row extends QueryResultRow>(
          statement: PreparedStatement,
          values: ReadonlyArray<unknown>,
        ) => {
          onQuery(statement.text);
          return queryOnPool<Row>(pool, statement, values);
        },
      };
    }
  }

  /** Connections open and idle, and queries waiting for one (for the metrics). */
  poolStats(): { total: number; idle: number; waiting: number } {
    return {
      total: this.pool.totalCount,
      idle: this.pool.idleCount,
      waiting: this.pool.waitingCount,
    };
  }

  async isHealthy(): Promise<boolean> {
    try {
      // Raw: a ping, about no table.
      await this.client.$queryRaw`SELECT 1`;
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.client.$disconnect();
  }
}
