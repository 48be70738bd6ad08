import type { NewSiteRow, SiteDomainRow, SiteRow, SiteRowUpdate } from '@zhanqun/db/database';
import type { Db } from '@zhanqun/db/scope';

export const SITE_COLUMNS = [
  'id', 'platform_id', 'org_unit_id', 'parent_site_id', 'kind', 'status', 'code', 'name', 'site_id_code',
  'icp_number', 'psb_number', 'sponsor', 'contact', 'default_locale', 'theme', 'locales', 'closed_at', 'created_at', 'updated_at', 'deleted_at',
] as const;

export function findById(db: Db, id: string): Promise<SiteRow | undefined> {
  return db.selectFrom('site').select(SITE_COLUMNS).where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
}

export function findByCode(db: Db, code: string): Promise<SiteRow | undefined> {
  return db.selectFrom('site').select(SITE_COLUMNS).where('code', '=', code).where('deleted_at', 'is', null).executeTakeFirst();
}

export function findByIds(db: Db, ids: readonly string[]): Promise<SiteRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('site').select(SITE_COLUMNS).where('id', 'in', ids).where('deleted_at', 'is', null).execute();
}

/** Every site the scope can see, parents before their sub-sites. */
export function findAll(db: Db): Promise<SiteRow[]> {
  return db.selectFrom('site').select(SITE_COLUMNS).where('deleted_at', 'is', null)
    .orderBy('parent_site_id', 'desc').orderBy('created_at').execute();
}

export function insert(db: Db, row: NewSiteRow): Promise<SiteRow> {
  return db.insertInto('site').values(row).returning(SITE_COLUMNS).executeTakeFirstOrThrow();
}

export function update(db: Db, id: string, changes: SiteRowUpdate): Promise<SiteRow> {
  return db.updateTable('site').set(changes).where('id', '=', id).returning(SITE_COLUMNS).executeTakeFirstOrThrow();
}

export function findDomains(db: Db, siteId: string): Promise<SiteDomainRow[]> {
  return db.selectFrom('site_domain').select(['id', 'site_id', 'host', 'path_prefix', 'role', 'created_at'])
    .where('site_id', '=', siteId).orderBy('created_at').execute();
}

/** The routes of one host: the site answering at `/` and any sub-sites mounted under a prefix. */
export function findRoutesByHost(db: Db, host: string): Promise<Pick<SiteDomainRow, 'site_id' | 'path_prefix' | 'role'>[]> {
  return db.selectFrom('site_domain').select(['site_id', 'path_prefix', 'role']).where('host', '=', host).execute();
}

/** The primary host of a site (for alias redirects and printed URLs). */
export async function findPrimaryHost(db: Db, siteId: string): Promise<{ host: string; path_prefix: string } | undefined> {
  return db.selectFrom('site_domain').select(['host', 'path_prefix']).where('site_id', '=', siteId).where('role', '=', 'primary')
    .orderBy('created_at').executeTakeFirst();
}

/** The primary (host, prefix) of each of these sites. */
export async function findPrimaryHosts(db: Db, siteIds: readonly string[]): Promise<Map<string, { host: string; path_prefix: string }>> {
  if (siteIds.length === 0) return new Map();
  const rows = await db.selectFrom('site_domain').select(['site_id', 'host', 'path_prefix']).where('site_id', 'in', siteIds)
    .where('role', '=', 'primary').orderBy('created_at', 'desc').execute();
  return new Map(rows.map((r) => [r.site_id, { host: r.host, path_prefix: r.path_prefix }]));
}
