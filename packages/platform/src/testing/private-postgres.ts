import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { Client } from 'pg';
import { freePort } from './free-port';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const postgresBin = (): string => {
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql') : [];
  for (const version of versions.sort().reverse()) {
    const bin = join('/usr/lib/postgresql', version, 'bin');
    if (existsSync(join(bin, 'initdb'))) return bin;
  }
  throw new Error('No PostgreSQL server binaries under /usr/lib/postgresql');
};

/**
 * A PostgreSQL cluster of the caller's own (initdb in a temporary directory, on a free port,
 * trust auth), for tests and scripts that restart the database without disturbing anyone else's.
 * Run as root, the server binaries run as `postgres`, since initdb and postgres refuse root.
 */
export class PrivateCluster {
  private constructor(
    private readonly bin: string,
    private readonly dir: string,
    readonly port: number,
  ) {}

  static async create(): Promise<PrivateCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'private-pg-'));
    chmodSync(dir, 0o777);
    const cluster = new PrivateCluster(postgresBin(), dir, await freePort());
    await cluster.run('initdb', [
      '-D',
      cluster.data,
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
    ]);
    await cluster.start();
    return cluster;
  }

  /**
   * A streaming standby of `primary` (pg_basebackup -R), on a port of its own: read-only until
   * promoted.
   */
  static async standbyOf(primary: PrivateCluster): Promise<PrivateCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'private-pg-'));
    chmodSync(dir, 0o777);
    const standby = new PrivateCluster(primary.bin, dir, await freePort());
    await standby.run('pg_basebackup', [
      ...['-D', standby.data, '-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres'],
      ...['-R', '-X', 'stream', '-c', 'fast'],
    ]);
    await standby.start();
    return standby;
  }

  /** Creates a database on this cluster; its URL. */
  async createDatabase(name: string): Promise<string> {
    const admin = new Client({ connectionString: this.url() });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${name}`);
    } finally {
      await admin.end();
    }
    return this.url(name);
  }

  /** A database on this cluster (`postgres` is always there). */
  url(database = 'postgres'): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/${database}`;
  }

  start(): Promise<void> {
    return this.ctl('start');
  }

  /** As an operator's `pg_ctl restart -m fast`: every connection is dropped. */
  restart(): Promise<void> {
    return this.ctl('restart', ['-m', 'fast']);
  }

  /** As a crash: every connection dropped, nothing flushed that was not already. */
  stop(): Promise<void> {
    return this.run('pg_ctl', ['stop', '-D', this.data, '-m', 'immediate', '-w']);
  }

  /** A standby becomes a primary and takes writes. */
  promote(): Promise<void> {
    return this.run('pg_ctl', ['promote', '-D', this.data, '-w']);
  }

  /** Stops the server and removes its files; synchronous, so it runs on any way out. */
  destroy(): void {
    try {
      this.runSync('pg_ctl', ['stop', '-D', this.data, '-m', 'immediate']);
    } catch {
      // already stopped
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }

  private get data(): string {
    return join(this.dir, 'data');
  }

  private ctl(action: string, extra: string[] = []): Promise<void> {
    return this.run('pg_ctl', [
      action,
      '-D',
      this.data,
      '-w',
      '-l',
      join(this.dir, 'log'),
      '-o',
      `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c max_connections=200`,
      ...extra,
    ]);
  }

  private command(tool: string, args: string[]): [string, string[]] {
    const path = join(this.bin, tool);
    return process.getuid?.() === 0
      ? ['runuser', ['-u', 'postgres', '--', path, ...args]]
      : [path, args];
  }

  /** Without blocking the event loop: load may go on meanwhile. */
  private async run(tool: string, args: string[]): Promise<void> {
    const [file, argv] = this.command(tool, args);
    await promisify(execFile)(file, argv);
  }

  private runSync(tool: string, args: string[]): void {
    const [file, argv] = this.command(tool, args);
    execFileSync(file, argv, { stdio: 'ignore' });
  }
}
