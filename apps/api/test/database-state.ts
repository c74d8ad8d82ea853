import { Client } from 'pg';

/** The order ids of every allocation stored: what an acknowledged write must be among. */
export const storedOrderIds = async (url: string): Promise<Set<string>> => {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ order_id: string }>('SELECT order_id FROM allocations');
    return new Set(rows.map((r) => r.order_id));
  } finally {
    await client.end();
  }
};

/**
 * A fingerprint of every table's rows: equal fingerprints before and after a request mean the
 * request changed nothing. Left out: the migrations' bookkeeping and the outbox readers' cursors,
 * which background readers move on their own.
 */
export const databaseFingerprint = async (url: string): Promise<Record<string, string>> => {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ name: string }>(
      `SELECT quote_ident(tablename) AS name FROM pg_tables
        WHERE schemaname = 'public' AND tablename NOT LIKE '\\_%'
          AND tablename <> 'outbox_consumers' ORDER BY tablename`,
    );
    const fingerprint: Record<string, string> = {};
    for (const { name } of tables.rows) {
      const { rows } = await client.query<{ digest: string | null; n: number }>(
        `SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) AS digest, count(*)::int AS n
           FROM ${name} t`,
      );
      fingerprint[name] = `${rows[0]?.n ?? 0}:${rows[0]?.digest ?? ''}`;
    }
    return fingerprint;
  } finally {
    await client.end();
  }
};
