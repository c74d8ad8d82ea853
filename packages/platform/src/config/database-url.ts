import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';

/** One server a `DATABASE_URL` names. */
export interface DatabaseServer {
  readonly host: string;
  readonly port: number;
}

/**
 * A `DATABASE_URL` as libpq reads it: one server or several (`postgresql://h1:p1,h2:p2/db`),
 * the same user, password, database and parameters for each.
 */
export interface DatabaseAddress {
  /** In the order given: they are tried in that order. */
  readonly servers: ReadonlyArray<DatabaseServer>;
  /**
   * Connect only to a server that takes writes (`target_session_attrs=read-write` or `primary`).
   * With several servers that is the default: the service writes, so a standby is no use to it.
   */
  readonly writableOnly: boolean;
  /** `user:password@` as written (still percent-encoded), or empty. */
  readonly userInfo: string;
  /** `/database` as written, or empty. */
  readonly path: string;
  /** The query string without `target_session_attrs` (which `pg` does not read): `?…` or empty. */
  readonly query: string;
}

const DEFAULT_PORT = 5432;
const URL_SHAPE = /^(postgres|postgresql):\/\/([^/?#]*)([^?#]*)(\?[^#]*)?$/;
const TARGETS: Record<string, boolean> = { any: false, 'read-write': true, primary: true };

const serverOf = (text: string): E.Either<string, DatabaseServer> => {
  // `[::1]:5432`, `[::1]`, `host:5432` or `host`.
  const shape = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::(\d*))?$/.exec(text);
  if (shape === null) return E.left(`names "${text}", which is not host or host:port`);
  const host = shape[1] ?? shape[2] ?? '';
  const portText = shape[3];
  if (portText === undefined || portText === '') return E.right({ host, port: DEFAULT_PORT });
  const port = Number(portText);
  return port >= 1 && port <= 65_535
    ? E.right({ host, port })
    : E.left(`names "${text}", whose port is not from 1 to 65535`);
};

const targetOf = (
  params: URLSearchParams,
  servers: number,
): E.Either<string, { writableOnly: boolean; query: string }> => {
  const target = params.get('target_session_attrs');
  params.delete('target_session_attrs');
  const query = params.size === 0 ? '' : `?${params.toString()}`;
  if (target === null) return E.right({ writableOnly: servers > 1, query });
  const writableOnly = TARGETS[target];
  return writableOnly === undefined
    ? E.left(
        `has target_session_attrs=${target}; the service writes, so it must be read-write, primary or any`,
      )
    : E.right({ writableOnly, query });
};

/**
 * Reads a `postgres://` or `postgresql://` URL naming one server or several; a refusal completes
 * the sentence "DATABASE_URL …".
 */
export const parseDatabaseUrl = (text: string): E.Either<string, DatabaseAddress> => {
  const shape = URL_SHAPE.exec(text);
  if (shape === null) return E.left('must be a postgres:// or postgresql:// URL');
  const authority = shape[2] ?? '';
  const at = authority.lastIndexOf('@');
  const userInfo = at < 0 ? '' : authority.slice(0, at + 1);
  const hostList = at < 0 ? authority : authority.slice(at + 1);
  // No host at all is libpq's default: the local socket, or the query's `host=`.
  const servers: E.Either<string, ReadonlyArray<DatabaseServer>> = hostList === ''
    ? E.right([{ host: '', port: DEFAULT_PORT }])
    : E.traverseArray(serverOf)(hostList.split(','));
  return pipe(
    servers,
    E.bindTo('servers'),
    E.bind('target', ({ servers }) =>
      targetOf(new URLSearchParams(shape[4] ?? ''), servers.length),
    ),
    E.map(({ servers, target }) => ({
      servers,
      writableOnly: target.writableOnly,
      userInfo,
      path: shape[3] ?? '',
      query: target.query,
    })),
    E.chainFirst((address) => {
      // Every server's own URL must be one `pg` can read.
      try {
        if (hostList === '') new URL(text);
        else for (const server of address.servers) new URL(serverUrl(address, server));
        return E.right(address);
      } catch {
        return E.left('is not a valid URL');
      }
    }),
  );
};

/** The URL of one of the address's servers, for `pg`, which reads one host. */
export const serverUrl = (address: DatabaseAddress, server: DatabaseServer): string => {
  const host = server.host.includes(':') ? `[${server.host}]` : server.host;
  return `postgresql://${address.userInfo}${host}:${server.port}${address.path}${address.query}`;
};

export const serverName = (server: DatabaseServer): string =>
  server.host.includes(':') ? `[${server.host}]:${server.port}` : `${server.host}:${server.port}`;
