import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import {
  type AllocatedLine,
  type CancelPickList,
  cancelPickList as cancelList,
  type Changed,
  type ConfirmPickList,
  confirmPickList as confirmList,
  type CreatePickList,
  createPickList as createList,
  type Picked,
  type PickList,
  type PickListId,
  pickListNotFound,
  type Product,
  releaseLines,
  reserveLines,
  shipLines,
  type Sku,
  skusOf,
} from '@allocation/allocation-domain';
import { persist } from './persist';
import type { FulfilmentTransaction } from '../ports/fulfilment-transaction';
import type { FulfilmentError, FulfilmentHandler } from './fulfilment-bus';

/**
 * Reserves every allocated line left to pick (of the given orders) and lists them by batch.
 * Products are locked one by one in SKU order, and each product's lines are read only once it is
 * locked, so two lists made at once never take the same line.
 */
export const createPickList: FulfilmentHandler<CreatePickList, PickList> = async (
  command,
  context,
) => {
  const picks: Array<{ product: Product; lines: ReadonlyArray<AllocatedLine> }> = [];
  for (const sku of await context.products.skusToPick(command.orderIds)) {
    const product = await context.products.get(sku);
    if (O.isNone(product)) continue;
    const lines = await context.products.linesToPick(sku, command.orderIds);
    if (lines.length === 0) continue;
    const reserved = reserveLines(product.value, lines, command.id);
    if (E.isLeft(reserved)) return reserved;
    const saved = await persist(context, reserved.right, {
      orderIds: reserved.right.value.map((line) => line.orderId),
      pickListId: command.id,
    });
    if (E.isLeft(saved)) return saved;
    picks.push({ product: reserved.right.product, lines: reserved.right.value });
  }
  const created = createList(command.id, picks, command.orderIds ?? undefined);
  if (E.isLeft(created)) return created;
  await context.pickLists.add(created.right.pickList);
  context.record(created.right.events);
  return E.right(created.right.pickList);
};

type LinesChange = (
  product: Product,
  lines: ReadonlyArray<AllocatedLine>,
  pickListId: PickListId,
) => E.Either<FulfilmentError, Changed<Picked>>;

/** Applies `change` to the list's lines in each of its products, in SKU order. */
const eachProduct = async (
  context: FulfilmentTransaction,
  pickList: PickList,
  change: LinesChange,
  released: boolean,
): Promise<E.Either<FulfilmentError, void>> => {
  for (const sku of skusOf(pickList)) {
    const product = await context.products.get(sku as Sku);
    if (O.isNone(product)) continue;
    const lines = await context.products.linesOn(sku, pickList.id);
    if (lines.length === 0) continue;
    const changed = change(product.value, lines, pickList.id);
    if (E.isLeft(changed)) return changed;
    const reservation = released
      ? { orderIds: lines.map((line) => line.orderId), pickListId: null }
      : undefined;
    const saved = await persist(context, changed.right, reservation);
    if (E.isLeft(saved)) return saved;
  }
  return E.right(undefined);
};

const load = async (
  context: FulfilmentTransaction,
  id: PickListId,
): Promise<E.Either<FulfilmentError, PickList>> =>
  E.fromOption(() => pickListNotFound(id))(await context.pickLists.get(id));

/** Ships an open pick list: its lines leave the warehouse and their batches' stock with them. */
export const confirmPickList: FulfilmentHandler<ConfirmPickList, PickList> = async (
  command,
  context,
) => {
  const found = await load(context, command.id);
  if (E.isLeft(found)) return found;
  const confirmed = confirmList(found.right);
  if (E.isLeft(confirmed)) return confirmed;
  const shipped = await eachProduct(context, found.right, shipLines, false);
  if (E.isLeft(shipped)) return shipped;
  await context.pickLists.saveStatus(confirmed.right.pickList);
  context.record(confirmed.right.events);
  return E.right(confirmed.right.pickList);
};

/** Cancels an open pick list: its lines stay allocated and are free to pick again. */
export const cancelPickList: FulfilmentHandler<CancelPickList, PickList> = async (
  command,
  context,
) => {
  const found = await load(context, command.id);
  if (E.isLeft(found)) return found;
  const cancelled = cancelList(found.right);
  if (E.isLeft(cancelled)) return cancelled;
  const released = await eachProduct(context, found.right, releaseLines, true);
  if (E.isLeft(released)) return released;
  await context.pickLists.saveStatus(cancelled.right.pickList);
  context.record(cancelled.right.events);
  return E.right(cancelled.right.pickList);
};
