import { DatabaseError, type Pool, type QueryResult, type QueryResultRow } from 'pg';
import { isDatabaseUnavailable } from './postgres-errors';

/**
 * SQLSTATE classes after which the session has ended or is not to be trusted: connection
 * exceptions, operator intervention (a shutdown, a terminated backend), an idle transaction
 * timed out, system and internal errors.
 */
const SESSION_ENDING = /^(08|57P|25P03|58|XX)/;

/**
 * Whether a failed statement leaves its connection fit for the next one: the server refused
 * the statement alone (a failed version claim, a unique violation, bad input) and, the
 * statement being its own transaction, nothing stays open. Not so for a lost connection, an
 * error that ends the session, or a server that no longer takes writes (a demoted primary,
 * 25006): a new connection is what finds the server that does (`ServerLocator`).
 */
export const leavesConnectionSound = (error: unknown): boolean =>
  error instanceof DatabaseError &&
  error.severity !== 'FATAL' &&
  error.severity !== 'PANIC' &&
  !SESSION_ENDING.test(error.code ?? 'XX') &&
  !isDatabaseUnavailable(error);

/**
 * One statement (its own transaction) on a connection of the pool. `pool.query` would close the
 * connection on any error, even one about the statement alone; the next statement would then
 * pay for a new connection, its named statements prepared again and planned afresh for their
 * first executions. A failed version claim is an expected answer of the group commit, so such
 * a connection goes back to the pool; one that failed is discarded.
 */
export const queryOnPool = async <Row extends QueryResultRow>(
  pool: Pool,
  statement: { readonly name?: string; readonly text: string },
  values: ReadonlyArray<unknown>,
): Promise<QueryResult<Row>> => {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    return await client.query<Row>({ ...statement, values: [...values] });
  } catch (error) {
    if (!leavesConnectionSound(error)) {
      broken = error instanceof Error ? error : new Error(String(error));
    }
    throw error;
  } finally {
    client.release(broken);
  }
};
