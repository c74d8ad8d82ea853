/**
 * `npm run bench:planner`: the built planner on 1,000,000 order lines over 10,000 SKUs (three
 * batches each), generated on the fly. Prints lines per second and the process's peak memory.
 * PLANNER_BENCH_LINES changes the size.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const LINES = Number(process.env['PLANNER_BENCH_LINES'] ?? 1_000_000);
const SKUS = 10_000;

/** mulberry32: a small deterministic generator, so every run plans the same files. */
const random = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
};

const write = async (path: string, header: string, rows: number, row: (i: number) => string) => {
  const out = createWriteStream(path);
  out.write(header);
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    chunk += row(i);
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
};

/** Peak resident memory (VmHWM) of a running process, in MiB. */
const peakMiB = (pid: number): number | undefined => {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
};

const main = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'planner-bench-'));
  try {
    const next = random(42);
    const batches = join(dir, 'batches.csv');
    const lines = join(dir, 'lines.csv');
    // Each SKU is asked for about 300 units (100 lines of 1-5) and has about 270 in three
    // batches: most lines are allocated, the last ones of a SKU wait.
    await write(batches, 'reference,sku,quantity,eta\n', SKUS * 3, (i) => {
      const eta = i % 3 === 0 ? '' : `2027-0${i % 3}-15`;
      return `B-${i},SKU-${Math.floor(i / 3)},${60 + Math.floor(next() * 60)},${eta}\n`;
    });
    await write(lines, 'order_id,sku,quantity\n', LINES, (i) => {
      return `order-${Math.floor(i / 4)},SKU-${Math.floor(next() * SKUS)},${1 + Math.floor(next() * 5)}\n`;
    });
    const size = (statSync(lines).size / 2 ** 20).toFixed(0);
    const started = process.hrtime.bigint();
    const child = spawn(
      process.execPath,
      [
        'dist/apps/planner/main.js',
        'plan',
        '--batches',
        batches,
        '--orders',
        lines,
        '--out',
        join(dir, 'plan.csv'),
        '--json',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let peak = 0;
    const watch = setInterval(() => (peak = Math.max(peak, peakMiB(child.pid ?? 0) ?? 0)), 20);
    let summary = '';
    child.stdout.on('data', (chunk: Buffer) => (summary += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    clearInterval(watch);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (code !== 0) throw new Error(`the planner exited with ${code}`);
    const totals = (JSON.parse(summary) as { totals: Record<string, number> }).totals;
    console.log(
      `planner: ${LINES.toLocaleString('en')} lines (${size} MiB) over ${SKUS.toLocaleString('en')} SKUs`,
    );
    console.log(
      `  lines/s       ${Math.round(LINES / seconds).toLocaleString('en')} (${seconds.toFixed(2)} s, process start included)`,
    );
    console.log(`  peak memory   ${peak.toFixed(0)} MiB resident`);
    console.log(
      `  planned       ${totals['allocated']?.toLocaleString('en')} units allocated, ${totals['backordered']?.toLocaleString('en')} backordered`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
