import type { FastifyRequest } from 'fastify';
import { inScope, type Scope, type Tx } from '@zhanqun/db/scope';
import { can, isPlatformAdmin, type Permission, type Principal } from '@zhanqun/identity/policy';
import { requestScope } from '../plugins/session.js';

export interface ScopedSite {
  id: string;
  name: string;
  code: string;
  platform_id: string;
  parent_site_id: string | null;
  /** The org-unit path of the site, for org-unit grants. */
  path: string;
}

/** The sites the transaction's scope shows on which the principal holds a permission now, by name. */
export async function sitesWith(trx: Tx, p: Principal, permission: Permission, now: Date): Promise<ScopedSite[]> {
  const rows = await trx.selectFrom('site as s').innerJoin('org_unit as u', 'u.id', 's.org_unit_id')
    .select(['s.id', 's.name', 's.code', 's.platform_id', 's.parent_site_id', 'u.path']).where('s.deleted_at', 'is', null).execute();
  return rows.filter((s) => can(p, permission, { platformId: s.platform_id, siteId: s.id, parentSiteId: s.parent_site_id, orgUnitPath: s.path }, now))
    .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
}

/**
 * The request's scope narrowed to the sites where the requester holds one permission. The request
 * scope covers every site any of its grants reach, whatever the role, so reads that belong to one
 * permission (the audit trail to audit.read) must not run under it: an editor's site is not an
 * auditor's. A platform admin keeps its own scope (its platforms, and read-only oversight).
 */
export async function permissionScope(request: FastifyRequest, permission: Permission): Promise<Scope> {
  const scope = await requestScope(request);
  const p = request.principal;
  const now = request.server.clock.now();
  if (!p) return { kind: 'sites', siteIds: [] };
  if (isPlatformAdmin(p, now) || scope.kind !== 'sites') return scope;
  const sites = await inScope(request.server.db, scope, (trx) => sitesWith(trx, p, permission, now));
  return { kind: 'sites', siteIds: sites.map((s) => s.id), userId: scope.userId ?? null };
}
