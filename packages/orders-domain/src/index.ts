export * from './lib/money';
export * from './lib/value-objects';
export * from './lib/errors';
export * from './lib/events';
export {
  addItem,
  cancelOrder,
  createOrder,
  lineTotal,
  orderTotal,
  placeOrder,
  removeItem,
  recordShipment,
  isFullyShipped,
  shipOrder,
  type ShippedSoFar,
  type Order,
  type OrderChange,
  type OrderItem,
  type OrderStatus,
} from './lib/order';
/** Orders are placed under allocation's own order ids and SKUs: one rule for both contexts. */
export { OrderId, Sku } from '@allocation/allocation-domain';
