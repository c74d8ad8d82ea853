import type { Prisma } from '../generated/prisma/client';

/** An event as the domains record it: a tag and plain JSON data. */
export interface TaggedEvent {
  readonly _tag: string;
}

/**
 * Writes a transaction's events to the outbox in one statement, in the order they were recorded:
 * `type` is the tag, `data` the rest of the event. The row's transaction id and time are the
 * table's defaults.
 */
export const writeToOutbox = async (
  tx: Prisma.TransactionClient,
  events: ReadonlyArray<TaggedEvent>,
): Promise<void> => {
  if (events.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO outbox (type, data)
    SELECT event->>'_tag', event - '_tag'
      FROM jsonb_array_elements(${JSON.stringify(events)}::jsonb) WITH ORDINALITY AS e(event, n)
     ORDER BY n`;
};
