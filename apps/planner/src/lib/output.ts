import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { PlanRow, SkuSummary } from './planner';

export const PLAN_HEADER = 'order_id,sku,batch_reference,quantity,status,note\n';

/** A CSV field, quoted when it holds a comma, a quote or a line break. */
const field = (value: string): string =>
  /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;

export const planLine = (row: PlanRow): string =>
  `${row.orderId},${row.sku},${row.batchReference ?? ''},${row.quantity},${row.status},${field(row.note ?? '')}\n`;

/** Writes text, waiting when the stream asks to (so a big plan never piles up in memory). */
export const writeTo = async (stream: Writable, text: string): Promise<void> => {
  if (!stream.write(text)) await once(stream, 'drain');
};

const percent = (part: number, whole: number): string =>
  whole === 0 ? '—' : `${Math.round((part / whole) * 100)}%`;

const utilisation = (summary: SkuSummary): string =>
  summary.batches.map((b) => `${b.reference} ${percent(b.allocated, b.purchased)}`).join(', ');

const number = (n: number): string => n.toLocaleString('en');

export interface Totals {
  readonly lines: number;
  readonly skus: number;
  readonly demanded: number;
  readonly allocated: number;
  readonly backordered: number;
  readonly refusedLines: number;
  readonly stockLeft: number;
}

export const totalsOf = (lines: number, summaries: ReadonlyArray<SkuSummary>): Totals => ({
  lines,
  skus: summaries.length,
  demanded: summaries.reduce((n, s) => n + s.demanded, 0),
  allocated: summaries.reduce((n, s) => n + s.allocated, 0),
  backordered: summaries.reduce((n, s) => n + s.backordered, 0),
  refusedLines: summaries.reduce((n, s) => n + s.refusedLines, 0),
  stockLeft: summaries.reduce((n, s) => n + s.stockLeft, 0),
});

/** Up to this many SKUs in the table; the rest (the least backordered) in --json only. */
export const TABLE_SKUS = 50;

/** The summary as a table: a row per SKU (the most backordered first when there are many). */
export const summaryTable = (summaries: ReadonlyArray<SkuSummary>, totals: Totals): string => {
  const shown =
    summaries.length <= TABLE_SKUS
      ? summaries
      : [...summaries].sort((a, b) => b.backordered - a.backordered).slice(0, TABLE_SKUS);
  const header = [
    'SKU',
    'demanded',
    'allocated',
    'backordered',
    'refused lines',
    'stock left',
    'batches used',
  ];
  const rows = shown.map((s) => [
    s.sku,
    number(s.demanded),
    number(s.allocated),
    number(s.backordered),
    number(s.refusedLines),
    number(s.stockLeft),
    utilisation(s),
  ]);
  rows.push([
    `all ${number(totals.skus)} SKUs`,
    number(totals.demanded),
    number(totals.allocated),
    number(totals.backordered),
    number(totals.refusedLines),
    number(totals.stockLeft),
    '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: ReadonlyArray<string>) =>
    cells
      .map((cell, i) =>
        i === 0 || i === cells.length - 1
          ? cell.padEnd(widths[i] ?? 0)
          : cell.padStart(widths[i] ?? 0),
      )
      .join('  ')
      .trimEnd();
  const more =
    summaries.length > shown.length
      ? `\n(${number(summaries.length - shown.length)} more SKUs, the least backordered: --json lists every one)`
      : '';
  return (
    [
      line(header),
      ...rows.slice(0, -1).map(line),
      line(header.map((_, i) => '-'.repeat(widths[i] ?? 0))),
      line(rows.at(-1) ?? []),
    ].join('\n') +
    more +
    '\n'
  );
};
