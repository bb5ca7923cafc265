import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { ProblemException, type FieldError } from './problem.exception.js';

function flatten(errors: readonly ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent === '' ? error.property : `${parent}.${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/**
 * A DTO instance holds exactly the properties the client sent (plus declared defaults), and
 * every property the client sent is a declared one:
 * - class fields are own properties from construction (ES2022 class fields), so a PATCH of
 *   `{ title }` would otherwise yield `{ title, body: undefined }` and `Object.assign` would blank
 *   `body` in the entity and in the view it answers: those undefined, unsent properties are removed;
 * - class-transformer silently skips a key whose name is a function on the instance
 *   (`toString`, `hasOwnProperty`, `constructor`) and Nest strips `__proto__`, so such a key would
 *   vanish with a 2xx instead of the 400 every other unknown property gets: a key of the input
 *   that did not arrive in the instance is refused here.
 * Done once in the pipe, so it holds for every DTO, body and query alike.
 */
class SentPropertiesValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const sent = typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.keys(value) : undefined;
    const result: unknown = await super.transform(value, metadata);
    if (sent === undefined || result === value || typeof result !== 'object' || result === null) return result;
    const instance = result as Record<string, unknown>;
    const dropped = sent.filter((key) => !Object.hasOwn(instance, key));
    if (dropped.length > 0) {
      throw new ProblemException(400, {
        detail: 'The request has invalid or unexpected fields.',
        errors: dropped.map((field) => ({ field, message: `property ${field} should not exist` })),
      });
    }
    for (const key of Object.keys(instance)) {
      if (instance[key] === undefined && !sent.includes(key)) delete instance[key];
    }
    return result;
  }
}

/**
 * Strict DTO validation for every route (OWASP API3:2023 mass assignment / ASVS 2.2.1):
 * unknown properties are a 400 (never silently dropped), values are converted to the DTO
 * classes, and each failure is reported as `{ field, message }`.
 */
export function createValidationPipe(): ValidationPipe {
  return new SentPropertiesValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) =>
      new ProblemException(400, {
        detail: 'The request has invalid or unexpected fields.',
        errors: flatten(errors),
      }),
  });
}
