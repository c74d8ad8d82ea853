export * from './commands';
export * from './in-memory-unit-of-work';
export * from './prisma-allocation-bus';
export * from './seed';
