import { sql } from 'kysely';
import type { SiteKind, SiteStatus } from '@zhanqun/db/database';
import type { Db } from '@zhanqun/db/scope';

export interface SiteListFilter {
  /** Matches the name (anywhere) or the code (prefix). */
  q?: string;
  kind?: SiteKind;
  status?: SiteStatus;
  /** Sites of this unit and everything under it. */
  orgUnitId?: string;
  platformId?: string;
  limit: number;
  offset: number;
}

export interface SiteListItem {
  id: string;
  code: string;
  name: string;
  kind: SiteKind;
  status: SiteStatus;
  site_id_code: string | null;
  parent_site_id: string | null;
  org_unit_id: string;
  org_unit_name: string;
  platform_id: string;
  host: string | null;
  path_prefix: string | null;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** One page of the sites the scope can see, with their primary host, and the total count. */
export async function listSites(db: Db, filter: SiteListFilter): Promise<{ rows: SiteListItem[]; total: number }> {
  let query = db.selectFrom('site as s')
    .innerJoin('org_unit as u', 'u.id', 's.org_unit_id')
    .where('s.deleted_at', 'is', null);
  if (filter.q?.trim()) {
    const q = escapeLike(filter.q.trim().toLowerCase());
    query = query.where((eb) => eb.or([eb(sql`lower(s.name)`, 'like', `%${q}%`), eb('s.code', 'like', `${q}%`)]));
  }
  if (filter.kind) query = query.where('s.kind', '=', filter.kind);
  if (filter.status) query = query.where('s.status', '=', filter.status);
  if (filter.platformId) query = query.where('s.platform_id', '=', filter.platformId);
  if (filter.orgUnitId) {
    query = query.where('u.path', 'like', (eb) =>
      eb.selectFrom('org_unit').select(sql<string>`path || '%'`.as('p')).where('id', '=', filter.orgUnitId!));
  }
  const [rows, count] = await Promise.all([
    query
      .leftJoin('site_domain as d', (j) => j.onRef('d.site_id', '=', 's.id').on('d.role', '=', 'primary'))
      .select(['s.id', 's.code', 's.name', 's.kind', 's.status', 's.site_id_code', 's.parent_site_id', 's.org_unit_id', 's.platform_id',
        'u.name as org_unit_name', 'd.host', 'd.path_prefix'])
      .distinctOn('s.code')
      .orderBy('s.code').orderBy('d.created_at')
      .limit(Math.min(Math.max(filter.limit, 1), 500)).offset(Math.max(filter.offset, 0))
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows as SiteListItem[], total: Number(count.n) };
}

/** How many sites of a platform the scope sees, per status (one grouped query). */
export async function countSitesByStatus(db: Db, platformId: string): Promise<Map<SiteStatus, number>> {
  const rows = await db.selectFrom('site').select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('platform_id', '=', platformId).where('deleted_at', 'is', null).groupBy('status').execute();
  return new Map(rows.map((r) => [r.status, Number(r.n)]));
}
