import 'reflect-metadata';
import { BadRequestException, ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import { Type, plainToInstance } from 'class-transformer';
import {
  Allow,
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Max,
  Min,
  Validate,
  ValidateIf,
  ValidateNested,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import fc from 'fast-check';
import { identifierDecorator } from './identifier';
import { IsOmittable } from './omittable';
import { REQUEST_VALIDATION, RequestValidationPipe } from './request-validation.pipe';
import { ValidValues } from './valid-values';

const OPTIONS = REQUEST_VALIDATION;

const IsCode = identifierDecorator({
  pattern: /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
  maxLength: 12,
  rule: 'must start with a letter or digit',
});

class Item {
  @IsCode('RED-CHAIR')
  sku!: string;

  @IsInt()
  @Min(1)
  @Max(5)
  quantity!: number;
}

class Paging {
  @IsOmittable()
  @IsInt()
  @Min(1)
  page?: number;
}

/** Every kind of rule the service's requests use, inherited ones included. */
class Order extends Paging {
  @IsCode('order-1')
  orderId!: string;

  @IsOmittable()
  @ValidateNested({ each: true })
  @Type(() => Item)
  @IsObject({ each: true })
  @ArrayMaxSize(3)
  @IsArray()
  items?: Item[];

  @IsOptional()
  @IsBoolean()
  place?: boolean;

  @IsOmittable()
  @IsIn(['EUR', 'USD'])
  currency?: string;

  @ValidateIf((order: Order) => order.currency === 'USD')
  @IsString()
  state?: string;

  @IsOmittable()
  @IsString({ each: true })
  tags?: string[];

  @Allow()
  note?: unknown;
}

@ValidatorConstraint({ name: 'later', async: true })
class Later implements ValidatorConstraintInterface {
  validate(value: unknown) {
    return Promise.resolve(value === 'yes');
  }
}

class Asked {
  @Validate(Later)
  answer!: string;
}

class Required {
  @IsDefined()
  value!: unknown;
}

const BODY = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({
  type: 'body',
  metatype,
});

/** What a pipe answers for a body: the value it hands on, or the error it throws. */
const answer = async (
  pipe: ValidationPipe,
  body: unknown,
  metatype: ArgumentMetadata['metatype'],
) => {
  try {
    return { value: (await pipe.transform(structuredClone(body), BODY(metatype))) as unknown };
  } catch (error) {
    if (error instanceof BadRequestException) return { refused: error.getResponse() };
    throw error;
  }
};

const code = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,11}$/),
  fc.string({ maxLength: 14 }),
);
const quantity = fc.oneof(fc.integer({ min: 0, max: 6 }), fc.double(), fc.constant('2'));
const item = fc.record(
  { sku: code, quantity, extra: fc.constant(1) },
  { requiredKeys: ['sku', 'quantity'] },
);
const order = fc.record(
  {
    orderId: code,
    page: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constant(null), fc.constant('1')),
    items: fc.oneof(
      fc.array(item, { maxLength: 4 }),
      fc.array(fc.oneof(fc.integer(), fc.constant(null)), { maxLength: 2 }),
      fc.constant(null),
      fc.constant({ sku: 'A', quantity: 1 }),
    ),
    place: fc.oneof(fc.boolean(), fc.constant(null), fc.constant('true')),
    currency: fc.constantFrom('EUR', 'USD', 'GBP'),
    state: fc.oneof(fc.string({ maxLength: 3 }), fc.integer()),
    tags: fc.oneof(fc.array(fc.string({ maxLength: 3 }), { maxLength: 3 }), fc.array(fc.integer())),
    note: fc.jsonValue(),
    unknown: fc.constant(true),
  },
  { requiredKeys: [] },
);
const wellFormed = fc
  .record(
    {
      orderId: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,11}$/),
      page: fc.integer({ min: 1, max: 9 }),
      items: fc.array(
        fc.record({
          sku: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,11}$/),
          quantity: fc.integer({ min: 1, max: 5 }),
        }),
        { maxLength: 3 },
      ),
      place: fc.boolean(),
      currency: fc.constantFrom('EUR', 'USD'),
      tags: fc.array(fc.string({ maxLength: 3 }), { maxLength: 3 }),
      note: fc.jsonValue(),
    },
    { requiredKeys: ['orderId'] },
  )
  .map((body) => (body.currency === 'USD' ? { ...body, state: 'NY' } : body));

describe('validating requests with a shortcut for well-formed ones', () => {
  const nest = new ValidationPipe(OPTIONS);
  const ours = new RequestValidationPipe(OPTIONS);
  const valid = new ValidValues(OPTIONS);

  it('answers every body exactly as Nest’s ValidationPipe does: the same value or the same 400', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(order, wellFormed, fc.jsonValue()), async (body) => {
        expect(await answer(ours, body, Order)).toEqual(await answer(nest, body, Order));
      }),
      { numRuns: 600 },
    );
  });

  it('takes the shortcut for well-formed bodies, nested items and inherited rules included', () => {
    fc.assert(
      fc.property(wellFormed, (body) => {
        expect(valid.accepts(plainToInstance(Order, body))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('leaves to class-validator anything it cannot show valid', () => {
    const order = (body: object) => plainToInstance(Order, body);
    // A rule broken at the top, in an item, an unknown property at either level.
    expect(valid.accepts(order({ orderId: '-x' }))).toBe(false);
    expect(valid.accepts(order({ orderId: 'o1', items: [{ sku: 'A', quantity: 9 }] }))).toBe(false);
    expect(valid.accepts(order({ orderId: 'o1', extra: 1 }))).toBe(false);
    expect(valid.accepts(order({ orderId: 'o1', items: [{ sku: 'A', quantity: 1, x: 1 }] }))).toBe(
      false,
    );
    // A condition that holds brings its rule in; one that does not leaves it out.
    expect(valid.accepts(order({ orderId: 'o1', currency: 'USD', state: 1 }))).toBe(false);
    expect(valid.accepts(order({ orderId: 'o1', currency: 'EUR', state: 1 }))).toBe(true);
    // A rule that answers later, and a class with no rules at all.
    expect(valid.accepts(plainToInstance(Asked, { answer: 'yes' }))).toBe(false);
    expect(valid.accepts({ anything: 1 })).toBe(false);
    expect(valid.accepts(plainToInstance(Required, { value: 0 }))).toBe(true);
    expect(valid.accepts(plainToInstance(Required, {}))).toBe(false);
  });

  it('does not take the shortcut under options it does not follow', () => {
    const body = plainToInstance(Order, { orderId: 'o1' });
    expect(new ValidValues({ ...OPTIONS, skipMissingProperties: true }).accepts(body)).toBe(false);
    expect(new ValidValues({ ...OPTIONS, groups: ['admin'] }).accepts(body)).toBe(false);
    expect(new ValidValues({ ...OPTIONS, forbidNonWhitelisted: false }).accepts(body)).toBe(false);
  });

  it('still waits for a rule that answers later', async () => {
    expect(await answer(ours, { answer: 'yes' }, Asked)).toEqual({ value: { answer: 'yes' } });
    expect(await answer(ours, { answer: 'no' }, Asked)).toEqual(
      await answer(nest, { answer: 'no' }, Asked),
    );
  });
});
