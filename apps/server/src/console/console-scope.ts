import type { Tx } from '@zhanqun/db/scope';
import { can, type Permission, type Principal } from '@zhanqun/identity/policy';

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
