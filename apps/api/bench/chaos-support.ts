/**
 * What the chaos scripts share: API processes of the built service, allocation load over them
 * that records every answer, and the table of what clients saw in each phase.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Api {
  readonly child: ChildProcess;
  readonly port: number;
  readonly base: string;
}

export const startApi = async (
  databaseUrl: string,
  port: number,
  env: Record<string, string> = {},
): Promise<Api> => {
  const child = spawn(process.execPath, ['dist/apps/api/main.js'], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      LOG_LEVEL: 'error',
      SHUTDOWN_GRACE_MS: '500',
      SHUTDOWN_DRAIN_MS: '1000',
      RATE_LIMIT_MAX: '0',
      DATABASE_POOL_SIZE: '10',
      ...env,
    },
    // With a LOG_LEVEL of its own, the caller wants to read the service's logs.
    stdio: ['ignore', env['LOG_LEVEL'] === undefined ? 'ignore' : 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${base}/api/health`)).ok) return { child, port, base };
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`API on ${port} did not become healthy`);
};

export const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) =>
    child.exitCode !== null || child.signalCode !== null
      ? resolve()
      : child.once('exit', () => resolve()),
  );

export const OUTCOMES = [
  '2xx',
  '503',
  'other 5xx',
  '4xx',
  'refused',
  'reset',
  'other error',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface Sent {
  /** The phase the request ended in (so one cut off by a kill counts under that kill). */
  phase: string;
  readonly target: number;
  readonly orderId: string;
  outcome?: Outcome;
  /** When the answer came (ms since the epoch). */
  at?: number;
}

const outcomeOf = (status: number): Outcome => {
  if (status >= 200 && status < 300) return '2xx';
  if (status === 503) return '503';
  if (status >= 500) return 'other 5xx';
  return '4xx';
};

const errorOutcome = (error: unknown): Outcome => {
  const text = `${String(error)} ${String((error as { cause?: unknown }).cause)}`;
  if (/ECONNREFUSED/.test(text)) return 'refused';
  if (/ECONNRESET|socket hang up|other side closed|UND_ERR_SOCKET/.test(text)) return 'reset';
  return 'other error';
};

export interface Load {
  readonly sent: Sent[];
  phase: string;
  /** Stops sending and resolves when every client's last request has its answer. */
  stop(): Promise<void>;
}

/**
 * `clients` loops allocating one unit of `<prefix>-<n % skus>` each, each client alternating
 * between the APIs (read again for every request, so a restarted one takes over its slot) and
 * starting on a different one than its neighbour, so every API has half of the clients at any
 * moment.
 */
export const allocationLoad = (
  apis: ReadonlyArray<Api>,
  clients: number,
  skus: number,
  prefix: string,
): Load => {
  let running = true;
  let next = 0;
  const load: Load = {
    sent: [],
    phase: 'steady',
    stop: async () => {
      running = false;
      await loops;
    },
  };
  const client = async (c: number) => {
    // Its own count, not the shared one: clients answered in the same turn would take
    // consecutive numbers and, with those, all the same API.
    for (let own = c; running; own++) {
      const target = own % apis.length;
      const api = apis[target] as Api;
      const entry: Sent = { phase: load.phase, target, orderId: `chaos-${c}-${next++}` };
      load.sent.push(entry);
      try {
        const response = await fetch(`${api.base}/api/allocations`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({
            orderId: entry.orderId,
            sku: `${prefix}-${next % skus}`,
            quantity: 1,
          }),
          signal: AbortSignal.timeout(30_000),
        });
        await response.arrayBuffer();
        entry.outcome = outcomeOf(response.status);
      } catch (error) {
        entry.outcome = errorOutcome(error);
        if (process.env['CHAOS_DEBUG'] && entry.outcome !== 'refused')
          console.log(load.phase, entry.target, String((error as { cause?: unknown }).cause));
        await sleep(20);
      }
      entry.phase = load.phase;
      entry.at = Date.now();
    }
  };
  const loops = Promise.all(Array.from({ length: clients }, (_, c) => client(c)));
  return load;
};

/** One batch per SKU, large enough for the whole run. */
export const seedChaosBatches = async (api: Api, skus: number, prefix: string): Promise<void> => {
  for (let s = 0; s < skus; s++) {
    const response = await fetch(`${api.base}/api/batches`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        reference: `${prefix.toLowerCase()}-${s}`,
        sku: `${prefix}-${s}`,
        quantity: 10_000_000,
      }),
    });
    if (response.status !== 201) throw new Error(`seeding answered ${response.status}`);
  }
};

/**
 * Prints, per phase and in all, how many requests ended each way and how many acknowledged
 * writes are not stored; returns the totals of other 5xx and of lost writes.
 */
export const printOutcomes = (
  sent: ReadonlyArray<Sent>,
  stored: ReadonlySet<string>,
): { other5xx: number; lost: number } => {
  const phases = [...new Set(sent.map((s) => s.phase))];
  const rows = [...phases, 'all'].map((name) => {
    const of = sent.filter((s) => name === 'all' || s.phase === name);
    const lost = of.filter((s) => s.outcome === '2xx' && !stored.has(s.orderId)).length;
    return [
      name,
      of.length,
      ...OUTCOMES.map((o) => of.filter((s) => s.outcome === o).length),
      lost,
    ];
  });
  const header = [
    'phase (requests ending during it)',
    'requests',
    ...OUTCOMES,
    'lost acknowledged writes',
  ];
  console.log('');
  console.log(`| ${header.join(' | ')} |`);
  console.log(`| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`);
  for (const row of rows) {
    console.log(
      `| ${row.map((v) => (typeof v === 'number' ? v.toLocaleString('en') : v)).join(' | ')} |`,
    );
  }
  const perApi = new Map<number, number>();
  for (const s of sent) perApi.set(s.target, (perApi.get(s.target) ?? 0) + 1);
  const shares = [...perApi].sort(([a], [b]) => a - b);
  console.log(
    `requests to each API: ${shares.map(([t, n]) => `API ${t + 1} ${n.toLocaleString('en')}`).join(', ')}`,
  );
  console.log('');
  const all = rows.at(-1) as Array<string | number>;
  return { other5xx: all[2 + OUTCOMES.indexOf('other 5xx')] as number, lost: all.at(-1) as number };
};
