import { createError } from '@zhanqun/core/errors';

export const LegacySiteNotFoundError = createError<[string, string]>('ZQ_LEGACY_SITE_NOT_FOUND', 'Legacy site %s not found in site %s', 404);
export const LegacySiteExistsError = createError<[string, string]>('ZQ_LEGACY_SITE_EXISTS', 'Legacy site %s already exists in site %s', 409);
export const ImportRunNotFoundError = createError<[string]>('ZQ_LEGACY_RUN_NOT_FOUND', 'Import run %s not found', 404);
export const RunAlreadyRolledBackError = createError<[string]>('ZQ_LEGACY_RUN_ROLLED_BACK', 'Import run %s was already rolled back', 409);
export const WxrUnreadableError = createError<[string]>('ZQ_LEGACY_WXR_UNREADABLE', 'The WXR file cannot be read: %s', 400);
export const ImportRunRunningError = createError<[string, string, string, string]>('ZQ_LEGACY_RUN_RUNNING',
  'Import run %s of legacy site %s is still running (last sign of life %s): one run per legacy site at a time. If its process is gone, it counts as interrupted from %s and the next run resumes it', 409);
export const ImportRunInterruptedError = createError<[string]>('ZQ_LEGACY_RUN_INTERRUPTED',
  'Import run %s was marked interrupted while it ran (no sign of life for too long): what it wrote stays, and the next run resumes it', 409);
