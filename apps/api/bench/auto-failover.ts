/**
 * A pg_auto_failover formation on free local ports (a monitor, a primary and a synchronous
 * standby), from Debian's `postgresql-NN-auto-failover` and `pg-auto-failover-cli`, for
 * `npm run chaos:failover`. Everything lives in one temporary directory and is removed at the end.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { freePort } from '@allocation/platform/testing';

const postgresVersion = (): string => {
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql') : [];
  const version = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (version === undefined) throw new Error('No PostgreSQL server under /usr/lib/postgresql');
  return version;
};

const hasCommand = (command: string): boolean => {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** Installs pg_auto_failover from Debian's packages if it is missing (needs root). */
export const ensurePgAutoFailover = (): void => {
  const version = postgresVersion();
  const extension = `/usr/lib/postgresql/${version}/lib/pgautofailover.so`;
  if (hasCommand('pg_autoctl') && existsSync(extension)) return;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `pg_auto_failover is not installed: as root, apt-get install postgresql-${version}-auto-failover pg-auto-failover-cli`,
    );
  }
  console.log(`Installing postgresql-${version}-auto-failover and pg-auto-failover-cli...`);
  execFileSync(
    'apt-get',
    ['install', '-y', '-q', `postgresql-${version}-auto-failover`, 'pg-auto-failover-cli'],
    { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } },
  );
};

export interface FormationNode {
  readonly name: string;
  readonly port: number;
  readonly data: string;
}

/**
 * Failure detection tightened from pg_auto_failover's defaults (health checks every 5 s, a node
 * unhealthy after 20 s, 30 s before a promoted standby takes writes). Safety keeps its order: a
 * primary cut off from monitor and standby demotes itself (network_partition_timeout) before the
 * monitor lets the new primary take writes (primary_demote_timeout).
 */
const FAST_MONITOR = {
  'pgautofailover.health_check_period': '1000',
  'pgautofailover.health_check_timeout': '1000',
  'pgautofailover.health_check_max_retries': '1',
  'pgautofailover.health_check_retry_delay': '500',
  'pgautofailover.node_considered_unhealthy_timeout': '3000',
  'pgautofailover.primary_demote_timeout': '6000',
};
const FAST_KEEPER = { 'timeout.network_partition_timeout': '4' };

export class AutoFailoverFormation {
  private readonly keepers = new Map<string, ChildProcess>();
  readonly nodes: FormationNode[] = [];

  private constructor(
    private readonly dir: string,
    private readonly bin: string,
    readonly monitorPort: number,
  ) {}

  /** Monitor, primary and standby, running, the standby caught up and synchronous. */
  static async start(database: string, fast: boolean): Promise<AutoFailoverFormation> {
    const dir = mkdtempSync(join(tmpdir(), 'auto-failover-'));
    chmodSync(dir, 0o777);
    const bin = `/usr/lib/postgresql/${postgresVersion()}/bin`;
    const formation = new AutoFailoverFormation(dir, bin, await freePort());
    try {
      await formation.startMonitor(fast);
      for (const name of ['node_1', 'node_2']) {
        await formation.startNode(name, database, fast);
      }
      await formation.until('a primary and a synchronous standby', async () => {
        const states = await formation.states();
        return (
          states.length === 2 &&
          states.every((s) => s.reported === s.goal) &&
          states.some((s) => s.reported === 'primary') &&
          states.some((s) => s.reported === 'secondary')
        );
      });
      return formation;
    } catch (error) {
      formation.printLogs();
      await formation.destroy();
      throw error;
    }
  }

  /** What a client names: every node, the one that takes writes chosen when connecting. */
  url(database: string): string {
    const hosts = this.nodes.map((n) => `127.0.0.1:${n.port}`).join(',');
    return `postgresql://postgres@${hosts}/${database}?target_session_attrs=read-write`;
  }

  nodeUrl(node: FormationNode, database: string): string {
    return `postgresql://postgres@127.0.0.1:${node.port}/${database}`;
  }

  /** Each node's state as the monitor sees it. */
  async states(): Promise<Array<{ port: number; reported: string; goal: string }>> {
    return this.monitorQuery<{ port: number; reported: string; goal: string }>(
      `SELECT nodeport AS port, reportedstate::text AS reported, goalstate::text AS goal
         FROM pgautofailover.node ORDER BY nodeid`,
    );
  }

  async primary(): Promise<FormationNode> {
    const primary = (await this.states()).find((s) => s.reported === 'primary');
    const node = this.nodes.find((n) => n.port === primary?.port);
    if (node === undefined) throw new Error('the formation has no primary');
    return node;
  }

  /** Whether the node answers and takes writes now. */
  async takesWrites(node: FormationNode, database: string): Promise<boolean> {
    const client = new Client({
      connectionString: this.nodeUrl(node, database),
      connectionTimeoutMillis: 1_000,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      const { rows } = await client.query<{ ok: boolean }>(
        `SELECT NOT pg_is_in_recovery() AND current_setting('transaction_read_only') = 'off' AS ok`,
      );
      return rows[0]?.ok === true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /**
   * The host is lost: SIGKILL to its keeper (which would otherwise restart PostgreSQL at once) and
   * to its postmaster and every backend, all at the same moment.
   */
  killHost(node: FormationNode): void {
    const postmaster = Number(
      readFileSync(join(node.data, 'postmaster.pid'), 'utf8').split('\n')[0],
    );
    const backends = childrenOf(postmaster);
    const keeper = this.keepers.get(node.name);
    if (keeper?.pid !== undefined) signal(-keeper.pid, 'SIGKILL');
    // Already gone with the keeper's process group where PostgreSQL runs under it; not otherwise.
    signal(postmaster, 'SIGKILL');
    for (const pid of backends) signal(pid, 'SIGKILL');
  }

  /**
   * Stops everything it started and removes its files. Each keeper is asked to stop (SIGTERM: it
   * stops its PostgreSQL as it should); whatever of theirs is still running after that is killed.
   * A postmaster killed outright would leave children behind: the monitor's own background
   * worker does not notice its postmaster's death.
   */
  async destroy(): Promise<void> {
    const alive = [...this.keepers.values()].filter(
      (k) => k.pid !== undefined && k.exitCode === null && k.signalCode === null,
    );
    const everything = alive.flatMap((k) => [k.pid as number, ...descendantsOf(k.pid as number)]);
    const exits = alive.map((k) => new Promise<void>((resolve) => k.once('exit', () => resolve())));
    for (const keeper of alive) signal(-(keeper.pid as number), 'SIGTERM');
    await Promise.race([Promise.all(exits), sleep(20_000)]);
    for (const pid of everything) signal(pid, 'SIGKILL');
    // A keeper killed a moment ago may still be removing files of its own.
    rmSync(this.dir, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
  }

  private printLogs(): void {
    for (const file of readdirSync(this.dir).filter((f) => f.endsWith('.log'))) {
      const lines = readFileSync(join(this.dir, file), 'utf8').trimEnd().split('\n');
      console.error(`--- ${file}\n${lines.slice(-15).join('\n')}`);
    }
  }

  private async startMonitor(fast: boolean): Promise<void> {
    const data = join(this.dir, 'monitor');
    this.runSync('pg_autoctl', [
      ...['create', 'monitor', '--pgdata', data, '--pgport', String(this.monitorPort)],
      ...['--auth', 'trust', '--no-ssl', '--hostname', '127.0.0.1'],
    ]);
    this.keep('monitor', ['run', '--pgdata', data]);
    await this.until('the monitor', async () => (await this.monitorQuery('SELECT 1')).length === 1);
    if (fast) {
      for (const [name, value] of Object.entries(FAST_MONITOR)) {
        await this.monitorQuery(`ALTER SYSTEM SET ${name} = '${value}'`);
      }
      await this.monitorQuery('SELECT pg_reload_conf()');
    }
  }

  private async startNode(name: string, database: string, fast: boolean): Promise<void> {
    const node = { name, port: await freePort(), data: join(this.dir, name) };
    this.nodes.push(node);
    const monitor = `postgres://autoctl_node@127.0.0.1:${this.monitorPort}/pg_auto_failover?sslmode=disable`;
    const create = this.keep(`create ${name}`, [
      ...['create', 'postgres', '--pgdata', node.data, '--pgport', String(node.port)],
      ...['--name', name, '--dbname', database, '--monitor', monitor],
      ...['--auth', 'trust', '--no-ssl', '--hostname', '127.0.0.1'],
    ]);
    // A standby's base backup waits for the primary's next checkpoint: ask for one now and then.
    while (create.exitCode === null) {
      const primary = this.nodes.find((n) => n !== node);
      if (primary !== undefined) await this.nodeQuery(primary, 'CHECKPOINT').catch(() => undefined);
      await sleep(500);
    }
    if (create.exitCode !== 0) throw new Error(`pg_autoctl create postgres ${name} failed`);
    if (fast) {
      for (const [key, value] of Object.entries(FAST_KEEPER)) {
        this.runSync('pg_autoctl', ['config', 'set', '--pgdata', node.data, key, value]);
      }
    }
    this.keep(name, ['run', '--pgdata', node.data]);
  }

  private env(): NodeJS.ProcessEnv {
    return {
      PATH: `${this.bin}:/usr/sbin:/usr/bin:/sbin:/bin`,
      HOME: this.dir,
      XDG_CONFIG_HOME: join(this.dir, 'config'),
      XDG_DATA_HOME: join(this.dir, 'share'),
      XDG_RUNTIME_DIR: join(this.dir, 'run'),
      PG_AUTOCTL_DEBUG: '',
    };
  }

  /** pg_autoctl refuses root: as root, it runs as `postgres`. */
  private command(args: string[], tool = 'pg_autoctl'): [string, string[]] {
    const path = tool === 'pg_autoctl' ? 'pg_autoctl' : join(this.bin, tool);
    if (process.getuid?.() !== 0) return [path, args];
    const env = Object.entries(this.env()).map(([k, v]) => `${k}=${v ?? ''}`);
    return ['runuser', ['-u', 'postgres', '--', 'env', ...env, path, ...args]];
  }

  private runSync(tool: string, args: string[]): void {
    const [file, argv] = tool === 'pg_autoctl' ? this.command(args) : this.command(args, tool);
    execFileSync(file, argv, { stdio: 'ignore', env: this.env(), cwd: this.dir });
  }

  /** A long-running pg_autoctl in a process group of its own, its output in the directory. */
  private keep(name: string, args: string[]): ChildProcess {
    const [file, argv] = this.command(args);
    const log = openSync(join(this.dir, `${name.replace(' ', '-')}.log`), 'a');
    const child = spawn(file, argv, {
      detached: true,
      stdio: ['ignore', log, log],
      env: this.env(),
      cwd: this.dir,
    });
    closeSync(log);
    this.keepers.set(name.replace(/^create /, ''), child);
    return child;
  }

  private async until(what: string, check: () => Promise<boolean>): Promise<void> {
    for (let waited = 0; waited < 120_000; waited += 250) {
      if (await check().catch(() => false)) return;
      await sleep(250);
    }
    throw new Error(`${what} did not come up within two minutes (files in ${this.dir})`);
  }

  private monitorQuery<Row extends object>(sql: string): Promise<Row[]> {
    return query<Row>(`postgresql://postgres@127.0.0.1:${this.monitorPort}/pg_auto_failover`, sql);
  }

  private nodeQuery(node: FormationNode, sql: string): Promise<unknown[]> {
    return query(this.nodeUrl(node, 'postgres'), sql);
  }
}

const childrenOf = (pid: number): number[] =>
  readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        // The parent's pid is the 4th field of /proc/<pid>/stat, after the command in brackets.
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);

/** Every process below `pid`, children first found first. */
const descendantsOf = (pid: number): number[] =>
  childrenOf(pid).flatMap((child) => [child, ...descendantsOf(child)]);

/** A signal to a process (or, negative, a process group) that may be gone already. */
const signal = (pid: number, name: NodeJS.Signals): void => {
  try {
    process.kill(pid, name);
  } catch {
    // gone
  }
};

const query = async <Row extends object>(url: string, sql: string): Promise<Row[]> => {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.query<Row>(sql)).rows;
  } finally {
    await client.end().catch(() => undefined);
  }
};
