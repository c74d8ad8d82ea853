import type {
  InvalidValue,
  Order,
  OrderError,
  OrderEvent,
  OrdersCommand,
  UnitPrice,
} from '@allocation/orders-domain';
import type {
  CommandBus,
  CommandHandlers,
  EventHandlers,
  Handler,
  RetriesExhausted,
} from '@allocation/platform';
import type { OrdersTransaction } from '../ports/orders-transaction';

export interface OrderNotFound {
  readonly _tag: 'OrderNotFound';
  readonly orderId: string;
  readonly message: string;
}

export const orderNotFound = (orderId: string): OrderNotFound => ({
  _tag: 'OrderNotFound',
  orderId,
  message: `Order ${orderId} not found`,
});

export interface NoPrice {
  readonly _tag: 'NoPrice';
  readonly sku: string;
  readonly message: string;
}

export const noPrice = (sku: string): NoPrice => ({
  _tag: 'NoPrice',
  sku,
  message: `${sku} has no price; set one with PUT /api/prices/${sku}`,
});

export interface OrderIdTaken {
  readonly _tag: 'OrderIdTaken';
  readonly orderId: string;
  readonly message: string;
}

export const orderIdTaken = (orderId: string): OrderIdTaken => ({
  _tag: 'OrderIdTaken',
  orderId,
  message: `Order id ${orderId} is taken by an order of another customer, currency or items`,
});

/** Every expected way an orders command can fail. */
export type OrdersError = OrderError | InvalidValue | OrderNotFound | NoPrice | OrderIdTaken;
export type OrdersFailure = OrdersError | RetriesExhausted;

export interface OrdersResults {
  CreateOrder: { readonly order: Order; readonly created: boolean };
  AddItem: Order;
  RemoveItem: Order;
  PlaceOrder: Order;
  CancelOrder: Order;
  SetPrice: UnitPrice;
  RecordShipment: Order;
}

export type OrdersHandler<M, A> = Handler<M, OrdersTransaction, OrdersError, A>;

export type OrdersCommandHandlers = CommandHandlers<
  OrdersCommand,
  OrdersResults,
  OrdersTransaction,
  OrdersError
>;

export type OrdersEventHandlers = EventHandlers<OrderEvent, OrdersTransaction, OrdersError>;

export type OrdersBus = CommandBus<
  OrdersCommand,
  OrdersResults,
  OrderEvent,
  OrdersTransaction,
  OrdersError
>;

export const ORDERS_BUS = Symbol('OrdersBus');
