import type { NewSiteColumnRow, SiteColumnRow } from '@zhanqun/db/database';
import type { Db } from '@zhanqun/db/scope';

export const COLUMN_COLUMNS = [
  'id', 'site_id', 'parent_id', 'slug', 'path', 'name', 'kind', 'is_channel', 'sort_order', 'description',
  'external_url', 'template_column_id', 'status', 'merged_into_id', 'closed_at', 'is_core', 'created_at', 'updated_at', 'deleted_at',
] as const;

export function findById(db: Db, siteId: string, id: string): Promise<SiteColumnRow | undefined> {
  return db.selectFrom('site_column').select(COLUMN_COLUMNS).where('site_id', '=', siteId).where('id', '=', id)
    .where('deleted_at', 'is', null).executeTakeFirst();
}

export function findByPath(db: Db, siteId: string, path: string): Promise<SiteColumnRow | undefined> {
  return db.selectFrom('site_column').select(COLUMN_COLUMNS).where('site_id', '=', siteId).where('path', '=', path)
    .where('deleted_at', 'is', null).executeTakeFirst();
}

/** All open columns of a site in tree order: each parent, then its children by sort order. */
export async function findAll(db: Db, siteId: string): Promise<SiteColumnRow[]> {
  const rows = await db.selectFrom('site_column').select(COLUMN_COLUMNS).where('site_id', '=', siteId).where('deleted_at', 'is', null)
    .orderBy('sort_order').orderBy('path').execute();
  return inTreeOrder(rows);
}

/** Depth-first order of a column list whose siblings are already sorted. */
export function inTreeOrder<T extends { id: string; parent_id: string | null }>(rows: readonly T[]): T[] {
  const children = new Map<string | null, T[]>();
  for (const r of rows) children.set(r.parent_id, [...(children.get(r.parent_id) ?? []), r]);
  const ids = new Set(rows.map((r) => r.id));
  const out: T[] = [];
  const walk = (parent: string | null) => {
    for (const r of children.get(parent) ?? []) {
      out.push(r);
      walk(r.id);
    }
  };
  walk(null);
  // Columns whose parent is closed or merged still appear, after the tree.
  for (const r of rows) if (r.parent_id !== null && !ids.has(r.parent_id) && !out.includes(r)) { out.push(r); walk(r.id); }
  return out;
}

export function insert(db: Db, row: NewSiteColumnRow): Promise<SiteColumnRow> {
  return db.insertInto('site_column').values(row).returning(COLUMN_COLUMNS).executeTakeFirstOrThrow();
}

export async function insertMany(db: Db, rows: NewSiteColumnRow[]): Promise<void> {
  if (rows.length) await db.insertInto('site_column').values(rows).execute();
}
