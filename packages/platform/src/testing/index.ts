export * from './app-config';
export * from './horizon';
export * from './private-postgres';
export * from './redis-server';
export * from './smtp-server';
export * from './test-database';
export * from './free-port';
export * from './recording-prisma';
