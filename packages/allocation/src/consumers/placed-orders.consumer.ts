import * as E from 'fp-ts/Either';
import type { OutboxConsumer } from '@allocation/platform';
import { allocateCommand, deallocateCommand } from '../application/product.commands';
import type { Allocate } from '@allocation/allocation-domain';
import type { AllocationBus } from '../application/allocation-bus';
import type { AllocationOutcome } from '../application/allocation-batcher';

export const PLACED_ORDERS_CONSUMER_NAME = 'allocation-of-placed-orders';

/**
 * What allocation reads of orders' published events (`OrderPlaced`, `OrderCancelled` in the
 * outbox): only the fields it acts on, so orders' own types stay in orders.
 */
interface OrderPlaced {
  readonly orderId: string;
  readonly lines: ReadonlyArray<{ readonly sku: string; readonly quantity: number }>;
}

interface OrderCancelled {
  readonly orderId: string;
  /** A placed order's lines were handed to allocation: they are to be released. */
  readonly wasPlaced: boolean;
}

export interface HandoffLog {
  warn(message: string): void;
}

/**
 * Allocation's side of placing an order: each line of an `OrderPlaced` is allocated under the
 * order's id, and a placed order that is cancelled is deallocated. Both are idempotent (an
 * identical allocation changes nothing, deallocating twice finds nothing), so the at-least-once
 * delivery of the outbox is safe. A line that finds no stock is backordered: the product keeps it
 * and serves it when stock arrives.
 */
export const placedOrdersConsumer = (
  bus: AllocationBus,
  log: HandoffLog,
  /**
   * How a line is allocated; it must decide commands in the order they are submitted: the
   * batcher does, and by default the bus runs them one after another.
   */
  allocate: (command: Allocate) => Promise<AllocationOutcome> = oneAfterAnother(bus),
): OutboxConsumer => {
  /** The allocatable commands of a placed order's lines; a line that is not is logged. */
  const commandsOf = (event: OrderPlaced): Allocate[] =>
    event.lines.flatMap((line) => {
      const command = allocateCommand({
        orderId: event.orderId,
        sku: line.sku,
        quantity: line.quantity,
        backorder: true,
      });
      if (E.isRight(command)) return [command.right];
      log.warn(
        `Order ${event.orderId}: line ${line.sku} is not allocatable: ${command.left.message}`,
      );
      return [];
    });

  /**
   * The lines of several placed orders, submitted at once in the orders' sequence: the batcher
   * decides in arrival order, so each line meets the stock the lines before it left, exactly as
   * one order after another would, in a few batches instead of one round of them per order.
   */
  const allocateLines = async (events: ReadonlyArray<OrderPlaced>): Promise<void> => {
    const commands = events.flatMap(commandsOf);
    const results = await Promise.all(commands.map(allocate));
    results.forEach((result, i) => {
      if (E.isRight(result)) return;
      if (result.left._tag === 'RetriesExhausted') {
        // Not handled: the turn fails and these events come again.
        throw new Error(result.left.message);
      }
      const command = commands[i];
      log.warn(
        `Order ${command?.orderId ?? '?'}: line ${command?.sku ?? '?'} not allocated: ${result.left.message}`,
      );
    });
  };

  const release = async (event: OrderCancelled): Promise<void> => {
    if (!event.wasPlaced) return;
    const command = deallocateCommand(event.orderId);
    if (E.isLeft(command)) return;
    const result = await bus.handle(command.right);
    if (E.isLeft(result) && result.left._tag === 'RetriesExhausted') {
      throw new Error(result.left.message);
    }
  };

  return {
    name: PLACED_ORDERS_CONSUMER_NAME,
    // Its handler runs units of work of its own: it must not hold the embedded database's one
    // connection while it does.
    holdWhileHandling: false,
    // The rest of the outbox (allocation's own events, thousands a second) is passed over.
    types: ['OrderPlaced', 'OrderCancelled'],
    handle: async (items) => {
      // Placed orders in a row go together; a cancellation waits for the orders before it and
      // is done before the ones after it.
      let placed: OrderPlaced[] = [];
      for (const item of items) {
        // The outbox holds exactly what orders recorded: the type decides the shape.
        if (item.type === 'OrderPlaced') placed.push(item.data as unknown as OrderPlaced);
        if (item.type === 'OrderCancelled') {
          await allocateLines(placed);
          placed = [];
          await release(item.data as unknown as OrderCancelled);
        }
      }
      await allocateLines(placed);
    },
  };
};

/** Runs each command through the bus once the ones submitted before it are done. */
const oneAfterAnother = (bus: AllocationBus) => {
  let previous: Promise<unknown> = Promise.resolve();
  return (command: Allocate): Promise<AllocationOutcome> => {
    const outcome = previous.then(() => bus.handle(command));
    previous = outcome.catch(() => undefined);
    return outcome;
  };
};
