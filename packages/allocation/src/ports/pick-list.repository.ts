import type * as O from 'fp-ts/Option';
import type { PickList, PickListId } from '@allocation/allocation-domain';

/** Pick lists inside a unit of work: loading one locks it until the transaction ends. */
export interface PickListRepository {
  get(id: PickListId): Promise<O.Option<PickList>>;
  /** Stores a new pick list with its lines, in its batches' order. */
  add(pickList: PickList): Promise<void>;
  /** Stores a pick list's new status (confirmed or cancelled closes it). */
  saveStatus(pickList: PickList): Promise<void>;
}
