import type { DomainEvent } from '@allocation/allocation-domain';
import type { RecordsEvents, UnitOfWork } from '@allocation/platform';
import type { ProductRepository } from './product.repository';

/** What one attempt of an allocation unit of work sees: repositories on its transaction. */
export interface AllocationTransaction extends RecordsEvents<DomainEvent> {
  readonly products: ProductRepository;
}

export type AllocationUnitOfWork = UnitOfWork<AllocationTransaction>;

export const ALLOCATION_UNIT_OF_WORK = Symbol('AllocationUnitOfWork');
