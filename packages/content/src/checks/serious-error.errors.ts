import { createError } from '@zhanqun/core/errors';

export const SeriousErrorTermNotFoundError = createError<[string, string]>(
  'ZQ_CONTENT_SERIOUS_ERROR_TERM_NOT_FOUND', 'Serious-error term %s not found in platform %s', 404,
);
