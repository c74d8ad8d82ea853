export * from './events.module';
export * from './infrastructure/ioredis-publisher';
export * from './consumers/redis-relay';
