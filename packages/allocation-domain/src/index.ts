export * from './lib/value-objects';
export * from './lib/errors';
export type * from './lib/events';
export type * from './lib/commands';
export * from './lib/product';
