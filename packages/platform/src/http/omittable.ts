import { ValidateIf } from 'class-validator';

/**
 * A property that may be left out, but is never `null`: unlike `IsOptional`, `null` still meets
 * every rule below it and is refused, so `{"orderIds": null}` is a 400 rather than "everything".
 */
export const IsOmittable = () => ValidateIf((_object, value) => value !== undefined);
