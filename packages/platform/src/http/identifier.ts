import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { IsOmittable } from './omittable';

/** A domain's rule for its identifiers (SKUs, references, ids), in its own words. */
export interface IdentifierRule {
  readonly pattern: RegExp;
  readonly maxLength: number;
  /** Completes "$property …", e.g. "must start with a letter or digit". */
  readonly rule: string;
}

/**
 * The decorator that validates and documents a property holding such an identifier, made once
 * per context from its domain's rule, so the HTTP edge refuses what the value objects refuse.
 */
export const identifierDecorator =
  ({ pattern, maxLength, rule }: IdentifierRule) =>
  (example: string, options: { optional?: boolean } = {}) =>
    applyDecorators(
      ...(options.optional === true
        ? [IsOmittable(), ApiPropertyOptional({ example, pattern: pattern.source, maxLength })]
        : [ApiProperty({ example, pattern: pattern.source, minLength: 1, maxLength })]),
      IsString(),
      // The domain's own words, as the planner and the value objects say them.
      MinLength(1, { message: '$property must not be empty' }),
      MaxLength(maxLength, { message: `$property must be at most ${maxLength} characters` }),
      Matches(pattern, { message: `$property ${rule}` }),
    );
