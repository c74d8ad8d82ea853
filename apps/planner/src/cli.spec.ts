import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { run } from './cli';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'planner-cli-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, text: string | Buffer): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const sink = () => {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
};

const planner = async (...args: string[]) => {
  const stdout = sink();
  const stderr = sink();
  const code = await run(args, { stdout: stdout.stream, stderr: stderr.stream });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
};

const BATCHES = 'reference,sku,quantity,eta\nb1,LAMP,10,\nb2,LAMP,10,2027-01-01\nc1,CHAIR,4,\n';
const LINES = 'order_id,sku,quantity\no1,LAMP,8\no2,LAMP,6\no3,CHAIR,5\n';

describe('planner plan', () => {
  it('writes the plan to standard output and the summary to standard error', async () => {
    const result = await planner(
      'plan',
      '--batches',
      file('b.csv', BATCHES),
      '--orders',
      file('l.csv', LINES),
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      'order_id,sku,batch_reference,quantity,status,note\n' +
        'o1,LAMP,b1,8,allocated,\n' +
        'o2,LAMP,b2,6,allocated,\n' +
        'o3,CHAIR,,5,backordered,\n',
    );
    expect(result.stderr).toMatch(/CHAIR\s+5\s+0\s+5\s+0\s+4\s+c1 0%/);
    expect(result.stderr).toMatch(/LAMP\s+14\s+14\s+0\s+0\s+6\s+b1 80%, b2 60%/);
    expect(result.stderr).toMatch(/all 2 SKUs\s+19\s+14\s+5\s+0\s+10/);
    expect(result.stderr).toContain('3 lines planned');
  });

  it('writes the plan to --out and the summary to standard output, as JSON with --json', async () => {
    const out = join(dir, 'plan.csv');
    const result = await planner(
      'plan',
      '--batches',
      file('b.csv', BATCHES),
      '--orders',
      file('l.csv', LINES),
      '--out',
      out,
      '--json',
    );
    expect(result.code).toBe(0);
    expect(readFileSync(out, 'utf8').split('\n')).toHaveLength(5);
    const summary = JSON.parse(result.stdout);
    expect(summary.totals).toEqual({
      lines: 3,
      skus: 2,
      demanded: 19,
      allocated: 14,
      backordered: 5,
      refusedLines: 0,
      stockLeft: 10,
    });
    expect(summary.skus[1]).toMatchObject({ sku: 'LAMP', allocated: 14 });
  });

  it('splits lines over batches with --allow-split', async () => {
    const result = await planner(
      'plan',
      '--batches',
      file('b.csv', BATCHES),
      '--orders',
      file('l.csv', 'order_id,sku,quantity\no1,LAMP,15\n'),
      '--allow-split',
    );
    expect(result.stdout).toContain('o1,LAMP,b1,10,allocated,\no1,LAMP,b2,5,allocated,\n');
  });

  it('takes the header in any common spelling: Order ID, orderId, order-id', async () => {
    for (const header of [
      'Order ID,SKU,Quantity',
      'orderId,sku,quantity',
      'order-id,sku,qUANTITY',
    ]) {
      const result = await planner(
        'plan',
        '--batches',
        file('b.csv', BATCHES),
        '--orders',
        file('l.csv', `${header}\no1,LAMP,1\n`),
      );
      expect({ header, code: result.code }).toEqual({ header, code: 0 });
    }
  });
});

describe('bad rows', () => {
  it('are listed with file, line, column and reason; nothing is planned; exit code 1', async () => {
    const out = join(dir, 'never.csv');
    const lines = file(
      'bad.csv',
      'order_id,sku,quantity\no1,LAMP,1\n,LAMP,2\no3,lamp lamp,2.5\no4,LAMP\n',
    );
    const result = await planner(
      'plan',
      '--batches',
      file('b.csv', BATCHES),
      '--orders',
      lines,
      '--out',
      out,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${lines}:3 column order_id: orderId must not be empty`);
    expect(result.stderr).toContain(
      `${lines}:4 column sku: sku must start with a letter or digit and contain only letters, digits, '.', '_' or '-'`,
    );
    expect(result.stderr).toContain(
      `${lines}:4 column quantity: quantity must be a positive whole number`,
    );
    expect(result.stderr).toContain(`${lines}:5: 2 fields where the header has 3`);
    expect(result.stdout).toBe('');
    // No half a plan is left behind.
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  it('leave nothing on standard output either, however much was planned before them', async () => {
    const good = Array.from({ length: 5_000 }, (_, i) => `o${i},LAMP,1`).join('\n');
    const lines = file('late-bad.csv', `order_id,sku,quantity\n${good}\nlate,LAMP,none\n`);
    const result = await planner('plan', '--batches', file('b.csv', BATCHES), '--orders', lines);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`${lines}:5002 column quantity:`);
  });

  it('are each reported at their own line, deep in a large file', async () => {
    const good = Array.from({ length: 299_999 }, (_, i) => `o${i},LAMP,1`).join('\n');
    const after = Array.from({ length: 2_000 }, (_, i) => `p${i},LAMP,1`).join('\n');
    const lines = file(
      'large.csv',
      `order_id,sku,quantity\n${good}\nbad-1,LAMP,x\nbad-2,LAMP,-1\n${after}\n`,
    );
    const stock = file('stock.csv', 'reference,sku,quantity,eta\nbig,LAMP,1000000,\n');
    const result = await planner('plan', '--batches', stock, '--orders', lines);
    expect(result.code).toBe(1);
    const listed = result.stderr.split('\n').filter((l) => l.includes(lines));
    expect(listed).toEqual([
      `  ${lines}:300001 column quantity: quantity must be a positive whole number, got "x"`,
      `  ${lines}:300002 column quantity: quantity must be a positive whole number, got "-1"`,
    ]);
  }, 60_000);

  it('report an unclosed quote at its own line and still find every other bad row', async () => {
    const good = (from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, i) => `o${from + i},LAMP,1`).join('\n');
    const text =
      `order_id,sku,quantity\n${good(2, 100)}\no101,"LAMP,1\n${good(102, 150)}\n` +
      `o151,LA MP,1\n${good(152, 200)}\n`;
    const lines = file('quote.csv', text);
    const result = await planner('plan', '--batches', file('b.csv', BATCHES), '--orders', lines);
    expect(result.code).toBe(1);
    const listed = result.stderr.split('\n').filter((l) => l.includes(lines));
    expect(listed).toEqual([
      `  ${lines}:101 column sku: not valid CSV: a quote opened here is not closed on this line`,
      expect.stringMatching(new RegExp(`^  ${lines}:151 column sku: sku must .*, got "LA MP"$`)),
    ]);
  });

  it('stop the run after listing 20 of them', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => `o${i},LAMP,-1`).join('\n');
    const result = await planner(
      'plan',
      '--batches',
      file('b.csv', BATCHES),
      '--orders',
      file('many.csv', `order_id,sku,quantity\n${rows}\n`),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('at least 20 bad rows');
    expect(result.stderr.split('\n').filter((l) => l.includes('column quantity'))).toHaveLength(20);
  });

  it('are skipped and reported with --skip-invalid, the rest planned', async () => {
    const lines = file(
      'some-bad.csv',
      'order_id,sku,quantity\no1,LAMP,1\no2,LAMP,zero\no3,LAMP,2\n',
    );
    const result = await planner(
      'plan',
      '--batches',
      file('b.csv', BATCHES),
      '--orders',
      lines,
      '--skip-invalid',
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('o1,LAMP,b1,1,allocated,\no3,LAMP,b1,2,allocated,\n');
    expect(result.stderr).toContain('1 bad rows skipped:');
    expect(result.stderr).toContain(
      `${lines}:3 column quantity: quantity must be a positive whole number`,
    );
  });

  it('in the batches file are reported the same way, duplicates included', async () => {
    const batches = file(
      'bad-b.csv',
      'reference,sku,quantity,eta\nb1,LAMP,10,\nb1,CHAIR,3,\nb3,LAMP,4,2027-02-30\n',
    );
    const result = await planner('plan', '--batches', batches, '--orders', file('l.csv', LINES));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${batches}:3: Batch b1 already exists`);
    expect(result.stderr).toContain(
      `${batches}:4 column eta: eta 2027-02-30 is not a calendar date`,
    );
  });
});

describe('files that are not what they should be', () => {
  const failsWith = async (batchesText: string | Buffer, message: RegExp) => {
    const result = await planner(
      'plan',
      '--batches',
      file('x.csv', batchesText),
      '--orders',
      file('l.csv', LINES),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  };

  it('an empty file', () =>
    failsWith('', /the file is empty; expected a header: reference, sku, quantity, eta/));
  it('a header and no rows is fine: nothing to plan from, every line waits', async () => {
    const result = await planner(
      'plan',
      '--batches',
      file('x.csv', 'reference,sku,quantity,eta\n'),
      '--orders',
      file('l.csv', LINES),
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('o1,LAMP,,8,backordered,');
  });
  it('no header', () =>
    failsWith('b1,LAMP,10,\n', /:1: no header; the first line must name the columns/));
  it('an unknown column', () =>
    failsWith(
      'reference,sku,quantity,eta,colour\n',
      /unknown column "colour"; expected: reference, sku, quantity, eta/,
    ));
  it('a missing column', () => failsWith('reference,sku,eta\n', /missing column quantity/));
  it('not CSV at all', () =>
    failsWith('reference,sku,quantity,eta\n"b1,LAMP,10\n', /not valid CSV/));
  it('binary data', () =>
    failsWith(
      Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x2c, 0x0a]),
      /not a CSV file|no header/,
    ));
  it('a missing file', async () => {
    const result = await planner(
      'plan',
      '--batches',
      join(dir, 'nope.csv'),
      '--orders',
      file('l.csv', LINES),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('nope.csv: cannot be read');
  });
});

describe('usage', () => {
  it.each([
    [[], 'expected the command "plan"'],
    [['plan', '--orders', 'l.csv'], 'give either --batches or --from'],
    [['plan', '--batches', 'b.csv'], '--orders is required'],
    [['plan', '--batches', 'b.csv', '--orders', 'l.csv', '--colour'], "Unknown option '--colour'"],
  ])('%j is wrong usage: exit code 2 and the usage', async (args, message) => {
    const result = await planner(...(args as string[]));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('Usage:');
  });

  it('--help prints the usage', async () => {
    expect((await planner('--help')).stdout).toContain('planner plan');
  });
});

describe('--from a running service', () => {
  let server: Server;
  let base: string;
  const items = Array.from({ length: 7 }, (_, i) => ({
    reference: `s${i}`,
    sku: i < 4 ? 'LAMP' : 'CHAIR',
    eta: null,
    purchasedQuantity: 10,
    allocatedQuantity: 9,
    reservedQuantity: 0,
  }));

  beforeAll(async () => {
    server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://x');
      const page = Number(url.searchParams.get('page'));
      const size = Number(url.searchParams.get('pageSize'));
      // Pages of 3, whatever was asked, to see that every page is read.
      const pageItems = items.slice((page - 1) * 3, page * 3);
      response.setHeader('Content-Type', 'application/json');
      response.end(JSON.stringify({ items: pageItems, page, pageSize: size, total: items.length }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it("plans against the service's batches and what they have left", async () => {
    const result = await planner(
      'plan',
      '--from',
      base,
      '--orders',
      file('l.csv', 'order_id,sku,quantity\no1,LAMP,1\no2,CHAIR,2\n'),
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('o1,LAMP,s0,1,allocated,\no2,CHAIR,,2,backordered,\n');
  });

  it('says so when the service cannot be reached', async () => {
    // A port that was free a moment ago: nothing listens there.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const address = closed.address();
    await new Promise((resolve) => closed.close(resolve));
    const port = typeof address === 'object' && address ? address.port : 0;
    const result = await planner(
      'plan',
      '--from',
      `http://127.0.0.1:${port}`,
      '--orders',
      file('l.csv', LINES),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('the service cannot be reached (ECONNREFUSED)');
  });
});

describe('the built command', () => {
  const bin = join(__dirname, '..', 'bin', 'planner.cjs');

  it('runs as `npx planner`, with no progress bar when piped, and the exit code', async () => {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [
      bin,
      'plan',
      '--batches',
      file('b.csv', BATCHES),
      '--orders',
      file('l.csv', LINES),
    ]);
    expect(stdout).toContain('o1,LAMP,b1,8,allocated,');
    expect(stderr).not.toContain('[#');
    await expect(
      promisify(execFile)(process.execPath, [
        bin,
        'plan',
        '--batches',
        join(dir, 'none.csv'),
        '--orders',
        'x',
      ]),
    ).rejects.toMatchObject({ code: 1 });
  });

  it('says only what is wrong when an input file is missing: exit 1, no stack (5 runs of 5)', async () => {
    for (let i = 0; i < 5; i++) {
      const failed = await promisify(execFile)(process.execPath, [
        bin,
        'plan',
        '--batches',
        file('b.csv', BATCHES),
        '--orders',
        join(dir, 'missing.csv'),
      ]).catch((error: { code: number; stdout: string; stderr: string }) => error);
      expect(failed).toMatchObject({
        code: 1,
        stdout: '',
        stderr: `planner: ${join(dir, 'missing.csv')}: cannot be read (no such file?)\n`,
      });
    }
  });

  it('builds itself on the first run after `npm install`, when it has not been built', async () => {
    const dist = join(__dirname, '..', '..', '..', 'dist', 'apps', 'planner');
    const aside = `${dist}.aside-${process.pid}`;
    renameSync(dist, aside);
    try {
      const { stdout, stderr } = await promisify(execFile)(
        process.execPath,
        [bin, 'plan', '--batches', file('b.csv', BATCHES), '--orders', file('l.csv', LINES)],
        { env: { ...process.env, NX_DAEMON: 'false' } },
      );
      expect(stdout).toContain('o1,LAMP,b1,8,allocated,');
      expect(stderr).toContain('building it first');
      expect(existsSync(join(dist, 'main.js'))).toBe(true);
    } finally {
      if (existsSync(dist)) rmSync(aside, { recursive: true, force: true });
      else renameSync(aside, dist);
    }
  }, 120_000);
});
