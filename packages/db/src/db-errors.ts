import { createError, invalid, isCodedError } from '@zhanqun/core/errors';

/** Row-level security refused a write: the row is outside what this principal may change. */
export const OutOfScopeError = createError('ZQ_FORBIDDEN_SCOPE', 'Not allowed: the object is outside what you may change', 403);

/**
 * Database errors a user can cause, turned into the coded errors they deserve; everything else
 * passes through (and becomes a generic 500 at the edge).
 */
export function translateDbError(err: unknown): unknown {
  if (isCodedError(err) && err.code.startsWith('ZQ_')) return err;
  const code = (err as { code?: string }).code;
  if (code === '42501') return new OutOfScopeError(); // insufficient_privilege: an RLS WITH CHECK failed
  if (code === '22P02') return invalid('id', 'is not a valid id'); // invalid_text_representation (e.g. a malformed uuid)
  return err;
}
