import { sequenceS } from 'fp-ts/Apply';
import * as E from 'fp-ts/Either';
import * as NEA from 'fp-ts/NonEmptyArray';
import * as O from 'fp-ts/Option';
import {
  BatchReference,
  Eta,
  OrderId,
  Quantity,
  Sku,
  type InvalidValue,
  type NewBatch,
  type OrderLine,
} from '@allocation/allocation-domain';
import type { CsvRow, RowProblem } from './csv-input';

export const BATCH_COLUMNS = ['reference', 'sku', 'quantity', 'eta'] as const;
export const ORDER_COLUMNS = ['order_id', 'sku', 'quantity'] as const;

export type Checked<A> = E.Either<NEA.NonEmptyArray<RowProblem>, A>;

/** Every bad column of a row is reported, not only the first. */
const allProblems = sequenceS(E.getApplicativeValidation(NEA.getSemigroup<RowProblem>()));

/** A column through its value object; a refusal becomes a problem at that row and column. */
const column =
  (file: string, row: CsvRow) =>
  <A>(name: string, result: E.Either<InvalidValue, A>): Checked<A> =>
    E.mapLeft((error: InvalidValue) =>
      NEA.of<RowProblem>({
        file,
        line: row.line,
        column: name,
        // The value as written, so the row can be found and mended.
        reason: `${error.message}, got ${JSON.stringify(row.values[name] ?? '')}`,
      }),
    )(result);

/** Text to a number only when it is digits: "1e3" or "2.0" stay text and are refused as such. */
const quantityOf = (text: string | undefined): E.Either<InvalidValue, Quantity> =>
  Quantity(text !== undefined && /^-?\d+$/.test(text) ? Number(text) : text);

export const batchOf = (file: string, row: CsvRow): Checked<NewBatch> => {
  const at = column(file, row);
  const eta = row.values['eta'] ?? '';
  return allProblems({
    reference: at('reference', BatchReference(row.values['reference'])),
    sku: at('sku', Sku(row.values['sku'])),
    quantity: at('quantity', quantityOf(row.values['quantity'])),
    eta: at('eta', eta === '' ? E.right(O.none) : Eta(eta)),
  });
};

/**
 * The hot path (a million rows a run): the same value objects and messages as `batchOf`, checked
 * with plain branches rather than an applicative, which allocates several objects per row.
 */
export const orderLineOf = (file: string, row: CsvRow): Checked<OrderLine> => {
  const orderId = OrderId(row.values['order_id']);
  const sku = Sku(row.values['sku']);
  const quantity = quantityOf(row.values['quantity']);
  if (E.isRight(orderId) && E.isRight(sku) && E.isRight(quantity)) {
    return E.right({ orderId: orderId.right, sku: sku.right, quantity: quantity.right });
  }
  const at = column(file, row);
  const problems = [at('order_id', orderId), at('sku', sku), at('quantity', quantity)].flatMap(
    (checked) => (E.isLeft(checked) ? checked.left : []),
  );
  return E.left(problems as NEA.NonEmptyArray<RowProblem>);
};
