import type { ServiceContext } from '@zhanqun/audit/context';
import type { SiteColumnRow, SiteRow } from '@zhanqun/db/database';
import type { Tx } from '@zhanqun/db/scope';
import * as columnRepository from '@zhanqun/tenancy/column.repository';
import { SiteForbiddenError, writableSite } from '@zhanqun/tenancy/site-access';
import { ColumnNotFoundError } from './article.errors.js';
import { ColumnForbiddenError } from './article-revision.errors.js';

export interface ColumnAccess {
  site: SiteRow;
  column: SiteColumnRow;
}

/**
 * The site and column an article action touches, with the actor's permission checked on the
 * column itself: an editor granted only some columns (栏目授权) acts there and nowhere else, and
 * a site-wide grant covers every column of its site. Writes stop at the platform's edge
 * (oversight is read-only), as for every other tenant write.
 */
export async function columnAccess(trx: Tx, ctx: Pick<ServiceContext, 'scope' | 'can'>, siteId: string, columnId: string, permission: string): Promise<ColumnAccess> {
  // Site-level check without the permission: a column grant would not cover a site target.
  const site = await writableSite(trx, { scope: ctx.scope }, siteId);
  const column = await columnRepository.findById(trx, siteId, columnId);
  if (!column) throw new ColumnNotFoundError(columnId, siteId);
  if (ctx.can) {
    const unit = await trx.selectFrom('org_unit').select('path').where('id', '=', site.org_unit_id).executeTakeFirst();
    const target = {
      platformId: site.platform_id, siteId: site.id, parentSiteId: site.parent_site_id, columnId: column.id,
      ...(unit ? { orgUnitPath: unit.path } : {}),
    };
    if (!ctx.can(permission, target)) throw new ColumnForbiddenError(permission, column.name);
  }
  return { site, column };
}

/**
 * A site where the actor may do `permission` in at least one column (uploading an attachment,
 * which belongs to the site, not to a column): a site-wide grant, or a grant over some of its
 * columns (栏目授权), will do.
 */
export async function siteWithSomeColumn(trx: Tx, ctx: Pick<ServiceContext, 'scope' | 'can'>, siteId: string, permission: string): Promise<SiteRow> {
  const site = await writableSite(trx, { scope: ctx.scope }, siteId);
  if (!ctx.can) return site;
  const unit = await trx.selectFrom('org_unit').select('path').where('id', '=', site.org_unit_id).executeTakeFirst();
  const target = { platformId: site.platform_id, siteId: site.id, parentSiteId: site.parent_site_id, ...(unit ? { orgUnitPath: unit.path } : {}) };
  if (ctx.can(permission, target)) return site;
  const columns = await trx.selectFrom('site_column').select('id').where('site_id', '=', siteId).where('deleted_at', 'is', null).execute();
  if (columns.some((c) => ctx.can!(permission, { ...target, columnId: c.id }))) return site;
  throw new SiteForbiddenError(permission, site.code);
}
