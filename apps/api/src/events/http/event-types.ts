import { DOMAIN_EVENT_TYPES } from '@allocation/allocation-domain';
import { ORDER_EVENT_TYPES } from '@allocation/orders-domain';

/** Every event type this service writes to its outbox. */
export const EVENT_TYPES: ReadonlyArray<string> = [...DOMAIN_EVENT_TYPES, ...ORDER_EVENT_TYPES];
