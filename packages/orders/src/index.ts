export * from './orders.module';
export * from './ports/line-allocations';
export * from './redis/orders-channels';
