import { ValidateBy } from 'class-validator';

/**
 * Every event type the service writes to its outbox, as the app declares them (each context's
 * published events; this context knows none of its own). Filled once, when the module is made.
 */
const known = new Set<string>();

export const knowEventTypes = (types: ReadonlyArray<string>): void => {
  for (const type of types) known.add(type);
};

export const eventTypes = (): ReadonlyArray<string> => [...known];

/** A comma-separated list of known event types. */
export const IsEventTypeList = () =>
  ValidateBy({
    name: 'isEventTypeList',
    validator: {
      validate: (value) =>
        typeof value === 'string' && value.split(',').every((type) => known.has(type)),
      defaultMessage: () =>
        `type must be a comma-separated list of event types: ${eventTypes().join(', ')}`,
    },
  });
