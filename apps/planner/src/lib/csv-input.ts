import { parse } from 'csv-parse';
import { createReadStream, statSync } from 'node:fs';

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

/**
 * Streams a CSV file's rows (csv-parse) to `onRow`, checking the header against the expected
 * columns. Rows with the wrong number of fields are handed over as problems; everything else is
 * checked by the caller with the domain's value objects. Line numbers are the parser's own, read
 * as each row is emitted (csv-parse's per-row `info` option would triple the parsing time).
 * `onBytes` follows progress through the file.
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
  const input = createReadStream(file);
  let read = 0;
  input.on('data', (chunk) => {
    read += chunk.length;
    onBytes(read, total);
  });
  const parser = parse({ bom: true, trim: true, skip_empty_lines: true, relax_column_count: true });
  let header: string[] | undefined;
  await new Promise<void>((resolve, reject) => {
    const fail = (error: unknown) => {
      input.destroy();
      parser.destroy();
      if (error instanceof InputError) reject(error);
      else {
        const where = (error as { lines?: number }).lines;
        const reason = error instanceof Error ? error.message : String(error);
        reject(
          new InputError(
            `${file}${where === undefined ? '' : `:${where}`}: not valid CSV (${reason})`,
          ),
        );
      }
    };
    const stop = () => {
      input.destroy();
      parser.destroy();
      resolve();
    };
    parser.on('data', (cells: string[]) => {
      try {
        const line = parser.info.lines;
        if (header === undefined) {
          header = checkHeader(file, cells, spec);
          return;
        }
        if (cells.some((cell) => cell.includes('\u0000'))) {
          throw new InputError(`${file}:${line}: this is not a CSV file (it holds binary data)`);
        }
        let reply: RowReply;
        if (cells.length !== header.length) {
          reply = onRow({
            file,
            line,
            reason: `${cells.length} fields where the header has ${header.length}`,
          });
        } else {
          const values: Record<string, string> = {};
          for (let i = 0; i < header.length; i++) values[header[i] as string] = cells[i] ?? '';
          reply = onRow({ line, values });
        }
        if (reply === 'stop') stop();
        else if (reply instanceof Promise) {
          parser.pause();
          reply.then(() => parser.resume(), fail);
        }
      } catch (error) {
        fail(error);
      }
    });
    parser.on('error', fail);
    input.on('error', fail);
    parser.on('end', () => {
      if (header === undefined) {
        reject(new InputError(`${file}: the file holds no rows; expected a header: ${expected}`));
      } else resolve();
    });
    input.pipe(parser);
  });
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
