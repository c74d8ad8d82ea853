import { Client } from 'pg';
import { PrivateCluster } from '../testing/private-postgres';
import { parseDatabaseUrl, type DatabaseAddress } from '../config/database-url';
import { isDatabaseUnavailable } from './postgres-errors';
import { PrismaService } from './prisma.service';
import { connectTo, ServerLocator, type ServerRole } from './server-locator';

const addressOf = (url: string): DatabaseAddress => {
  const parsed = parseDatabaseUrl(url);
  if (parsed._tag === 'Left') throw new Error(parsed.left);
  return parsed.right;
};

describe('finding the server to connect to', () => {
  const roles = (answers: Record<string, ServerRole | Error>) => {
    const asked: string[] = [];
    const roleAt = async (url: string) => {
      const host = new URL(url).hostname;
      asked.push(host);
      const answer = answers[host];
      if (answer === undefined || answer instanceof Error) throw answer ?? new Error('no answer');
      return answer;
    };
    return { asked, roleAt };
  };

  it('takes the one server of a plain URL without asking it anything', async () => {
    const { asked, roleAt } = roles({});
    const url = 'postgresql://db:5432/x?application_name=api';
    const locator = new ServerLocator(addressOf(url), { roleAt, url });
    const server = await locator.server();
    expect(server).toEqual({ host: 'db', port: 5432 });
    expect(locator.urlOf(server)).toBe(url);
    expect(asked).toEqual([]);
  });

  it('takes the first server in the URL that takes writes, and keeps it until told to forget it', async () => {
    const { asked, roleAt } = roles({
      a: new Error('connect ECONNREFUSED'),
      b: 'read-only',
      c: 'writable',
      d: 'writable',
    });
    const found: string[] = [];
    const locator = new ServerLocator(addressOf('postgresql://a,b,c,d/x'), {
      roleAt,
      onFound: (server) => found.push(server.host),
    });
    expect(await locator.server()).toEqual({ host: 'c', port: 5432 });
    expect(await locator.server()).toEqual({ host: 'c', port: 5432 });
    expect(asked).toEqual(['a', 'b', 'c', 'd']);
    locator.forget(await locator.server());
    await locator.server();
    expect(asked).toHaveLength(8);
    // Found again, the same server is not news.
    expect(found).toEqual(['c']);
  });

  it('answers simultaneous callers with one search', async () => {
    const { asked, roleAt } = roles({ a: 'read-only', b: 'writable' });
    const locator = new ServerLocator(addressOf('postgresql://a,b/x'), { roleAt });
    const found = await Promise.all(Array.from({ length: 20 }, () => locator.server()));
    expect(new Set(found.map((s) => s.host))).toEqual(new Set(['b']));
    expect(asked).toEqual(['a', 'b']);
  });

  it('says, as an unavailable database, what each server answered when none takes writes; and asks again a moment later', async () => {
    let now = 1_000;
    const { asked, roleAt } = roles({ a: new Error('connect ECONNREFUSED'), b: 'read-only' });
    const locator = new ServerLocator(addressOf('postgresql://a:1,b:2/x'), {
      roleAt,
      now: () => now,
    });
    const failure = await locator.server().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toBe(
      'No database server takes writes now (a:1: connect ECONNREFUSED; b:2: read-only)',
    );
    expect(isDatabaseUnavailable(failure)).toBe(true);
    // A burst of requests does not search again at once...
    await expect(locator.server()).rejects.toBe(failure);
    expect(asked).toHaveLength(2);
    // ...but a moment later it does.
    now += 300;
    await expect(locator.server()).rejects.toThrow('No database server');
    expect(asked).toHaveLength(4);
  });

  it('takes any server that answers when the URL says target_session_attrs=any', async () => {
    const { roleAt } = roles({ a: new Error('down'), b: 'read-only' });
    const locator = new ServerLocator(addressOf('postgresql://a,b/x?target_session_attrs=any'), {
      roleAt,
    });
    expect((await locator.server()).host).toBe('b');
  });
});

it("connects with a plain URL as given, a socket's ?host= included", async () => {
  // The machine's PostgreSQL, over its Unix socket.
  const prisma = new PrismaService({
    url: 'postgresql:///postgres?host=/var/run/postgresql&user=postgres',
    poolSize: 1,
  });
  try {
    // No server address: the session came over the socket, not TCP.
    const rows = await prisma.client.$queryRaw<
      Array<{ socket: boolean }>
    >`SELECT inet_server_addr() IS NULL AS socket`;
    expect(rows).toEqual([{ socket: true }]);
  } finally {
    await prisma.close();
  }
});

describe('a primary and its standby', () => {
  let primary: PrivateCluster;
  let standby: PrivateCluster;
  let url: string;

  beforeAll(async () => {
    primary = await PrivateCluster.create();
    standby = await PrivateCluster.standbyOf(primary);
    // The standby first, as a URL may list them in any order.
    url = `postgresql://postgres@127.0.0.1:${standby.port},127.0.0.1:${primary.port}/postgres`;
  }, 60_000);

  afterAll(() => {
    standby?.destroy();
    primary?.destroy();
  });

  const portOf = async (prisma: PrismaService) =>
    Number(
      (await prisma.client.$queryRaw<Array<{ port: number }>>`SELECT inet_server_port() AS port`)[0]
        ?.port,
    );

  it('connects to the one that takes writes, for the pool and for a connection of its own', async () => {
    const prisma = new PrismaService({ url, poolSize: 2 });
    try {
      expect(await portOf(prisma)).toBe(primary.port);
      await prisma.client.$executeRaw`CREATE TABLE IF NOT EXISTS notes (text text)`;
    } finally {
      await prisma.close();
    }
    const own = await connectTo(url);
    try {
      expect((await own.query('SELECT inet_server_port() AS port')).rows[0].port).toBe(
        primary.port,
      );
    } finally {
      await own.end();
    }
  });

  it('does not take a primary that is held read-only', async () => {
    const admin = new Client({ connectionString: primary.url() });
    await admin.connect();
    const prisma = new PrismaService({
      url: `${primary.url()}?target_session_attrs=read-write`,
      poolSize: 1,
    });
    try {
      await admin.query('ALTER SYSTEM SET default_transaction_read_only = on');
      await admin.query('SELECT pg_reload_conf()');
      const refused = await portOf(prisma).catch((e: unknown) => e);
      expect(isDatabaseUnavailable(refused)).toBe(true);
      await admin.query('ALTER SYSTEM RESET default_transaction_read_only');
      await admin.query('SELECT pg_reload_conf()');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await portOf(prisma)).toBe(primary.port);
    } finally {
      await prisma.close();
      await admin.end();
    }
  });

  it('follows a failover by itself: unavailable while no server takes writes, then the promoted standby', async () => {
    const prisma = new PrismaService({ url, poolSize: 2 });
    try {
      expect(await portOf(prisma)).toBe(primary.port);
      await primary.stop();
      // Requests in flight fail, then the dead server is forgotten; the standby answers but
      // refuses writes until promoted, so there is no server to use: each failure is a 503.
      const failures: unknown[] = [];
      for (let i = 0; i < 4; i++) {
        failures.push(await portOf(prisma).catch((e: unknown) => e));
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      expect(failures.filter((f) => !isDatabaseUnavailable(f))).toEqual([]);
      expect(String(failures.at(-1))).toMatch(/No database server takes writes/);

      await standby.promote();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await portOf(prisma)).toBe(standby.port);
      await prisma.client.$executeRaw`INSERT INTO notes VALUES ('after the failover')`;
    } finally {
      await prisma.close();
    }
  });
});
