import * as E from 'fp-ts/Either';
import { parseDatabaseUrl, serverName, serverUrl } from './database-url';

const servers = (url: string) =>
  E.map((a: { servers: ReadonlyArray<{ host: string; port: number }> }) => a.servers)(
    parseDatabaseUrl(url),
  );

describe('a DATABASE_URL', () => {
  it('names one server, whose port is 5432 unless it says', () => {
    expect(servers('postgresql://app:secret@db/allocation')).toEqual(
      E.right([{ host: 'db', port: 5432 }]),
    );
    expect(servers('postgres://db:6432/allocation')).toEqual(E.right([{ host: 'db', port: 6432 }]));
  });

  it("names no server for libpq's default, the local socket or the query's host", () => {
    expect(servers('postgresql:///allocation?host=/var/run/postgresql')).toEqual(
      E.right([{ host: '', port: 5432 }]),
    );
  });

  it('names several servers as libpq reads them, IPv6 addresses in brackets', () => {
    expect(servers('postgresql://u@h1:5433,h2,[::1]:5435/db')).toEqual(
      E.right([
        { host: 'h1', port: 5433 },
        { host: 'h2', port: 5432 },
        { host: '::1', port: 5435 },
      ]),
    );
  });

  it('wants a server that takes writes when it names several, or when it says so', () => {
    const writableOnly = (url: string) =>
      E.map((a: { writableOnly: boolean }) => a.writableOnly)(parseDatabaseUrl(url));
    expect(writableOnly('postgresql://h1/db')).toEqual(E.right(false));
    expect(writableOnly('postgresql://h1,h2/db')).toEqual(E.right(true));
    expect(writableOnly('postgresql://h1,h2/db?target_session_attrs=any')).toEqual(E.right(false));
    expect(writableOnly('postgresql://h1/db?target_session_attrs=read-write')).toEqual(
      E.right(true),
    );
    expect(writableOnly('postgresql://h1,h2/db?target_session_attrs=primary')).toEqual(
      E.right(true),
    );
  });

  it('gives each server a URL of its own with the same user, database and parameters, which pg reads', () => {
    const parsed = parseDatabaseUrl(
      'postgresql://app:p%40ss@h1:5433,[::1]:5434/stock?sslmode=disable&target_session_attrs=read-write&application_name=api',
    );
    if (E.isLeft(parsed)) throw new Error(parsed.left);
    expect(parsed.right.servers.map((s) => serverUrl(parsed.right, s))).toEqual([
      'postgresql://app:p%40ss@h1:5433/stock?sslmode=disable&application_name=api',
      'postgresql://app:p%40ss@[::1]:5434/stock?sslmode=disable&application_name=api',
    ]);
    expect(parsed.right.servers.map(serverName)).toEqual(['h1:5433', '[::1]:5434']);
  });

  it('is refused, saying why, when it is not one', () => {
    expect(parseDatabaseUrl('mysql://db/x')).toEqual(
      E.left('must be a postgres:// or postgresql:// URL'),
    );
    expect(parseDatabaseUrl('postgresql://h1,/db')).toEqual(
      E.left('names "", which is not host or host:port'),
    );
    expect(parseDatabaseUrl('postgresql://h1:5432,h2:99999/db')).toEqual(
      E.left('names "h2:99999", whose port is not from 1 to 65535'),
    );
    expect(parseDatabaseUrl('postgresql://h1:x/db')).toEqual(
      E.left('names "h1:x", which is not host or host:port'),
    );
    expect(parseDatabaseUrl('postgresql://h1,h2/db?target_session_attrs=standby')).toEqual(
      E.left(
        'has target_session_attrs=standby; the service writes, so it must be read-write, primary or any',
      ),
    );
    expect(parseDatabaseUrl('postgresql://h 1/db')).toEqual(E.left('is not a valid URL'));
  });
});
