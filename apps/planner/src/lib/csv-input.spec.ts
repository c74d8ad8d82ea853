import { EventEmitter, once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isProblem, readCsv, splitCsvLine, type CsvRow, type RowProblem } from './csv-input';

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'csv-input-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SPEC = { columns: ['order_id', 'sku', 'quantity'] };

const readAll = async (text: string, pause: boolean) => {
  const path = join(dir, 'rows.csv');
  writeFileSync(path, text);
  const items: Array<CsvRow | RowProblem> = [];
  await readCsv(path, SPEC, (item) => {
    items.push(item);
    // A consumer that waits now and then, as the plan's output does when it must drain.
    return pause ? new Promise((resolve) => setImmediate(resolve)) : undefined;
  });
  return items;
};

describe('reading CSV rows', () => {
  it('gives every row the line it is on, however the reader is paused', async () => {
    const rows = Array.from({ length: 5_000 }, (_, i) => `o${i},LAMP,${i}`);
    const text = `order_id,sku,quantity\n${rows.join('\n')}\n`;
    for (const pause of [false, true]) {
      const items = await readAll(text, pause);
      expect(items).toHaveLength(5_000);
      items.forEach((item, i) => {
        if (isProblem(item)) throw new Error(item.reason);
        expect(item.line).toBe(i + 2);
        expect(item.values['quantity']).toBe(String(i));
      });
    }
  });

  it('waits for the promise a row returns before the next row, whichever realm made it', async () => {
    const path = join(dir, 'waits.csv');
    writeFileSync(
      path,
      `order_id,sku,quantity\n${['a', 'b', 'c', 'd'].map((o) => `${o},LAMP,1`).join('\n')}\n`,
    );
    const drained = new EventEmitter();
    let waiting = 0;
    let most = 0;
    await readCsv(path, SPEC, () => {
      waiting += 1;
      most = Math.max(most, waiting);
      // Node's own `once`, as the plan's output waits for 'drain': its promise is not one of
      // the sandbox's under Jest.
      const reply = once(drained, 'drain').then(() => {
        waiting -= 1;
      });
      setImmediate(() => drained.emit('drain'));
      return reply;
    });
    expect(most).toBe(1);
  });

  it('counts blank lines, and reports a row of the wrong width at its own line', async () => {
    const items = await readAll(
      'order_id,sku,quantity\n\no1,LAMP,1\n\n\no2,LAMP\no3,LAMP,3\n',
      false,
    );
    expect(items.map((item) => [item.line, isProblem(item) ? item.reason : 'ok'])).toEqual([
      [3, 'ok'],
      [6, '2 fields where the header has 3'],
      [7, 'ok'],
    ]);
  });
});

describe('splitting a CSV line', () => {
  it('trims fields, and keeps commas and doubled quotes inside quotes', () => {
    expect(splitCsvLine(' o1 , "LAMP, big" ,"say ""hi"""')).toEqual({
      ok: true,
      cells: ['o1', 'LAMP, big', 'say "hi"'],
    });
    expect(splitCsvLine('a,,')).toEqual({ ok: true, cells: ['a', '', ''] });
  });

  it('refuses a quote left open, or text after a closing quote, naming the field', () => {
    expect(splitCsvLine('o1,"LAMP,1')).toEqual({
      ok: false,
      field: 1,
      reason: 'a quote opened here is not closed on this line',
    });
    expect(splitCsvLine('"o1"x,LAMP,1')).toEqual({
      ok: false,
      field: 0,
      reason: 'text after the closing quote',
    });
  });
});
