import { Client, type ClientConfig } from 'pg';
import {
  parseDatabaseUrl,
  serverName,
  serverUrl,
  type DatabaseAddress,
  type DatabaseServer,
} from '../config/database-url';

/**
 * None of the URL's servers could be used (a failover in progress, or every host down). 08001 is
 * libpq's SQLSTATE for "could not connect to any server", so the API answers 503 as for any
 * database it cannot reach.
 */
export class NoDatabaseServerError extends Error {
  override readonly name = 'NoDatabaseServerError';
  readonly code = '08001';
}

/** What one server said when asked whether it takes writes. */
export type ServerRole = 'writable' | 'read-only';

const ROLE_QUERY = `SELECT pg_is_in_recovery() OR current_setting('transaction_read_only') = 'on' AS read_only`;

/**
 * As libpq's `target_session_attrs=read-write`: a standby is in recovery, and a primary that a
 * failover manager holds read-only (pg_auto_failover does while it promotes) refuses writes too.
 */
export const roleOf = async (client: Client): Promise<ServerRole> => {
  const { rows } = await client.query<{ read_only: boolean }>(ROLE_QUERY);
  return rows[0]?.read_only === false ? 'writable' : 'read-only';
};

/** How long to wait for a server that does not answer (a host that is gone drops packets). */
const CONNECT_TIMEOUT_MS = 3_000;
/** After finding no server, callers within this long get the same answer without a new search. */
const NOTHING_FOUND_HOLD_MS = 250;

const probe = async (url: string): Promise<ServerRole> => {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await roleOf(client);
  } finally {
    await client.end().catch(() => undefined);
  }
};

const reasonOf = (outcome: PromiseSettledResult<ServerRole>): string =>
  outcome.status === 'fulfilled'
    ? 'read-only'
    : outcome.reason instanceof Error
      ? outcome.reason.message || outcome.reason.name
      : String(outcome.reason);

/**
 * Which of a `DATABASE_URL`'s servers to connect to. With one server and no
 * `target_session_attrs`, that server, as before. Otherwise it asks every server at once and keeps
 * the first in the URL's order that will do (takes writes, when `writableOnly`), until a
 * connection to it fails or finds it read-only: then it forgets it, and the next connection
 * searches again. So after a failover the pool follows the new primary by itself.
 */
export class ServerLocator {
  private known: DatabaseServer | undefined;
  private lastFound: DatabaseServer | undefined;
  private searching: Promise<DatabaseServer> | undefined;
  private nothingFound: { readonly at: number; readonly error: Error } | undefined;

  constructor(
    readonly address: DatabaseAddress,
    private readonly options: {
      /** The URL as given: a single server that needs no search is connected to with it as is. */
      readonly url?: string;
      readonly roleAt?: (url: string) => Promise<ServerRole>;
      readonly now?: () => number;
      /** Told each time a search settles on a server other than the last one. */
      readonly onFound?: (server: DatabaseServer) => void;
    } = {},
  ) {}

  static of(url: string, onFound?: (server: DatabaseServer) => void): ServerLocator {
    const parsed = parseDatabaseUrl(url);
    if (parsed._tag === 'Left') throw new Error(`DATABASE_URL ${parsed.left}`);
    return new ServerLocator(parsed.right, { url, ...(onFound === undefined ? {} : { onFound }) });
  }

  /** Whether connections must be checked for taking writes (and the search is needed at all). */
  get searches(): boolean {
    return this.address.writableOnly || this.address.servers.length > 1;
  }

  async server(): Promise<DatabaseServer> {
    const only = this.address.servers[0];
    if (!this.searches && only !== undefined) return only;
    if (this.known !== undefined) return this.known;
    const held = this.nothingFound;
    if (held !== undefined && this.now() - held.at < NOTHING_FOUND_HOLD_MS) throw held.error;
    // One search at a time: a burst of new connections after a failover shares it.
    this.searching ??= this.search().finally(() => {
      this.searching = undefined;
    });
    return this.searching;
  }

  /** A connection to `server` failed or found it read-only: look again next time. */
  forget(server: DatabaseServer): void {
    if (this.known === server) this.known = undefined;
  }

  urlOf(server: DatabaseServer): string {
    const { url } = this.options;
    return !this.searches && url !== undefined ? url : serverUrl(this.address, server);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private async search(): Promise<DatabaseServer> {
    const { servers, writableOnly } = this.address;
    const roleAt = this.options.roleAt ?? probe;
    const outcomes = await Promise.allSettled(servers.map((s) => roleAt(this.urlOf(s))));
    const index = outcomes.findIndex(
      (o) => o.status === 'fulfilled' && (o.value === 'writable' || !writableOnly),
    );
    const found = servers[index];
    if (found !== undefined) {
      if (found !== this.lastFound) this.options.onFound?.(found);
      this.known = found;
      this.lastFound = found;
      this.nothingFound = undefined;
      return found;
    }
    const error = new NoDatabaseServerError(
      `No database server ${writableOnly ? 'takes writes' : 'answers'} now (${servers
        .map(
          (s, i) =>
            `${serverName(s)}: ${reasonOf(outcomes[i] as PromiseSettledResult<ServerRole>)}`,
        )
        .join('; ')})`,
    );
    this.nothingFound = { at: this.now(), error };
    throw error;
  }
}

type ConnectCallback = ((err: Error) => void) | ((err: null, c: Client) => void);

/**
 * A `pg` client class that connects where the locator says, for `pg.Pool`'s `Client` option (the
 * pool builds its clients itself). A connection that fails, or lands on a server that no longer
 * takes writes, makes the locator look again.
 */
export const locatingClient = (locator: ServerLocator): typeof Client =>
  class LocatingClient extends Client {
    constructor(config: ClientConfig = {}) {
      // A host that is gone drops packets: without a timeout, connecting to it would hang.
      super(locator.searches ? { connectionTimeoutMillis: CONNECT_TIMEOUT_MS, ...config } : config);
    }

    override connect(): Promise<Client>;
    override connect(callback: ConnectCallback): void;
    override connect(callback?: ConnectCallback): Promise<Client> | void {
      // `pg` hands its caller the client when the server says it is ready, and the caller puts
      // its 'error' listeners on at once. Here that takes a few more microtasks, in which the
      // server may already have ended the session (pg_terminate_backend): an 'error' nobody
      // hears would end the process. Heard here, it leaves the client unusable, and its first
      // query fails as for any lost connection.
      const early = () => undefined;
      this.on('error', early);
      const heardByCaller = () => this.removeListener('error', early);
      const connecting = this.connectToLocated();
      if (callback === undefined) return connecting.finally(heardByCaller);
      const report = callback as (err: Error | null, c?: Client) => void;
      connecting.then(
        (client) => {
          heardByCaller();
          report(null, client);
        },
        // Passed on as it came: its code (ECONNRESET, 57P01…) is how it is recognised later, and
        // `instanceof Error` is not to be trusted across realms (Jest's, say).
        (error: unknown) => {
          heardByCaller();
          report(error as Error);
        },
      );
    }

    private async connectToLocated(): Promise<Client> {
      const server = await locator.server();
      if (locator.searches) {
        // Read by `pg` when it opens the socket, which is now. (With no search, `pg` took the
        // host from the URL as given, a socket's `?host=` included.)
        this.host = server.host;
        this.port = server.port;
      }
      try {
        await super.connect();
      } catch (error) {
        locator.forget(server);
        throw error;
      }
      if (locator.address.writableOnly && (await roleOf(this)) !== 'writable') {
        locator.forget(server);
        await this.end().catch(() => undefined);
        throw new NoDatabaseServerError(`${serverName(server)} no longer takes writes`);
      }
      return this;
    }
  };

/**
 * One connection of its own (migrations, the lead's advisory lock) to the server the URL's
 * settings pick: with several hosts, the one that takes writes.
 */
export const connectTo = async (
  url: string,
  config: Omit<ClientConfig, 'connectionString'> = {},
): Promise<Client> => {
  const locator = ServerLocator.of(url);
  const LocatingClient = locatingClient(locator);
  const first = locator.address.servers[0] as DatabaseServer;
  const client = new LocatingClient({ ...config, connectionString: locator.urlOf(first) });
  await client.connect();
  return client;
};
