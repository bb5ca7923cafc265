/**
 * How an error is written to a log, on every path (pino's `err` serializer, nestjs-pino, the
 * problem filter, the audit writer, main.ts and the CLI). pino's standard serializer copies every
 * enumerable property of an error; TypeORM's QueryFailedError carries the SQL text (`query`), the
 * bound values (`parameters`: password hashes, email ciphertexts, API-key secret hashes) and the
 * driver's error, whose `detail` repeats the offending value ("Key (email_hash)=(...) already
 * exists"). So nothing is copied by default: an error is logged as its class, its code and its
 * stack frames, plus its message only when the error did not come from the database
 * (ASVS 16.2.5 / 14.2.4: no sensitive data in logs).
 */
export interface SerializedError {
  readonly type: string;
  /** SQLSTATE on PostgreSQL (`23505`), the driver's code on SQLite (`SQLITE_CONSTRAINT_UNIQUE`), errno names... */
  readonly code?: string;
  /** Only for database errors: the constraint's name, a schema identifier and never a value. */
  readonly constraint?: string;
  readonly status?: number;
  /** Absent for database errors: their message may quote a value ("invalid input syntax ...: \"...\""). */
  readonly message?: string;
  readonly stack?: string;
  readonly cause?: SerializedError;
  readonly errors?: readonly SerializedError[];
}

/** Classes whose message or properties come from the database driver or repeat query criteria. */
const DATABASE_ERROR_TYPES = new Set(['QueryFailedError', 'EntityNotFoundError', 'SqliteError', 'DatabaseError']);
/** The first line of a stack written by one of them (pg's DatabaseError is named "error"). */
const DATABASE_STACK_HEAD = /^(QueryFailedError|EntityNotFoundError|SqliteError|DatabaseError|error)\b/;
const IDENTIFIER = /^[A-Za-z0-9_.]{1,128}$/;
const MAX_DEPTH = 4;

type ErrorLike = Error & Record<string, unknown>;

function typeOf(error: ErrorLike): string {
  const name = typeof error.constructor === 'function' && error.constructor.name !== '' ? error.constructor.name : error.name;
  return typeof name === 'string' && name !== '' ? name : 'Error';
}

/** A database error: by class, or by the fields a driver or TypeORM attaches to one. */
export function isDatabaseError(error: ErrorLike): boolean {
  return (
    DATABASE_ERROR_TYPES.has(typeOf(error)) ||
    DATABASE_ERROR_TYPES.has(String(error.name)) ||
    'driverError' in error ||
    'parameters' in error ||
    ('query' in error && typeof error.query === 'string') ||
    // pg's DatabaseError: a severity and a five-character SQLSTATE.
    (typeof error.severity === 'string' && typeof error.code === 'string' && /^[0-9A-Z]{5}$/.test(error.code)) ||
    (typeof error.code === 'string' && error.code.startsWith('SQLITE_'))
  );
}

/** The stack's frames only ("    at ..."): the lines before them are the message. */
function framesOf(stack: unknown): string | undefined {
  if (typeof stack !== 'string') return undefined;
  const frames = stack.split('\n').filter((line) => /^\s+at /.test(line));
  return frames.length > 0 ? frames.join('\n') : undefined;
}

/**
 * A stack whose head is a database error's message loses that head. nestjs-pino builds an error
 * from Nest's `(message, stack)` calls, e.g. @nestjs/typeorm's "Unable to connect ... Retrying"
 * with the original error's stack, so the stack may belong to another error than the message.
 */
function safeStack(stack: unknown, fromDatabase: boolean): string | undefined {
  if (typeof stack !== 'string') return undefined;
  if (!fromDatabase && !DATABASE_STACK_HEAD.test(stack)) return stack;
  const frames = framesOf(stack);
  const head = DATABASE_STACK_HEAD.exec(stack)?.[1] ?? 'Error';
  return `${head}: [message withheld: database error]${frames === undefined ? '' : `\n${frames}`}`;
}

function isErrorLike(value: unknown): value is ErrorLike {
  return value instanceof Error || (typeof value === 'object' && value !== null && 'message' in value && 'stack' in value);
}

function serialize(error: ErrorLike, depth: number): SerializedError {
  const fromDatabase = isDatabaseError(error);
  const code = typeof error.code === 'string' || typeof error.code === 'number' ? String(error.code) : undefined;
  const constraint = typeof error.constraint === 'string' && IDENTIFIER.test(error.constraint) ? error.constraint : undefined;
  const status = typeof error.status === 'number' ? error.status : undefined;
  const cause = depth < MAX_DEPTH && isErrorLike(error.cause) ? serialize(error.cause, depth + 1) : undefined;
  const errors =
    depth < MAX_DEPTH && Array.isArray(error.errors)
      ? error.errors.filter(isErrorLike).map((inner) => serialize(inner, depth + 1))
      : undefined;
  const stack = safeStack(error.stack, fromDatabase);
  return {
    type: typeOf(error),
    ...(code === undefined ? {} : { code }),
    ...(fromDatabase && constraint !== undefined ? { constraint } : {}),
    ...(status === undefined ? {} : { status }),
    ...(fromDatabase ? {} : { message: String(error.message) }),
    ...(stack === undefined ? {} : { stack }),
    ...(cause === undefined ? {} : { cause }),
    ...(errors === undefined || errors.length === 0 ? {} : { errors }),
  };
}

/**
 * pino-http (under nestjs-pino) wraps a custom `err` serializer around pino's standard one, so
 * this may receive the standard copy, whose `raw` is the original error: serialise that instead.
 */
function unwrapStandardCopy(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || value instanceof Error) return value;
  const raw = (value as { raw?: unknown }).raw;
  return isErrorLike(raw) ? raw : value;
}

/** pino's `err` serializer. Anything thrown that is not an error is logged by its type only. */
export function serializeError(input: unknown): SerializedError {
  const value = unwrapStandardCopy(input);
  if (isErrorLike(value)) return serialize(value, 0);
  return { type: value === null ? 'null' : typeof value };
}

/** One line for paths that print to a terminal (main.ts, the CLI): class and code, or the message. */
export function describeError(value: unknown): string {
  const error = serializeError(value);
  if (error.message !== undefined) return error.message;
  return `${error.type}${error.code === undefined ? '' : ` (code ${error.code})`}`;
}
