import { createError } from '@zhanqun/core/errors';

export const LegacySiteNotFoundError = createError<[string, string]>('ZQ_LEGACY_SITE_NOT_FOUND', 'Legacy site %s not found in site %s', 404);
export const LegacySiteExistsError = createError<[string, string]>('ZQ_LEGACY_SITE_EXISTS', 'Legacy site %s already exists in site %s', 409);
export const ImportRunNotFoundError = createError<[string]>('ZQ_LEGACY_RUN_NOT_FOUND', 'Import run %s not found', 404);
export const RunAlreadyRolledBackError = createError<[string]>('ZQ_LEGACY_RUN_ROLLED_BACK', 'Import run %s was already rolled back', 409);
export const WxrUnreadableError = createError<[string]>('ZQ_LEGACY_WXR_UNREADABLE', 'The WXR file cannot be read: %s', 400);
