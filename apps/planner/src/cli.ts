import * as E from 'fp-ts/Either';
import {
  createReadStream,
  createWriteStream,
  mkdtempSync,
  renameSync,
  rmSync,
  type WriteStream,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { once } from 'node:events';
import {
  InputError,
  isProblem,
  problemText,
  readCsv,
  type RowProblem,
  type RowReply,
} from './lib/csv-input';
import { PLAN_HEADER, planLine, summaryTable, totalsOf, writeTo } from './lib/output';
import { Planner } from './lib/planner';
import { Progress } from './lib/progress';
import { BATCH_COLUMNS, batchOf, ORDER_COLUMNS, orderLineOf } from './lib/rows';
import { batchesFromService } from './lib/service-batches';

export const USAGE = `Usage:
  planner plan (--batches batches.csv | --from http://host:port) --orders lines.csv
               [--out plan.csv] [--json] [--allow-split] [--skip-invalid]

Plans order lines against batches with the allocation rules, offline: nothing is changed
anywhere. batches.csv has the columns reference, sku, quantity, eta (eta may be empty);
lines.csv has order_id, sku, quantity. Lines are planned in file order, as placed orders'
lines: a line that finds no stock is backordered.

  --from URL       take the batches (and what is allocated already) from a running service
  --out FILE       write the plan there (default: standard output, the summary to standard error)
  --json           the summary as JSON instead of a table
  --allow-split    let a line be split over several batches
  --skip-invalid   plan the valid rows and report the bad ones (default: stop at bad rows)

Exit codes: 0 planned; 1 bad input (listed); 2 wrong usage.`;

export interface Io {
  readonly stdout: Writable;
  readonly stderr: Writable;
}

/** Bad rows listed before stopping (the rest are counted). */
export const MAX_LISTED_PROBLEMS = 20;

class UsageError extends Error {}

const optionsOf = (argv: ReadonlyArray<string>) => {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      batches: { type: 'string' },
      from: { type: 'string' },
      orders: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean', default: false },
      'allow-split': { type: 'boolean', default: false },
      'skip-invalid': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return undefined;
  if (positionals[0] !== 'plan' || positionals.length !== 1) {
    throw new UsageError(
      `expected the command "plan"${positionals.length > 0 ? `, got "${positionals.join(' ')}"` : ''}`,
    );
  }
  if (values.orders === undefined) throw new UsageError('--orders is required');
  if ((values.batches === undefined) === (values.from === undefined)) {
    throw new UsageError('give either --batches or --from');
  }
  return values;
};

/** Runs the CLI; resolves to its exit code. Nothing here calls process.exit. */
export const run = async (argv: ReadonlyArray<string>, io: Io): Promise<number> => {
  let options: ReturnType<typeof optionsOf>;
  try {
    options = optionsOf(argv);
  } catch (error) {
    io.stderr.write(
      `planner: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`,
    );
    return 2;
  }
  if (options === undefined) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const planner = new Planner({ allowSplit: options['allow-split'] });
  const problems: RowProblem[] = [];
  let problemCount = 0;
  const skipInvalid = options['skip-invalid'];
  const report = (found: ReadonlyArray<RowProblem>) => {
    problemCount += found.length;
    for (const problem of found) if (problems.length < MAX_LISTED_PROBLEMS) problems.push(problem);
  };
  // Stop reading at the 20th bad row, unless they are to be skipped.
  const enough = () => !skipInvalid && problemCount >= MAX_LISTED_PROBLEMS;
  // The plan goes to a file first, so a run stopped by bad rows leaves no half a plan behind,
  // in --out or on standard output (where it is copied once complete).
  const scratch = options.out === undefined ? mkdtempSync(join(tmpdir(), 'planner-')) : undefined;
  const planFile = scratch === undefined ? `${options.out}.partial` : join(scratch, 'plan.csv');
  let out: WriteStream | undefined;
  // The plan's stream opens asynchronously: it is closed (and its opening awaited) before its
  // folder goes, or it would fail to open there later with nobody listening.
  const cleanUp = async () => {
    if (out !== undefined && !out.closed) {
      const closed = once(out, 'close').catch(() => undefined);
      out.destroy();
      await closed;
    }
    rmSync(planFile, { force: true });
    if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  };
  try {
    if (options.from !== undefined) {
      planner.loadCurrentBatches(await batchesFromService(options.from));
    } else {
      const file = options.batches as string;
      await readCsv(file, { columns: BATCH_COLUMNS }, (item) => {
        if (isProblem(item)) {
          report([item]);
        } else {
          const batch = batchOf(file, item);
          if (E.isLeft(batch)) report(batch.left);
          else {
            const added = planner.addBatch(batch.right);
            if (E.isLeft(added)) report([{ file, line: item.line, reason: added.left }]);
          }
        }
        return enough() ? 'stop' : undefined;
      });
    }
    if (problemCount > 0 && !skipInvalid) {
      await cleanUp();
      return listProblems(io, problems, problemCount);
    }

    out = createWriteStream(planFile, { encoding: 'utf8' });
    const plan = out;
    const progress = new Progress(`planning ${options.orders}`);
    let lines = 0;
    const ordersFile = options.orders as string;
    await writeTo(plan, PLAN_HEADER);
    let text = '';
    await readCsv(
      ordersFile,
      { columns: ORDER_COLUMNS },
      (item): RowReply => {
        if (isProblem(item)) {
          report([item]);
        } else {
          const line = orderLineOf(ordersFile, item);
          if (E.isLeft(line)) report(line.left);
          else if (problemCount === 0 || skipInvalid) {
            lines += 1;
            for (const row of planner.plan(line.right)) text += planLine(row);
            // Written in chunks: one write per line would cost more than the planning.
            if (text.length > 64 * 1024) {
              const chunk = text;
              text = '';
              if (!plan.write(chunk)) return once(plan, 'drain').then(() => undefined);
            }
          }
        }
        return enough() ? 'stop' : undefined;
      },
      (read, total) => progress.update(read, total, lines),
    );
    await writeTo(plan, text);
    progress.done();
    await new Promise<void>((resolve, reject) =>
      plan.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
    if (problemCount > 0 && !skipInvalid) {
      await cleanUp();
      return listProblems(io, problems, problemCount);
    }
    if (options.out !== undefined) renameSync(planFile, options.out);
    else {
      await pipeline(createReadStream(planFile), io.stdout, { end: false });
      await cleanUp();
    }

    const summaries = planner.summary();
    const totals = totalsOf(lines, summaries);
    const summaryOut = options.out === undefined ? io.stderr : io.stdout;
    if (options.json) {
      summaryOut.write(
        `${JSON.stringify({ totals, skus: summaries, skipped: problemCount, problems }, null, 2)}\n`,
      );
    } else {
      summaryOut.write(summaryTable(summaries, totals));
      summaryOut.write(
        `${totals.lines.toLocaleString('en')} lines planned${options.out === undefined ? '' : `; plan in ${options.out}`}\n`,
      );
      if (problemCount > 0) {
        summaryOut.write(`${problemCount} bad rows skipped:\n`);
        for (const problem of problems) summaryOut.write(`  ${problemText(problem)}\n`);
        if (problemCount > problems.length)
          summaryOut.write(`  … and ${problemCount - problems.length} more\n`);
      }
    }
    return 0;
  } catch (error) {
    await cleanUp();
    if (error instanceof InputError) {
      io.stderr.write(`planner: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
};

const listProblems = (io: Io, problems: ReadonlyArray<RowProblem>, count: number): number => {
  io.stderr.write(
    `planner: ${count >= MAX_LISTED_PROBLEMS ? `at least ${count}` : count} bad row${count === 1 ? '' : 's'}; nothing planned (--skip-invalid plans the rest):\n`,
  );
  for (const problem of problems) io.stderr.write(`  ${problemText(problem)}\n`);
  return 1;
};
