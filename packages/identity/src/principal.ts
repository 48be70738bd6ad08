import type { Kysely } from 'kysely';
import type { Database } from '@zhanqun/db/database';
import { applyScope, inScope, type Db, type Scope } from '@zhanqun/db/scope';
import { isPlatformAdmin, liveGrants, permissionsOf, type GrantView, type Permission, type Principal } from './policy.js';

/** The grants of a user, read under its own id (the role_grant_own policy), with unit paths. */
export async function loadGrants(db: Db, userId: string): Promise<GrantView[]> {
  const rows = await db.selectFrom('role_grant as g').leftJoin('org_unit as u', 'u.id', 'g.org_unit_id')
    .select(['g.id', 'g.role', 'g.platform_id', 'g.scope_kind', 'u.path', 'g.site_id', 'g.column_ids', 'g.expires_at'])
    .where('g.user_id', '=', userId).where('g.revoked_at', 'is', null).execute();
  return rows.map((r) => ({
    id: r.id, role: r.role, platformId: r.platform_id, scopeKind: r.scope_kind, orgUnitPath: r.path ?? null,
    siteId: r.site_id, columnIds: r.column_ids, expiresAt: r.expires_at,
  }));
}

/** A user with its grants, or undefined. */
export async function loadPrincipal(db: Kysely<Database>, userId: string): Promise<Principal | undefined> {
  // Org-unit paths of grants are read under the platforms the user holds grants on.
  return inScope(db, { kind: 'sites', siteIds: [], userId }, async (trx) => {
    const user = await trx.selectFrom('app_user').select(['id', 'username', 'platform_id', 'is_outsourced', 'contract_end', 'disabled_at'])
      .where('id', '=', userId).executeTakeFirst();
    if (!user) return undefined;
    const grants = await trx.selectFrom('role_grant').select(['platform_id']).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
    await applyScope(trx, { kind: 'platform', platformIds: [...new Set(grants.map((g) => g.platform_id))], userId });
    return {
      userId: user.id, username: user.username, platformId: user.platform_id, isOutsourced: user.is_outsourced,
      contractEnd: user.contract_end, disabled: user.disabled_at !== null, grants: await loadGrants(trx, userId),
    };
  });
}

/** Permissions about a whole site (or more): a column grant never carries them to its site. */
const SITE_WIDE: ReadonlySet<Permission> = new Set(['platform.manage', 'site.manage', 'user.manage', 'audit.read']);

/**
 * The row-level-security scope a principal's grants give it now: its platforms for a platform
 * admin (plus read-only oversight of their city platforms), otherwise exactly the sites its
 * grants reach (sites under an org-unit grant, sub-sites of a site grant) — of the grants that
 * carry `permission`, when a route exercises one.
 */
export async function scopeOf(db: Kysely<Database>, p: Principal, now: Date, permission?: Permission): Promise<Scope> {
  // Only grants that carry the permission being exercised open sites: being a site admin of one
  // site and an editor of another must not make the second site's admin pages readable.
  // A grant over some columns opens its site for column work only, not for site-wide permissions.
  const grants = liveGrants(p, now).filter((g) => !permission
    || (permissionsOf(p, g).includes(permission) && !(g.scopeKind === 'columns' && SITE_WIDE.has(permission))));
  if (isPlatformAdmin(p, now)) {
    const platformIds = [...new Set(grants.filter((g) => g.role === 'platform_admin' && g.scopeKind === 'platform').map((g) => g.platformId))];
    const children = await inScope(db, { kind: 'sites', siteIds: [] }, (trx) =>
      trx.selectFrom('platform').select('id').where('parent_platform_id', 'in', platformIds).execute());
    return { kind: 'platform', platformIds, oversightPlatformIds: children.map((c) => c.id), userId: p.userId };
  }
  const platformIds = [...new Set(grants.map((g) => g.platformId))];
  if (!platformIds.length) return { kind: 'sites', siteIds: [], userId: p.userId };
  // Resolve which sites the grants reach, reading as the grants' platforms, then narrow.
  const siteIds = await inScope(db, { kind: 'platform', platformIds, userId: p.userId }, async (trx) => {
    const ids = new Set<string>();
    const direct = grants.filter((g) => g.siteId).map((g) => g.siteId!);
    for (const id of direct) ids.add(id);
    if (direct.length) {
      for (const s of await trx.selectFrom('site').select('id').where('parent_site_id', 'in', direct).execute()) ids.add(s.id);
    }
    const wide = [...new Set(grants.filter((x) => x.scopeKind === 'platform').map((x) => x.platformId))];
    if (wide.length) for (const s of await trx.selectFrom('site').select('id').where('platform_id', 'in', wide).execute()) ids.add(s.id);
    for (const g of grants.filter((x) => x.scopeKind === 'org_unit' && x.orgUnitPath)) {
      const under = await trx.selectFrom('site').innerJoin('org_unit as u', 'u.id', 'site.org_unit_id').select('site.id')
        .where('u.path', 'like', `${g.orgUnitPath}%`).execute();
      for (const s of under) ids.add(s.id);
    }
    return [...ids];
  });
  return { kind: 'sites', siteIds, userId: p.userId };
}
