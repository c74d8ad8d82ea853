import * as O from 'fp-ts/Option';
import type { PickListId, PickListStatus } from '@allocation/allocation-domain';
import type { PrismaClient } from '@allocation/platform';
import type { PickListFilter, PickListsQueries, PickListView } from '../ports/pick-lists.queries';
import { toBatches, type PickListLineRecord } from './prisma-pick-list.repository';

interface ListRecord {
  readonly id: string;
  readonly status: string;
  readonly createdAt: Date;
  readonly closedAt: Date | null;
  readonly lines: ReadonlyArray<PickListLineRecord>;
}

const withLines = { lines: { orderBy: { position: 'asc' as const } } };

/** A list with its batches in position order, grouped as the repository groups them. */
const toView = (list: ListRecord): PickListView => ({
  id: list.id,
  status: list.status as PickListStatus,
  createdAt: list.createdAt.toISOString(),
  closedAt: list.closedAt === null ? null : list.closedAt.toISOString(),
  batches: toBatches(list.lines).map((batch) => ({
    batchReference: batch.batchReference,
    sku: batch.sku,
    eta: O.toNullable(batch.eta),
    quantity: batch.quantity,
    lines: batch.lines.map(({ orderId, quantity }) => ({ orderId, quantity })),
  })),
});

/** Pick lists read through Prisma's model API. */
export class PrismaPickListsQueries implements PickListsQueries {
  constructor(private readonly db: PrismaClient) {}

  async pickList(id: PickListId): Promise<O.Option<PickListView>> {
    const list = await this.db.pickList.findUnique({ where: { id }, include: withLines });
    return list === null ? O.none : O.some(toView(list));
  }

  async pickLists(filter: PickListFilter): Promise<{ items: PickListView[]; total: number }> {
    const where = filter.status === undefined ? {} : { status: filter.status };
    const [lists, total] = await this.db.$transaction([
      this.db.pickList.findMany({
        where,
        orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
        skip: (filter.page - 1) * filter.pageSize,
        take: filter.pageSize,
        include: withLines,
      }),
      this.db.pickList.count({ where }),
    ]);
    return { items: lists.map(toView), total };
  }
}
