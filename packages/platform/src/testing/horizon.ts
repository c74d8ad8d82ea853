import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';

/**
 * Waits until every transaction that started before this call has ended, anywhere on the server
 * (transaction ids are server-wide, so other test files' databases count too). From then on the
 * event feed shows everything committed before the call.
 */
export const waitForFeedHorizon = async (databaseUrl: string, ms = 10_000): Promise<void> => {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ xid: string }>(
      'SELECT pg_current_xact_id()::text AS xid',
    );
    const mark = rows[0]?.xid ?? '0';
    for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(5)) {
      const passed = await client.query<{ passed: boolean }>(
        'SELECT pg_snapshot_xmin(pg_current_snapshot()) > $1::xid8 AS passed',
        [mark],
      );
      if (passed.rows[0]?.passed === true) return;
    }
    throw new Error(`Transactions older than ${mark} were still running after ${ms} ms`);
  } finally {
    await client.end();
  }
};
