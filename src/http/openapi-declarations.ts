import { inheritPropertyInitializers, inheritTransformationMetadata, inheritValidationMetadata } from '@nestjs/mapped-types';
import type * as Swagger from '@nestjs/swagger';

/**
 * The @nestjs/swagger decorators the controllers and DTOs use, deferred: importing @nestjs/swagger
 * costs about 4 MB of live heap (its module graph: js-yaml, swagger-ui-dist, es-toolkit, the
 * explorers), and its metadata more, none of which a production process with SWAGGER_ENABLED=false
 * ever reads (docs/performance.md, "The live heap").
 *
 * A decorator here records what it was applied to. src/openapi/openapi.ts, the only module that
 * builds the document, imports @nestjs/swagger and replays the records through the real
 * decorators, in the order they were applied (the order the metadata would have had), and from
 * then on they apply at once. main.ts, when the document is off, discards the records before the
 * application's modules load, so the decorators do nothing at all. A mode is one-way: replayed
 * or discarded, never both (a document asked for after a discard is refused, never half empty).
 */
type SwaggerExports = typeof Swagger;
type Replay = (swagger: SwaggerExports) => void;
type AnyDecorator = (target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => void;

let mode: 'record' | 'discarded' | SwaggerExports = 'record';
let recorded: Replay[] = [];

function declare(replay: Replay): void {
  if (mode === 'record') recorded.push(replay);
  else if (mode !== 'discarded') replay(mode);
}

/** Applies every recorded declaration through @nestjs/swagger; later ones apply at once. */
export function applyOpenApiDeclarations(swagger: SwaggerExports): void {
  if (mode === 'discarded') throw new Error('The OpenAPI declarations were discarded at start-up (SWAGGER_ENABLED=false)');
  if (mode !== 'record') return;
  mode = swagger;
  for (const replay of recorded.splice(0)) replay(swagger);
  recorded = [];
}

/** No OpenAPI document in this process: forget the records and record nothing more. */
export function discardOpenApiDeclarations(): void {
  if (mode !== 'record' && mode !== 'discarded') throw new Error('The OpenAPI declarations were already applied');
  mode = 'discarded';
  recorded = [];
}

type DecoratorName =
  | 'ApiProperty'
  | 'ApiPropertyOptional'
  | 'ApiTags'
  | 'ApiOperation'
  | 'ApiResponse'
  | 'ApiOkResponse'
  | 'ApiCreatedResponse'
  | 'ApiAcceptedResponse'
  | 'ApiNoContentResponse'
  | 'ApiExtraModels';

function deferred<Name extends DecoratorName>(name: Name): SwaggerExports[Name] {
  const factory =
    (...args: unknown[]): AnyDecorator =>
    (target, key, descriptor) => {
      declare((swagger) => {
        const real = (swagger[name] as (...a: unknown[]) => AnyDecorator)(...args);
        real(target, key, descriptor);
      });
    };
  return factory as unknown as SwaggerExports[Name];
}

export const ApiProperty = deferred('ApiProperty');
export const ApiPropertyOptional = deferred('ApiPropertyOptional');
export const ApiTags = deferred('ApiTags');
export const ApiOperation = deferred('ApiOperation');
export const ApiResponse = deferred('ApiResponse');
export const ApiOkResponse = deferred('ApiOkResponse');
export const ApiCreatedResponse = deferred('ApiCreatedResponse');
export const ApiAcceptedResponse = deferred('ApiAcceptedResponse');
export const ApiNoContentResponse = deferred('ApiNoContentResponse');
export const ApiExtraModels = deferred('ApiExtraModels');

/**
 * A decorator that only documents (it calls @nestjs/swagger itself), deferred like the others:
 * `@OpenApiOnly(() => HealthCheck({ noCache: false }))` for @nestjs/terminus's, whose
 * documentation half requires @nestjs/swagger when applied.
 */
export function OpenApiOnly(documentation: () => MethodDecorator): MethodDecorator {
  return (target, key, descriptor) => {
    declare(() => documentation()(target, key, descriptor));
  };
}

/**
 * @nestjs/swagger's getSchemaPath, evaluated when a decorator's options are written (so it cannot
 * wait): a model's schema is named after its class, since nothing here offers @ApiSchema.
 */
export function getSchemaPath(model: string | (abstract new (...args: never[]) => unknown)): string {
  return `#/components/schemas/${typeof model === 'string' ? model : model.name}`;
}

type ClassRef = new (...args: never[]) => object;

/**
 * @nestjs/swagger's IntersectionType, in two halves: the class and its validation and
 * transformation metadata at once, exactly as @nestjs/swagger 12 builds them (the same
 * @nestjs/mapped-types calls), and its documented properties (ApiProperty copied from each
 * class, as ModelPropertiesAccessor lists them) deferred like the decorators above.
 */
export const IntersectionType = ((...classRefs: ClassRef[]) => {
  class IntersectionClassType {
    constructor() {
      for (const classRef of classRefs) inheritPropertyInitializers(this, classRef);
    }
  }
  for (const classRef of classRefs) {
    inheritValidationMetadata(classRef, IntersectionClassType);
    inheritTransformationMetadata(classRef, IntersectionClassType);
  }
  declare((swagger) => {
    for (const classRef of classRefs) {
      const prototype = classRef.prototype as Record<string, unknown>;
      const keys = (Reflect.getMetadata(swagger.DECORATORS.API_MODEL_PROPERTIES_ARRAY, prototype) ?? []) as unknown[];
      for (const entry of keys) {
        if (typeof entry !== 'string' || !entry.startsWith(':') || typeof prototype[entry] === 'function') continue;
        const key = entry.slice(1);
        const metadata: unknown = Reflect.getMetadata(swagger.DECORATORS.API_MODEL_PROPERTIES, prototype, key);
        (swagger.ApiProperty as (options: unknown) => AnyDecorator)(metadata)(IntersectionClassType.prototype, key);
      }
    }
  });
  Object.defineProperty(IntersectionClassType, 'name', {
    value: `Intersection${classRefs.map((classRef) => classRef.name).join('')}`,
  });
  return IntersectionClassType;
}) as unknown as SwaggerExports['IntersectionType'];
