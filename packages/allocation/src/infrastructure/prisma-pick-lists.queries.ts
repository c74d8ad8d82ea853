import * as O from 'fp-ts/Option';
import type { PickListId, PickListStatus } from '@allocation/allocation-domain';
import { Prisma } from '@allocation/platform';
import type { SqlClient } from './rows';
import type { PickListFilter, PickListsQueries, PickListView } from '../ports/pick-lists.queries';

interface ListRow {
  id: string;
  status: string;
  created_at: Date;
  closed_at: Date | null;
  batches: PickListView['batches'] | null;
  total?: number;
}

/** Each list with its batches (in position order) and their lines, as JSON from one query. */
const LIST_COLUMNS = Prisma.raw(`l.id, l.status, l.created_at, l.closed_at,
  (SELECT json_agg(json_build_object(
            'batchReference', b.batch_reference, 'sku', b.sku, 'eta', b.eta,
            'quantity', b.quantity, 'lines', b.lines) ORDER BY b.first)
     FROM (SELECT batch_reference, sku, to_char(eta, 'YYYY-MM-DD') AS eta, sum(quantity)::int AS quantity,
                  min(position) AS first,
                  json_agg(json_build_object('orderId', order_id, 'quantity', quantity)
                           ORDER BY position) AS lines
             FROM pick_list_lines WHERE pick_list_id = l.id
            GROUP BY batch_reference, sku, eta) b) AS batches`);

const toView = (row: ListRow): PickListView => ({
  id: row.id,
  status: row.status as PickListStatus,
  createdAt: row.created_at.toISOString(),
  closedAt: row.closed_at === null ? null : row.closed_at.toISOString(),
  batches: (row.batches ?? []).map((b) => ({
    ...b,
    lines: b.lines.map((l) => ({ orderId: l.orderId, quantity: Number(l.quantity) })),
  })),
});

export class PrismaPickListsQueries implements PickListsQueries {
  constructor(private readonly db: SqlClient) {}

  async pickList(id: PickListId): Promise<O.Option<PickListView>> {
    const rows = await this.db.$queryRaw<ListRow[]>`
      SELECT ${LIST_COLUMNS} FROM pick_lists l WHERE l.id = ${id}`;
    return O.map(toView)(O.fromNullable(rows[0]));
  }

  async pickLists(filter: PickListFilter): Promise<{ items: PickListView[]; total: number }> {
    const offset = (filter.page - 1) * filter.pageSize;
    const status = filter.status ?? null;
    const rows = await this.db.$queryRaw<ListRow[]>`
      SELECT ${LIST_COLUMNS}, count(*) OVER ()::int AS total
        FROM pick_lists l WHERE (${status}::text IS NULL OR l.status = ${status}::text)
       ORDER BY l.created_at DESC, l.id LIMIT ${filter.pageSize} OFFSET ${offset}`;
    // Past the last page the window count is gone with the rows: count on its own.
    const total = rows[0]?.total ?? (offset > 0 ? await this.count(status) : 0);
    return { items: rows.map(toView), total };
  }

  private async count(status: string | null): Promise<number> {
    const [row] = await this.db.$queryRaw<Array<{ n: number }>>`
      SELECT count(*)::int AS n FROM pick_lists
       WHERE (${status}::text IS NULL OR status = ${status}::text)`;
    return Number(row?.n ?? 0);
  }
}
