import { ValidateIf } from 'class-validator';

/**
 * An optional property that may be left out but not sent as `null`. class-validator's
 * `@IsOptional()` skips every rule for `null` too, so `PATCH {"body": null}` reached the
 * database and failed there (500). With this, `null` is validated like any value (and refused by
 * the type rule that follows), and only an absent property skips validation.
 */
export const Optional = (): PropertyDecorator => ValidateIf((_object: object, value: unknown) => value !== undefined);
