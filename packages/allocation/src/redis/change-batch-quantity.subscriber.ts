import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import type { ChangeBatchQuantity } from '@allocation/allocation-domain';
import type { AllocationBus } from '../application/allocation-bus';
import { changeBatchQuantityCommand } from '../application/product.commands';

export const CHANGE_BATCH_QUANTITY_CHANNEL = 'change_batch_quantity';

const FIELDS = ['batchref', 'qty'];

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The reference service's message `{"batchref": "...", "qty": 5}` as a command, or why not. */
export const parseChangeBatchQuantity = (raw: string): E.Either<string, ChangeBatchQuantity> => {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return E.left('not JSON');
  }
  if (!isRecord(body)) return E.left('expected a JSON object {"batchref", "qty"}');
  const unknown = Object.keys(body).filter((key) => !FIELDS.includes(key));
  if (unknown.length > 0) return E.left(`unexpected field(s): ${unknown.join(', ')}`);
  const { batchref, qty } = body;
  if (typeof batchref !== 'string') return E.left('batchref must be a string');
  if (typeof qty !== 'number') return E.left('qty must be a whole number');
  return pipe(
    changeBatchQuantityCommand(batchref, qty),
    E.mapLeft((invalid) => invalid.message),
  );
};

export interface SubscriberLog {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const quoted = (raw: string) => JSON.stringify(raw.length > 200 ? `${raw.slice(0, 200)}…` : raw);

/**
 * Runs each `change_batch_quantity` message through the allocation bus, one after another in
 * arrival order. A message that is malformed or names an unknown batch is logged and skipped;
 * nothing a message says can stop the subscriber.
 */
export const changeBatchQuantityHandler = (bus: AllocationBus, log: SubscriberLog) => {
  const handle = async (raw: string): Promise<void> => {
    const command = parseChangeBatchQuantity(raw);
    if (E.isLeft(command)) {
      log.warn(`Skipped ${CHANGE_BATCH_QUANTITY_CHANNEL} message ${quoted(raw)}: ${command.left}`);
      return;
    }
    const handled = await bus.handle(command.right);
    if (E.isLeft(handled)) {
      log.warn(
        `Skipped ${CHANGE_BATCH_QUANTITY_CHANNEL} message ${quoted(raw)}: ${handled.left.message}`,
      );
      return;
    }
    log.log(
      `Batch ${command.right.reference} set to ${command.right.quantity} from Redis (${handled.right.events.length} events)`,
    );
  };
  let queue = Promise.resolve();
  return (raw: string): Promise<void> => {
    queue = queue.then(() =>
      handle(raw).catch((error: unknown) =>
        log.error(
          `Failed on ${CHANGE_BATCH_QUANTITY_CHANNEL} message ${quoted(raw)}: ${error instanceof Error ? error.message : String(error)}`,
        ),
      ),
    );
    return queue;
  };
};
