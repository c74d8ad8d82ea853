export * from './events.module';
export * from './infrastructure/ioredis-publisher';
export * from './relay/redis-relay';
