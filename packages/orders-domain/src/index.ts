export * from './lib/money';
export * from './lib/value-objects';
export * from './lib/errors';
export * from './lib/events';
export type * from './lib/commands';
export {
  addItem,
  cancelOrder,
  createOrder,
  openOrder,
  lineTotal,
  orderTotal,
  placeOrder,
  removeItem,
  recordShipment,
  isFullyShipped,
  shipOrder,
  type ShippedSoFar,
  type Order,
  type Changed,
  type OrderItem,
  type OrderStatus,
  type OpenOrderError,
  type PricedItem,
} from './lib/order';
/** Orders are placed under allocation's own order ids and SKUs: one rule for both contexts. */
export {
  IDENTIFIER_PATTERN,
  IDENTIFIER_RULE,
  MAX_IDENTIFIER_LENGTH,
  OrderId,
  Sku,
  type InvalidValue,
} from '@allocation/allocation-domain';
/** The one allocation event orders listens to (a pick list shipped), as allocation publishes it. */
export {
  asDomainEvent as asAllocationEvent,
  type PickListConfirmed,
} from '@allocation/allocation-domain';
