import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';

/** A row that cannot be planned: where it is and why, in the value objects' own words. */
export interface RowProblem {
  readonly file: string;
  readonly line: number;
  readonly column?: string;
  readonly reason: string;
}

/** Something wrong with a whole file: missing, empty, no header, unknown columns, not CSV. */
export class InputError extends Error {}

export interface CsvRow {
  readonly line: number;
  /** By canonical column name; every expected column is there (possibly empty). */
  readonly values: Readonly<Record<string, string>>;
}

export interface CsvSpec {
  /** Canonical column names, as the header may spell them: `order_id`, `order id`, `orderId`. */
  readonly columns: ReadonlyArray<string>;
}

const normalise = (name: string): string => name.toLowerCase().replace(/[\s_-]+/g, '');

export const problemText = (p: RowProblem): string =>
  `${p.file}:${p.line}${p.column === undefined ? '' : ` column ${p.column}`}: ${p.reason}`;

/** What a row handler answers: go on, stop reading, or wait (the output is catching up). */
export type RowReply = void | 'stop' | Promise<void>;

/** A line's fields, or why the line is not CSV (and in which field, counting from 0). */
export type SplitLine =
  | { readonly ok: true; readonly cells: string[] }
  | { readonly ok: false; readonly field: number; readonly reason: string };

/**
 * One line of CSV into its fields: comma-separated, each trimmed, a field in double quotes may
 * hold commas and `""` for a quote. No field of these files can hold a line break (identifiers,
 * numbers and dates never do), so every record is one line: a quote left open is that line's
 * fault alone and cannot swallow the rest of the file.
 */
export const splitCsvLine = (text: string): SplitLine => {
  const cells: string[] = [];
  let i = 0;
  for (let field = 0; ; field++) {
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (text[i] === '"') {
      let value = '';
      let closed = false;
      for (i++; i < text.length; i++) {
        if (text[i] !== '"') value += text[i];
        else if (text[i + 1] === '"') {
          value += '"';
          i++;
        } else {
          closed = true;
          i++;
          break;
        }
      }
      if (!closed)
        return { ok: false, field, reason: 'a quote opened here is not closed on this line' };
      while (text[i] === ' ' || text[i] === '\t') i++;
      if (i < text.length && text[i] !== ',') {
        return { ok: false, field, reason: 'text after the closing quote' };
      }
      cells.push(value);
    } else {
      const end = text.indexOf(',', i);
      cells.push(text.slice(i, end === -1 ? text.length : end).trim());
      i = end === -1 ? text.length : end;
    }
    if (i >= text.length) return { ok: true, cells };
    i++; // the comma
  }
};

/**
 * Streams a CSV file's rows to `onRow`, line by line (so each row's line number is exact),
 * checking the header against the expected columns. Rows that are not CSV or have the wrong
 * number of fields are handed over as problems; everything else is checked by the caller with
 * the domain's value objects. `onBytes` follows progress through the file.
 */
export const readCsv = async (
  file: string,
  spec: CsvSpec,
  onRow: (item: CsvRow | RowProblem) => RowReply,
  onBytes: (read: number, total: number) => void = () => undefined,
): Promise<void> => {
  let total: number;
  try {
    total = statSync(file).size;
  } catch {
    throw new InputError(`${file}: cannot be read (no such file?)`);
  }
  const expected = spec.columns.join(', ');
  if (total === 0)
    throw new InputError(`${file}: the file is empty; expected a header: ${expected}`);
  const input = createReadStream(file, { encoding: 'utf8' });
  let read = 0;
  input.on('data', (chunk) => {
    read += Buffer.byteLength(chunk);
    onBytes(read, total);
  });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let header: string[] | undefined;
  let line = 0;
  try {
    for await (const raw of lines) {
      line += 1;
      const text = line === 1 ? raw.replace(/^\uFEFF/, '') : raw;
      if (text.trim() === '') continue;
      if (text.includes('\u0000')) {
        throw new InputError(
          header === undefined
            ? `${file}: this is not a CSV file (it holds binary data)`
            : `${file}:${line}: this is not a CSV file (it holds binary data)`,
        );
      }
      const split = splitCsvLine(text);
      if (header === undefined) {
        if (!split.ok) throw new InputError(`${file}:${line}: not valid CSV (${split.reason})`);
        header = checkHeader(file, split.cells, spec);
        continue;
      }
      let reply: RowReply;
      if (!split.ok) {
        const column = header[split.field];
        reply = onRow({
          file,
          line,
          ...(column === undefined ? {} : { column }),
          reason: `not valid CSV: ${split.reason}`,
        });
      } else if (split.cells.length !== header.length) {
        reply = onRow({
          file,
          line,
          reason: `${split.cells.length} fields where the header has ${header.length}`,
        });
      } else {
        const values: Record<string, string> = {};
        for (let i = 0; i < header.length; i++) values[header[i] as string] = split.cells[i] ?? '';
        reply = onRow({ line, values });
      }
      if (reply === 'stop') break;
      // Not `instanceof Promise`: a promise from another realm (Node's own `events.once` under
      // Jest's sandbox) would fail it, and the reader would run ahead of the writer's drain.
      if (reply !== undefined) await reply;
    }
  } finally {
    lines.close();
    input.destroy();
  }
  if (header === undefined) {
    throw new InputError(`${file}: the file holds no rows; expected a header: ${expected}`);
  }
};

const checkHeader = (file: string, cells: ReadonlyArray<string>, spec: CsvSpec): string[] => {
  const expected = spec.columns.join(', ');
  if (cells.some((cell) => cell.includes('\u0000'))) {
    throw new InputError(`${file}: this is not a CSV file (it holds binary data)`);
  }
  const known = new Map(spec.columns.map((c) => [normalise(c), c]));
  const names = cells.map((cell) => known.get(normalise(cell)));
  if (names.every((name) => name === undefined)) {
    throw new InputError(`${file}:1: no header; the first line must name the columns: ${expected}`);
  }
  const unknown = cells.filter((_, i) => names[i] === undefined);
  if (unknown.length > 0) {
    throw new InputError(
      `${file}:1: unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')}; expected: ${expected}`,
    );
  }
  const present = new Set(names);
  const missing = spec.columns.filter((c) => !present.has(c));
  if (missing.length > 0) {
    throw new InputError(
      `${file}:1: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
    );
  }
  if (present.size !== names.length) {
    throw new InputError(`${file}:1: a column is named twice`);
  }
  return names as string[];
};

export const isProblem = (item: CsvRow | RowProblem): item is RowProblem => 'reason' in item;
