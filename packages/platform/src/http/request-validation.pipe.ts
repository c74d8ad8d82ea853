import { ValidationPipe, type ValidationPipeOptions } from '@nestjs/common';
import type { ValidationError, ValidatorOptions } from 'class-validator';
import { ValidValues } from './valid-values';

/** The service's validation: unknown properties refused, bodies turned into their classes. */
export const REQUEST_VALIDATION: ValidationPipeOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  // "3" is not a quantity: strings are never coerced into numbers behind a client's back.
  transformOptions: { enableImplicitConversion: false },
  forbidUnknownValues: true,
  stopAtFirstError: true,
};

/**
 * Nest's `ValidationPipe` with the same rules and answers, cheaper for a well-formed request:
 * class-validator's executor builds an error object for every property it checks, valid or not,
 * which made validation a sixth of an allocation's CPU. `ValidValues` first runs the same rules
 * without them; only a body it cannot show valid goes to class-validator, which decides and
 * words the errors as before.
 */
export class RequestValidationPipe extends ValidationPipe {
  private readonly valid: ValidValues;

  constructor(options: ValidationPipeOptions) {
    super(options);
    this.valid = new ValidValues(options);
  }

  protected override validate(
    object: object,
    validatorOptions?: ValidatorOptions,
  ): Promise<ValidationError[]> | ValidationError[] {
    return this.valid.accepts(object) ? [] : super.validate(object, validatorOptions);
  }
}
