import type * as O from 'fp-ts/Option';
import type { PickListId, PickListStatus } from '@allocation/allocation-domain';

export interface PickListView {
  readonly id: string;
  readonly status: PickListStatus;
  readonly createdAt: string;
  readonly closedAt: string | null;
  readonly batches: ReadonlyArray<{
    readonly batchReference: string;
    readonly sku: string;
    readonly eta: string | null;
    readonly quantity: number;
    readonly lines: ReadonlyArray<{ readonly orderId: string; readonly quantity: number }>;
  }>;
}

export interface PickListFilter {
  readonly status?: PickListStatus;
  readonly page: number;
  readonly pageSize: number;
}

/** Pick lists as committed, newest first; nothing here is cached. */
export interface PickListsQueries {
  pickList(id: PickListId): Promise<O.Option<PickListView>>;
  pickLists(filter: PickListFilter): Promise<{ items: PickListView[]; total: number }>;
}

export const PICK_LISTS_QUERIES = Symbol('PickListsQueries');
