import { createError } from '@zhanqun/core/errors';
import type { ServiceContext } from '@zhanqun/audit/context';
import type { SiteRow } from '@zhanqun/db/database';
import type { Tx } from '@zhanqun/db/scope';
import * as siteRepository from './site.repository.js';
import { ReadOnlyOversightError, SiteNotFoundError } from './tenancy.errors.js';

/**
 * A site the scope may change. A provincial admin sees its city platforms' sites (read-only
 * oversight) but writes stop at the edge of its own platform: that is a 403, not a 404.
 */
export async function writableSite(trx: Tx, ctx: Pick<ServiceContext, 'scope' | 'can'>, siteId: string, permission = 'site.manage'): Promise<SiteRow> {
  const site = await siteRepository.findById(trx, siteId);
  if (!site) throw new SiteNotFoundError(siteId);
  if (ctx.scope.kind === 'platform' && !ctx.scope.platformIds.includes(site.platform_id)) throw new ReadOnlyOversightError(site.code);
  if (ctx.can) {
    const unit = await trx.selectFrom('org_unit').select('path').where('id', '=', site.org_unit_id).executeTakeFirst();
    const target = { platformId: site.platform_id, siteId: site.id, parentSiteId: site.parent_site_id, ...(unit ? { orgUnitPath: unit.path } : {}) };
    if (!ctx.can(permission, target)) throw new SiteForbiddenError(permission, site.code);
  }
  return site;
}

export const SiteForbiddenError = createError<[string, string]>('ZQ_TENANCY_FORBIDDEN', 'Permission %s is required on site %s', 403);
