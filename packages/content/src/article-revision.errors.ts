import { createError, type CodedError } from '@zhanqun/core/errors';

const RevisionConflict = createError<[string, string, string]>(
  'ZQ_CONTENT_REVISION_CONFLICT',
  'Article %s was saved by someone else meanwhile: your edit is based on revision %s but the latest revision is %s; fetch it, compare and save again',
  409,
);

export interface RevisionConflictError extends CodedError {
  articleId: string;
  baseRevisionId: string;
  /** The revision the other save made: fetch it and diff it against the refused edit. */
  latestRevisionId: string | null;
}

/** The second of two concurrent saves on the same base revision is refused; its content is not stored. */
export function revisionConflict(articleId: string, baseRevisionId: string, latestRevisionId: string | null): RevisionConflictError {
  const err = new RevisionConflict(articleId, baseRevisionId, latestRevisionId ?? '(none)') as RevisionConflictError;
  err.articleId = articleId;
  err.baseRevisionId = baseRevisionId;
  err.latestRevisionId = latestRevisionId;
  // What the API's error body carries, so a client can fetch the other save and diff it.
  (err as RevisionConflictError & { details: object }).details = { latestRevisionId };
  return err;
}

export const RevisionNotFoundError = createError<[string, string]>('ZQ_CONTENT_REVISION_NOT_FOUND', 'Revision %s not found in site %s', 404);
export const ColumnForbiddenError = createError<[string, string]>('ZQ_CONTENT_FORBIDDEN', 'Permission %s is required on column %s', 403);
