import * as O from 'fp-ts/Option';
import type {
  BatchReference,
  OrderId,
  PickBatch,
  PickList,
  PickListId,
  PickListStatus,
  Quantity,
  Sku,
} from '@allocation/allocation-domain';
import { calendarDate, dateOf, type SqlClient } from './rows';
import type { PickListRepository } from '../ports/pick-list.repository';

/** A pick list's line as Prisma's model API reads it. */
export interface PickListLineRecord {
  readonly batchReference: string;
  readonly sku: string;
  readonly eta: Date | null;
  readonly orderId: string;
  readonly quantity: bigint | number;
}

/** Pick lists and their lines in one transaction; values read back are cast, not revalidated. */
export class PrismaPickListRepository implements PickListRepository {
  constructor(private readonly db: SqlClient) {}

  async get(id: PickListId): Promise<O.Option<PickList>> {
    // Locks the list first (Prisma cannot say FOR UPDATE): a confirm and a cancel of the same
    // list wait for each other.
    const [list] = await this.db.$queryRaw<Array<{ status: string }>>`
      SELECT status FROM pick_lists WHERE id = ${id} FOR UPDATE`;
    if (list === undefined) return O.none;
    const lines = await this.db.pickListLine.findMany({
      where: { pickListId: id },
      orderBy: { position: 'asc' },
    });
    return O.some({ id, status: list.status as PickListStatus, batches: toBatches(lines) });
  }

  async add(pickList: PickList): Promise<void> {
    const lines = pickList.batches.flatMap((batch) => batch.lines.map((line) => ({ batch, line })));
    await this.db.pickList.create({
      data: {
        id: pickList.id,
        status: pickList.status,
        lines: {
          createMany: {
            data: lines.map(({ batch, line }, i) => ({
              batchReference: batch.batchReference,
              sku: batch.sku,
              eta: O.isSome(batch.eta) ? dateOf(batch.eta.value) : null,
              orderId: line.orderId,
              quantity: line.quantity,
              position: i + 1,
            })),
          },
        },
      },
    });
  }

  async saveStatus(pickList: PickList): Promise<void> {
    await this.db.pickList.update({
      where: { id: pickList.id },
      data: {
        status: pickList.status,
        closedAt: pickList.status === 'open' ? null : new Date(),
      },
    });
  }
}

/** Lines in position order back into batches (a batch's lines are consecutive). */
export const toBatches = (rows: ReadonlyArray<PickListLineRecord>): PickBatch[] => {
  const batches: PickBatch[] = [];
  for (const row of rows) {
    const last = batches[batches.length - 1];
    const line = { orderId: row.orderId as OrderId, quantity: Number(row.quantity) as Quantity };
    if (last !== undefined && last.batchReference === row.batchReference) {
      batches[batches.length - 1] = {
        ...last,
        quantity: last.quantity + line.quantity,
        lines: [...last.lines, line],
      };
    } else {
      batches.push({
        batchReference: row.batchReference as BatchReference,
        sku: row.sku as Sku,
        eta: O.fromNullable(calendarDate(row.eta)),
        quantity: line.quantity,
        lines: [line],
      });
    }
  }
  return batches;
};
