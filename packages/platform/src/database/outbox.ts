import type { Prisma } from '../generated/prisma/client';

/** An event as the domains record it: a tag and plain JSON data. */
export interface TaggedEvent {
  readonly _tag: string;
}

/**
 * The one statement that appends events to the outbox, from a JSON array parameter (`param`,
 * e.g. `$1`), in the order they were recorded: `type` is the tag, `data` the rest of the event.
 * The row's transaction id and time are the table's defaults. Statements that write other rows
 * too (the group commit) embed it.
 */
export const outboxInsert = (param: string): string => `
    INSERT INTO outbox (type, data)
    SELECT event->>'_tag', event - '_tag'
      FROM jsonb_array_elements(${param}::jsonb) WITH ORDINALITY AS e(event, n)
     ORDER BY n`;

const APPEND = outboxInsert('$1');

/** Writes a transaction's events to the outbox in one statement. */
export const writeToOutbox = async (
  tx: Prisma.TransactionClient,
  events: ReadonlyArray<TaggedEvent>,
): Promise<void> => {
  if (events.length === 0) return;
  // Raw: the one outbox insert, which the group commit's statement embeds too.
  await tx.$executeRawUnsafe(APPEND, JSON.stringify(events));
};
