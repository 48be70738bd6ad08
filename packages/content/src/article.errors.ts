import { createError } from '@zhanqun/core/errors';

export const ArticleNotFoundError = createError<[string, string]>('ZQ_CONTENT_ARTICLE_NOT_FOUND', 'Article %s not found in site %s', 404);
export const ColumnNotFoundError = createError<[string, string]>('ZQ_CONTENT_COLUMN_NOT_FOUND', 'Column %s not found in site %s', 404);
