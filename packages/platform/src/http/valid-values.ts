import {
  getMetadataStorage,
  ValidationTypes,
  type MetadataStorage,
  type ValidationArguments,
  type ValidatorOptions,
} from 'class-validator';

/** One rule as class-validator registers it (the type is not exported by name). */
type ValidationMetadata = ReturnType<MetadataStorage['getTargetValidationMetadatas']>[number];

/** One property's rules, sorted the way class-validator's executor sorts them. */
interface PropertyRules {
  readonly defined: ReadonlyArray<ValidationMetadata>;
  readonly conditions: ReadonlyArray<ValidationMetadata>;
  readonly custom: ReadonlyArray<ValidationMetadata>;
  readonly nested: ReadonlyArray<ValidationMetadata>;
  /** A rule on a promise's value: not followed here. */
  readonly promised: boolean;
}

const sorted = (metadatas: ReadonlyArray<ValidationMetadata>): PropertyRules => {
  const others = metadatas.filter(
    (m) => m.type !== ValidationTypes.IS_DEFINED && m.type !== ValidationTypes.WHITELIST,
  );
  return {
    defined: metadatas.filter((m) => m.type === ValidationTypes.IS_DEFINED),
    conditions: others.filter((m) => m.type === ValidationTypes.CONDITIONAL_VALIDATION),
    custom: others.filter((m) => m.type === ValidationTypes.CUSTOM_VALIDATION),
    nested: others.filter((m) => m.type === ValidationTypes.NESTED_VALIDATION),
    promised: others.some((m) => m.type === ValidationTypes.PROMISE_VALIDATION),
  };
};

/** A class's rules by property name; a property with only `@Allow()` has empty lists. */
type Rules = ReadonlyMap<string, PropertyRules>;

const isPromise = (value: unknown): boolean =>
  value instanceof Promise || (typeof value === 'object' && value !== null && 'then' in value);

/**
 * Tells, cheaply, that class-validator would find nothing wrong with a value: the common case of
 * a well-formed request. It walks the same rules, in the same order, with the same arguments as
 * class-validator's own executor, and runs the same constraint instances, but builds no error
 * objects. It answers `true` only when every rule passed; `false` means "not shown valid here":
 * a rule failed, an unknown property, or something it does not follow (async or promise rules,
 * maps, options it does not mirror). The caller then asks class-validator, which decides and
 * words the errors, so a request it refuses is refused exactly as before.
 */
export class ValidValues {
  private readonly storage = getMetadataStorage();
  /** Rules by class and schema: decorators register them when a class loads, never later. */
  private readonly rules = new WeakMap<object, Map<string | undefined, Rules>>();
  private readonly mirrored: boolean;

  constructor(private readonly options: ValidatorOptions) {
    this.mirrored =
      options.whitelist === true &&
      options.forbidNonWhitelisted === true &&
      options.forbidUnknownValues !== false &&
      (options.groups === undefined || options.groups.length === 0) &&
      options.always !== true &&
      options.strictGroups !== true &&
      options.skipMissingProperties !== true &&
      options.skipNullProperties !== true &&
      options.skipUndefinedProperties !== true;
  }

  /** True only when class-validator, with these options, would report no error for `object`. */
  accepts(object: object): boolean {
    if (!this.mirrored) return false;
    try {
      return this.objectPasses(object, undefined);
    } catch {
      // A rule that throws throws again when class-validator runs it.
      return false;
    }
  }

  private rulesOf(target: object, schema: string | undefined): Rules {
    let bySchema = this.rules.get(target);
    if (bySchema === undefined) this.rules.set(target, (bySchema = new Map()));
    let rules = bySchema.get(schema);
    if (rules === undefined) {
      const grouped = new Map<string, ValidationMetadata[]>();
      // Exactly the lookup class-validator makes for this class and schema, with no groups.
      const found = this.storage.getTargetValidationMetadatas(
        target as () => void,
        schema as string,
        false,
        false,
        undefined,
      );
      for (const metadata of found) {
        const list = grouped.get(metadata.propertyName) ?? [];
        list.push(metadata);
        grouped.set(metadata.propertyName, list);
      }
      rules = new Map([...grouped].map(([property, list]) => [property, sorted(list)]));
      bySchema.set(schema, rules);
    }
    return rules;
  }

  /** class-validator's `execute`: no rules at all, or a property without one, is an error. */
  private objectPasses(object: object, schema: string | undefined): boolean {
    const rules = this.rulesOf(object.constructor, schema);
    if (rules.size === 0) return false;
    for (const key of Object.keys(object)) {
      if (!rules.has(key)) return false;
    }
    for (const [property, rule] of rules) {
      if (rule.promised) return false;
      const value: unknown = (object as Record<string, unknown>)[property];
      if (!this.propertyPasses(object, value, rule)) return false;
    }
    return true;
  }

  /** class-validator's `performValidations`, without the errors. */
  private propertyPasses(object: object, value: unknown, rule: PropertyRules): boolean {
    // Every condition is asked, as class-validator asks them, before any is looked at.
    const answers = rule.conditions.map((m) =>
      (m.constraints[0] as (object: object, value: unknown) => boolean)(object, value),
    );
    if (!answers.every(Boolean)) return true;
    return (
      this.constraintsPass(object, value, rule.defined) &&
      this.constraintsPass(object, value, rule.custom) &&
      this.nestedPass(value, rule.nested)
    );
  }

  /** class-validator's `customValidations`: each rule's constraints, synchronous ones only. */
  private constraintsPass(
    object: object,
    value: unknown,
    metadatas: ReadonlyArray<ValidationMetadata>,
  ): boolean {
    for (const metadata of metadatas) {
      if (metadata.validateIf !== undefined && !metadata.validateIf(object, value)) continue;
      for (const constraint of this.storage.getTargetValidatorConstraints(metadata.constraintCls)) {
        if (constraint.async) return false;
        const args: ValidationArguments = {
          targetName: object.constructor?.name,
          property: metadata.propertyName,
          object,
          value,
          constraints: metadata.constraints,
        };
        // `each` over a map walks its values: not followed here.
        if (metadata.each && value instanceof Map) return false;
        const values: ReadonlyArray<unknown> =
          metadata.each && (Array.isArray(value) || value instanceof Set) ? [...value] : [value];
        for (const one of values) {
          const passed: unknown = constraint.instance.validate(one, args);
          if (isPromise(passed) || !passed) return false;
        }
      }
    }
    return true;
  }

  /** class-validator's `nestedValidations`: arrays and sets element by element, objects whole. */
  private nestedPass(value: unknown, metadatas: ReadonlyArray<ValidationMetadata>): boolean {
    if (value === undefined) return true;
    // Each element meets the nested rules alone, as class-validator does it.
    const elementRule: PropertyRules = {
      defined: [],
      conditions: [],
      custom: [],
      nested: metadatas,
      promised: false,
    };
    for (const metadata of metadatas) {
      if (Array.isArray(value) || value instanceof Set) {
        const elements: ReadonlyArray<unknown> = value instanceof Set ? Array.from(value) : value;
        for (const element of elements) {
          if (!this.propertyPasses(value, element, elementRule)) return false;
        }
      } else if (value instanceof Map) {
        return false;
      } else if (value instanceof Object) {
        const target = metadata.target;
        if (!this.objectPasses(value, typeof target === 'string' ? target : target.name)) {
          return false;
        }
      } else return false;
    }
    return true;
  }
}
