import type { DomainEvent } from '@allocation/allocation-domain';
import type { RecordsEvents, UnitOfWork } from '@allocation/platform';
import type { ProductRepository } from './product.repository';
import type { PickListRepository } from './pick-list.repository';

/**
 * What one attempt of a fulfilment unit of work sees. Reserving and shipping change products,
 * so it holds the product repository beside the pick lists.
 */
export interface FulfilmentTransaction extends RecordsEvents<DomainEvent> {
  readonly products: ProductRepository;
  readonly pickLists: PickListRepository;
}

export type FulfilmentUnitOfWork = UnitOfWork<FulfilmentTransaction>;

export const FULFILMENT_UNIT_OF_WORK = Symbol('FulfilmentUnitOfWork');
