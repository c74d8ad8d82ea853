import * as O from 'fp-ts/Option';
import type {
  BatchReference,
  CalendarDate,
  OrderId,
  PickBatch,
  PickList,
  PickListId,
  PickListStatus,
  Quantity,
  Sku,
} from '@allocation/allocation-domain';
import type { SqlClient } from './rows';
import type { PickListRepository } from '../ports/pick-list.repository';

interface LineRow {
  status: string;
  batch_reference: string;
  sku: string;
  eta: string | null;
  order_id: string;
  quantity: bigint | number;
}

/** Pick lists and their lines in one transaction; values read back are cast, not revalidated. */
export class PrismaPickListRepository implements PickListRepository {
  constructor(private readonly db: SqlClient) {}

  async get(id: PickListId): Promise<O.Option<PickList>> {
    // Locks the list first: a confirm and a cancel of the same list wait for each other.
    const [list] = await this.db.$queryRaw<Array<{ status: string }>>`
      SELECT status FROM pick_lists WHERE id = ${id} FOR UPDATE`;
    if (list === undefined) return O.none;
    const rows = await this.db.$queryRaw<LineRow[]>`
      SELECT ${list.status} AS status, batch_reference, sku, to_char(eta, 'YYYY-MM-DD') AS eta,
             order_id, quantity
        FROM pick_list_lines WHERE pick_list_id = ${id} ORDER BY position`;
    return O.some({ id, status: list.status as PickListStatus, batches: toBatches(rows) });
  }

  async add(pickList: PickList): Promise<void> {
    const lines = pickList.batches.flatMap((batch) => batch.lines.map((line) => ({ batch, line })));
    await this.db.$executeRaw`
      WITH list AS (
        INSERT INTO pick_lists (id, status) VALUES (${pickList.id}, ${pickList.status})
      )
      INSERT INTO pick_list_lines
             (pick_list_id, batch_reference, sku, eta, order_id, quantity, position)
      SELECT ${pickList.id}, l.batch_reference, l.sku, l.eta, l.order_id, l.quantity, l.position
        FROM unnest(${lines.map((l) => l.batch.batchReference)}::text[],
                    ${lines.map((l) => l.batch.sku)}::text[],
                    ${lines.map((l) => O.toNullable(l.batch.eta))}::date[],
                    ${lines.map((l) => l.line.orderId)}::text[],
                    ${lines.map((l) => l.line.quantity)}::bigint[])
             WITH ORDINALITY AS l(batch_reference, sku, eta, order_id, quantity, position)`;
  }

  async saveStatus(pickList: PickList): Promise<void> {
    await this.db.$executeRaw`
      UPDATE pick_lists
         SET status = ${pickList.status},
             closed_at = CASE WHEN ${pickList.status} = 'open' THEN NULL ELSE now() END
       WHERE id = ${pickList.id}`;
  }
}

/** Rows in position order back into batches (a batch's rows are consecutive). */
const toBatches = (rows: ReadonlyArray<LineRow>): PickBatch[] => {
  const batches: PickBatch[] = [];
  for (const row of rows) {
    const last = batches[batches.length - 1];
    const line = { orderId: row.order_id as OrderId, quantity: Number(row.quantity) as Quantity };
    if (last !== undefined && last.batchReference === row.batch_reference) {
      batches[batches.length - 1] = {
        ...last,
        quantity: last.quantity + line.quantity,
        lines: [...last.lines, line],
      };
    } else {
      batches.push({
        batchReference: row.batch_reference as BatchReference,
        sku: row.sku as Sku,
        eta: O.fromNullable(row.eta as CalendarDate | null),
        quantity: line.quantity,
        lines: [line],
      });
    }
  }
  return batches;
};
