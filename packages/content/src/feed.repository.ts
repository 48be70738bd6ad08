import { sql } from 'kysely';
import type { Db } from '@zhanqun/db/scope';

// The reads behind sitemaps and feeds (@zhanqun/render/feeds). Run them in the public scope of
// the sites concerned: row-level security then shows live, undeleted rows only; the conditions
// on `live` and `deleted_at` say so again and let Postgres use the partial indexes.

/** Live articles of a site in one block of serial numbers. */
export interface SerialBlockRow { site_id: string; block: number; count: number; lastmod: Date | null }

/**
 * Live articles of these sites counted per block of `size` serial numbers, with the newest
 * last publication in each (one pass over the (site_id, serial_no) index).
 */
export async function countLiveBySerialBlock(db: Db, siteIds: readonly string[], size: number): Promise<SerialBlockRow[]> {
  if (siteIds.length === 0) return [];
  if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`block size ${size} is not a positive integer`);
  // A literal, not a parameter: GROUP BY must see the very expression the select list has.
  const block = sql<number>`(a.serial_no / ${sql.lit(size)})::int`;
  const rows = await db.selectFrom('article as a')
    .select(['a.site_id', block.as('block')])
    .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.max(eb.fn.coalesce('a.last_published_at', 'a.published_at')).as('lastmod')])
    .where('a.site_id', 'in', siteIds).where('a.serial_no', 'is not', null)
    .where('a.live', '=', true).where('a.deleted_at', 'is', null)
    .groupBy(['a.site_id', block]).orderBy('a.site_id').orderBy(block)
    .execute();
  return rows.map((r) => ({ site_id: r.site_id, block: Number(r.block), count: Number(r.count), lastmod: r.lastmod ?? null }));
}

/** A live article as a sitemap lists it. */
export interface SitemapArticleRow { site_id: string; serial_no: number; url_path: string; lastmod: Date | null }

export interface SitemapArticlePage {
  /** Keyset: the (site, serial) after which to continue; null from the start. */
  after: { siteId: string; serial: number } | null;
  limit: number;
  /** Only serial numbers in `[from, to)` (one file of a split sitemap). */
  serials?: { from: number; to: number };
}

/**
 * Live articles of these sites in (site_id, serial_no) order, one keyset page at a time: each
 * page is a range scan of the (site_id, serial_no) index, never an OFFSET. Link-only articles
 * are left out: their URL only sends readers on (302).
 */
export async function listLiveBySerial(db: Db, siteIds: readonly string[], page: SitemapArticlePage): Promise<SitemapArticleRow[]> {
  if (siteIds.length === 0) return [];
  let q = db.selectFrom('article as a')
    .innerJoin('article_revision as r', (j) => j.onRef('r.site_id', '=', 'a.site_id').onRef('r.id', '=', 'a.live_revision_id'))
    .select(['a.site_id', 'a.serial_no', 'a.url_path'])
    .select((eb) => eb.fn.coalesce('a.last_published_at', 'a.published_at').as('lastmod'))
    .where('a.site_id', 'in', siteIds).where('a.serial_no', 'is not', null).where('a.url_path', 'is not', null)
    .where('a.live', '=', true).where('a.deleted_at', 'is', null).where('r.external_url', 'is', null);
  if (page.after) {
    const { siteId, serial } = page.after;
    q = q.where((eb) => eb(eb.refTuple('a.site_id', 'a.serial_no'), '>', eb.tuple(siteId, serial)));
  }
  if (page.serials) q = q.where('a.serial_no', '>=', page.serials.from).where('a.serial_no', '<', page.serials.to);
  const rows = await q.orderBy('a.site_id').orderBy('a.serial_no').limit(page.limit).execute();
  return rows.map((r) => ({ site_id: r.site_id, serial_no: Number(r.serial_no), url_path: r.url_path!, lastmod: r.lastmod ?? null }));
}

/** An open column as a sitemap lists it. */
export interface SitemapColumnRow { id: string; site_id: string; path: string; updated_at: Date }

/** The open columns of these sites (external links aside), by site and path. */
export function findOpenColumns(db: Db, siteIds: readonly string[]): Promise<SitemapColumnRow[]> {
  if (siteIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('site_column as c').select(['c.id', 'c.site_id', 'c.path', 'c.updated_at'])
    .where('c.site_id', 'in', siteIds).where('c.status', '=', 'open').where('c.deleted_at', 'is', null).where('c.external_url', 'is', null)
    .orderBy('c.site_id').orderBy('c.path')
    .execute();
}

/** For each column of these sites with live items, the newest last publication among them (one grouped pass over the placements). */
export async function findLatestByColumn(db: Db, siteIds: readonly string[]): Promise<Map<string, Date>> {
  if (siteIds.length === 0) return new Map();
  const rows = await db.selectFrom('article_placement as p')
    .innerJoin('article as a', (j) => j.onRef('a.site_id', '=', 'p.site_id').onRef('a.id', '=', 'p.article_id'))
    .select('p.column_id')
    .select((eb) => eb.fn.max(eb.fn.coalesce('a.last_published_at', 'a.published_at')).as('latest'))
    .where('p.site_id', 'in', siteIds).where('a.live', '=', true).where('a.deleted_at', 'is', null)
    .groupBy('p.column_id')
    .execute();
  return new Map(rows.filter((r) => r.latest).map((r) => [r.column_id, r.latest!]));
}

/** A live article as a feed lists it. */
export interface FeedItemRow {
  id: string; title: string; summary: string | null; url_path: string; external_url: string | null; published_at: Date; last_published_at: Date | null;
}

/**
 * The newest live articles placed in any of these columns of a site (a column and its
 * sub-columns). The 20 are chosen first, walking the (site_id, published_at) index, and only
 * they are joined to their live revisions (whose public policy checks each row it reads).
 */
export async function listNewestInColumns(db: Db, siteId: string, columnIds: readonly string[], limit: number): Promise<FeedItemRow[]> {
  if (columnIds.length === 0) return [];
  const newest = db.selectFrom('article as a')
    .select(['a.id', 'a.site_id', 'a.live_revision_id', 'a.url_path', 'a.published_at', 'a.last_published_at'])
    .where('a.site_id', '=', siteId).where('a.live', '=', true).where('a.deleted_at', 'is', null)
    .where('a.url_path', 'is not', null).where('a.published_at', 'is not', null)
    .where((eb) => eb.exists(eb.selectFrom('article_placement as p').select('p.article_id')
      .whereRef('p.site_id', '=', 'a.site_id').whereRef('p.article_id', '=', 'a.id').where('p.column_id', 'in', columnIds)))
    .orderBy('a.published_at', 'desc').orderBy('a.id', 'desc').limit(limit)
    .as('n');
  const rows = await db.selectFrom(newest)
    .innerJoin('article_revision as r', (j) => j.onRef('r.site_id', '=', 'n.site_id').onRef('r.id', '=', 'n.live_revision_id'))
    .select(['n.id', 'r.title', 'r.summary', 'n.url_path', 'r.external_url', 'n.published_at', 'n.last_published_at'])
    .orderBy('n.published_at', 'desc').orderBy('n.id', 'desc')
    .execute();
  return rows.map((r) => ({ ...r, url_path: r.url_path!, published_at: r.published_at! }));
}
