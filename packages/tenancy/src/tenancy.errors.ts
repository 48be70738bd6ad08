import { createError } from '@zhanqun/core/errors';

export const SiteNotFoundError = createError<[string]>('ZQ_TENANCY_SITE_NOT_FOUND', 'Site %s not found', 404);
export const OrgUnitNotFoundError = createError<[string]>('ZQ_TENANCY_ORG_UNIT_NOT_FOUND', 'Org unit %s not found', 404);
export const ColumnNotFoundError = createError<[string, string]>('ZQ_TENANCY_COLUMN_NOT_FOUND', 'Column %s not found in site %s', 404);
export const SiteCodeTakenError = createError<[string]>('ZQ_TENANCY_SITE_CODE_TAKEN', 'Site code %s is already taken', 409);
export const HostTakenError = createError<[string]>('ZQ_TENANCY_HOST_TAKEN', 'Host %s already belongs to a site', 409);
export const HostReservedError = createError<[string]>('ZQ_TENANCY_HOST_RESERVED', 'Host %s is reserved for the platform console', 409);
/** The intensive rule (集约化, seed §4.2). */
export const IndependentSiteRefusedError = createError<[string]>(
  'ZQ_TENANCY_INDEPENDENT_SITE_REFUSED',
  '%s may not have an independent site: create a sub-site or a channel under its parent site instead',
  422,
);
export const PlatformAdminRequiredError = createError('ZQ_TENANCY_PLATFORM_ADMIN_REQUIRED', 'Only a platform admin may do this', 403);
export const ReadOnlyOversightError = createError<[string]>('ZQ_TENANCY_READ_ONLY', 'Site %s belongs to a platform you oversee read-only', 403);
export const DomainNotFoundError = createError<[string, string]>('ZQ_TENANCY_DOMAIN_NOT_FOUND', 'Domain %s not found in site %s', 404);
export const TemplateNotFoundError = createError<[string]>('ZQ_TENANCY_TEMPLATE_NOT_FOUND', 'Column template %s not found', 404);
