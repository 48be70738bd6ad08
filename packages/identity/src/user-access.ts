import type { ServiceContext } from '@zhanqun/audit/context';
import { inScope, type Tx } from '@zhanqun/db/scope';
import { can, isPlatformAdmin, liveGrants, type Principal, type Target } from './policy.js';
import { loadPrincipal } from './principal.js';

/** The policy target of a site of a platform, or undefined when it is not one of that platform's. */
export async function siteTarget(trx: Tx, platformId: string, siteId: string): Promise<Target | undefined> {
  const site = await trx.selectFrom('site as s').innerJoin('org_unit as u', 'u.id', 's.org_unit_id')
    .select(['s.id', 's.platform_id', 's.parent_site_id', 'u.path']).where('s.id', '=', siteId).where('s.deleted_at', 'is', null).executeTakeFirst();
  if (!site || site.platform_id !== platformId) return undefined;
  return { platformId, siteId: site.id, parentSiteId: site.parent_site_id, orgUnitPath: site.path };
}

/**
 * Whether every grant the account holds now lies within the principal's user.manage: only then
 * may it disable the account or set its password. Without this, granting one role to anyone
 * would hand over their whole account (see the report on user.service's manageableUser).
 */
export async function managesWholly(ctx: ServiceContext, p: Principal, userId: string): Promise<boolean> {
  const now = ctx.clock.now();
  if (isPlatformAdmin(p, now)) return true;
  const target = await loadPrincipal(ctx.db, userId);
  if (!target) return false;
  const grants = liveGrants({ ...target, isOutsourced: false, disabled: false }, now);
  return inScope(ctx.db, ctx.scope, async (trx) => {
    for (const g of grants) {
      const where: Target | undefined = g.scopeKind === 'platform' ? { platformId: g.platformId }
        : g.scopeKind === 'org_unit' ? { platformId: g.platformId, orgUnitPath: g.orgUnitPath ?? undefined }
          : g.siteId ? await siteTarget(trx, g.platformId, g.siteId) : undefined;
      const covered = where && (g.scopeKind === 'columns'
        ? g.columnIds.every((columnId) => can(p, 'user.manage', { ...where, columnId }, now))
        : can(p, 'user.manage', where, now));
      if (!covered || g.role === 'platform_admin') return false;
    }
    return true;
  });
}
