import createError from '@fastify/error';

/**
 * Errors carry their code and HTTP status (STYLE.md, Errors). `createError` is Fastify's own
 * factory, so a thrown ZQ_* error reaches the client with its status and message, and
 * anything else becomes a generic 500.
 */
export { createError };

export interface CodedError extends Error {
  code: string;
  statusCode?: number;
  /** The field a validation error is about (English API name). */
  field?: string;
}

export function isCodedError(err: unknown): err is CodedError {
  return err instanceof Error && typeof (err as CodedError).code === 'string';
}

/** Bad input: names the field, carries the English message; the console translates by code. */
export const ValidationError = createError<[string, string]>('ZQ_VALIDATION', '%s: %s', 400);

export function invalid(field: string, message: string): CodedError {
  const err = new ValidationError(field, message) as CodedError;
  err.field = field;
  return err;
}

/** Name the field a coded error is about (for forms and API clients). */
export function withField<T extends Error>(err: T, field: string): T & CodedError {
  (err as T & CodedError).field = field;
  return err as T & CodedError;
}
