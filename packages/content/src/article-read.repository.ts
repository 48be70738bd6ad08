import { sql, type ExpressionBuilder, type RawBuilder } from 'kysely';
import { jsonArrayFrom, jsonObjectFrom } from 'kysely/helpers/postgres';
import type { Database } from '@zhanqun/db/database';
import { compiledOnce } from '@zhanqun/db/compiled-once';
import type { Db } from '@zhanqun/db/scope';

/** A published article as lists show it. */
export interface ArticleListItem {
  id: string;
  title: string;
  summary: string | null;
  url_path: string;
  published_at: Date;
  pinned: boolean;
  /** An external-link article's address: lists link there directly. */
  external_url: string | null;
  /** 封面图: an image attachment of the site (picture news). */
  cover_attachment_id: string | null;
}

/** A list item as a JSON subquery returns it: its time as text. */
const fromJson = (items: (Omit<ArticleListItem, 'published_at'> & { published_at: string | Date })[]): ArticleListItem[] =>
  items.map((i) => ({ ...i, published_at: new Date(i.published_at) }));

/** Live articles placed in a column: pinned (置顶) first, then by placement weight (higher first), then newest. */
export function listLiveInColumn(db: Db, siteId: string, columnId: string, page: { limit: number; offset: number }): Promise<ArticleListItem[]> {
  return columnPage(db, siteId, columnId, 'desc', false, page).execute() as Promise<ArticleListItem[]>;
}

/**
 * One page of a column's live articles in list order (`desc`, pinned first) or its reverse. The
 * order and the page come from the placements alone (each carries whether its article is listed
 * and when it was published: migration 120000, one index); only the page's own rows then join
 * their articles and live revisions, whose row-level security checks a subquery per row.
 */
function columnPage(db: Db, siteId: string, columnId: string, dir: 'asc' | 'desc', unpinnedOnly: boolean, page: { limit: number | RawBuilder<number>; offset: number }) {
  let rows = db.selectFrom('article_placement as p')
    .select(['p.site_id', 'p.article_id', 'p.pinned', 'p.sort_order', 'p.published_at'])
    .where('p.site_id', '=', siteId).where('p.column_id', '=', columnId).where('p.listed', '=', true);
  if (unpinnedOnly) rows = rows.where('p.pinned', '=', false);
  const paged = rows.orderBy('p.pinned', dir).orderBy('p.sort_order', dir).orderBy('p.published_at', dir).orderBy('p.article_id', dir)
    .limit(page.limit).offset(page.offset).as('pg');
  return db.selectFrom(paged)
    .innerJoin('article as a', (j) => j.onRef('a.site_id', '=', 'pg.site_id').onRef('a.id', '=', 'pg.article_id'))
    .innerJoin('article_revision as r', (j) => j.onRef('r.site_id', '=', 'a.site_id').onRef('r.id', '=', 'a.live_revision_id'))
    .select(['a.id', 'r.title', 'r.summary', 'a.url_path', 'a.published_at', 'pg.pinned', 'r.external_url', 'r.cover_attachment_id'])
    // The article's own state once more: a placement's copy is written in the same transaction, never behind.
    .where('a.live', '=', true).where('a.deleted_at', 'is', null)
    .orderBy('pg.pinned', dir).orderBy('pg.sort_order', dir).orderBy('pg.published_at', dir).orderBy('pg.article_id', dir);
}

/**
 * A column page in one statement (one database round trip): how many live articles the column
 * lists, pinned (置顶) and not, and the page's items, newest first. `block` b is the unpinned items
 * of ranks [(b − 1)·size, b·size) counted from the oldest end, which new items never move (DESIGN.md,
 * Cache), whatever the count: the caller checks that b is in range (columnPagination). Without a
 * block it is the column's own page — the pinned items, then everything newer than the older full
 * blocks (columnPagination's frontItems), its length worked out in the statement from the same
 * count. The count is the column's column_listing row (migration 2026_11_29_100000); the page reads
 * the placements' list index (migration 120000).
 */
export async function findColumnPage(db: Db, siteId: string, columnId: string, block: number | null, size: number)
  : Promise<{ pinned: number; unpinned: number; items: ArticleListItem[] }> {
  const [row] = block === null
    ? await columnPageBy.front(db, siteId, columnId, size)
    : await columnPageBy.block(db, siteId, columnId, size, (block - 1) * size);
  const items = fromJson(row!.items as never);
  return { pinned: Number(row!.pinned), unpinned: Number(row!.unpinned), items: block === null ? items : items.reverse() };
}

/**
 * findColumnPage's statement: the column's counts (CTE c: its column_listing row, kept by the
 * placements' triggers; none yet is 0 and 0) and the page's items as JSON.
 */
function columnPageQuery(db: Db, siteId: string, columnId: string, page: ReturnType<typeof columnPage>) {
  return db.with('c', (q) => q.selectFrom('column_listing as l')
    .select([sql<number>`coalesce(max(l.pinned), 0)`.as('pinned'), sql<number>`coalesce(max(l.unpinned), 0)`.as('unpinned')])
    .where('l.site_id', '=', siteId).where('l.column_id', '=', columnId))
    .selectFrom('c').select(['c.pinned', 'c.unpinned', jsonArrayFrom(page).as('items')]);
}

/** Built and compiled once (compiledOnce): the column's own page, and a block of it. */
const columnPageBy = {
  // The older blocks hold greatest(⌊unpinned / size⌋ − 1, 0) · size items; the column's page shows the rest.
  front: compiledOnce((db, siteId: string, columnId: string, size: number) => columnPageQuery(db, siteId, columnId, columnPage(db, siteId, columnId, 'desc', false, {
    limit: sql<number>`(select c.pinned + c.unpinned - greatest(c.unpinned / ${size}::int - 1, 0) * ${size}::int from c)`, offset: 0,
  }))),
  block: compiledOnce((db, siteId: string, columnId: string, size: number, offset: number) => columnPageQuery(db, siteId, columnId,
    columnPage(db, siteId, columnId, 'asc', true, { limit: size, offset }))),
};

/** `%`, `_` and `\` taken literally in a LIKE pattern. */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (ch) => `\\${ch}`);

/**
 * The site's simple search (full-text search comes later): live articles whose title contains
 * every one of the words, newest first, with how many there are. Run it in scope.
 */
export async function searchLive(db: Db, siteId: string, words: readonly string[], page: { limit: number; offset: number }): Promise<{ total: number; items: ArticleListItem[] }> {
  if (words.length === 0) return { total: 0, items: [] };
  const rows = await db.selectFrom('article as a')
    .innerJoin('article_revision as r', (j) => j.onRef('r.site_id', '=', 'a.site_id').onRef('r.id', '=', 'a.live_revision_id'))
    .select(['a.id', 'r.title', 'r.summary', 'a.url_path', 'a.published_at', 'r.external_url', 'r.cover_attachment_id'])
    .select([sql<boolean>`false`.as('pinned'), sql<number>`count(*) over ()`.as('total')])
    .where('a.site_id', '=', siteId).where('a.live', '=', true).where('a.deleted_at', 'is', null)
    .where((eb) => eb.and(words.map((w) => eb('r.title', 'ilike', `%${likeLiteral(w)}%`))))
    .orderBy('a.published_at', 'desc').orderBy('a.id', 'desc').limit(page.limit).offset(page.offset)
    .execute();
  return { total: Number(rows[0]?.total ?? 0), items: rows.map(({ total: _t, ...item }) => item) as ArticleListItem[] };
}

/** Live articles placed in any of these columns (a channel's subtree), newest first. */
export function listLiveInColumns(db: Db, siteId: string, columnIds: readonly string[], limit: number): Promise<ArticleListItem[]> {
  if (columnIds.length === 0) return Promise.resolve([]);
  return newestIn(db, siteId, columnIds, limit).execute() as Promise<ArticleListItem[]>;
}

function newestIn(db: Db | ExpressionBuilder<Database, never>, siteId: string, columnIds: readonly string[], limit: number) {
  return db.selectFrom('article as a')
    .innerJoin('article_revision as r', (j) => j.onRef('r.site_id', '=', 'a.site_id').onRef('r.id', '=', 'a.live_revision_id'))
    .select(['a.id', 'r.title', 'r.summary', 'a.url_path', 'a.published_at', 'r.external_url', 'r.cover_attachment_id'])
    // A literal, not a parameter: a parameter would come back as the text 'false' (truthy).
    .select(sql<boolean>`false`.as('pinned'))
    // One array parameter, not one per column: the statement's text (and its prepared plan) is the same for every site.
    .where('a.site_id', '=', siteId).where('a.primary_column_id', '=', sql<string>`any(${[...columnIds]}::uuid[])`)
    .where('a.live', '=', true).where('a.deleted_at', 'is', null)
    .orderBy('a.published_at', 'desc').orderBy('a.id', 'desc').limit(limit);
}

/** A superior or sibling site as a home page links it (上级网站、同级网站: zhanqun_site_directory, migrations 110100 and 2026_11_28_120000). */
export interface RelatedSiteRow { relation: 'superior' | 'sibling'; site_id: string; name: string; host: string; path_prefix: string }

/**
 * Everything a home page (or a channel page) lists, in one statement (one database round trip):
 * for each group of columns its newest live items, as listLiveInColumns reads them, as a JSON
 * subquery; and, when asked, the site's superior and sibling sites. Run it in scope.
 */
export async function findHomePage(db: Db, siteId: string, groups: readonly (readonly string[])[], limit: number, relatedSites: boolean)
  : Promise<{ lists: ArticleListItem[][]; relatedSites: RelatedSiteRow[] }> {
  const lists = groups.map((ids, i) => ({ ids, alias: `l${i}` })).filter((g) => g.ids.length > 0);
  if (lists.length === 0 && !relatedSites) return { lists: groups.map(() => []), relatedSites: [] };
  const row = await db.selectNoFrom((eb) => [
    ...lists.map((g) => jsonArrayFrom(newestIn(eb, siteId, g.ids, limit)).as(g.alias)),
    ...(relatedSites
      // Other sites are out of a public request's scope: one database function answers this one public question.
      ? [jsonArrayFrom(eb.selectFrom(sql<RelatedSiteRow>`zhanqun_site_directory(${siteId})`.as('d')).select(['d.relation', 'd.site_id', 'd.name', 'd.host', 'd.path_prefix'])).as('related')]
      : []),
  ]).executeTakeFirstOrThrow() as Record<string, unknown>;
  return {
    lists: groups.map((_, i) => fromJson((row[`l${i}`] ?? []) as never)),
    relatedSites: (row.related ?? []) as RelatedSiteRow[],
  };
}

/** The live article with its live revision's content and metadata. */
export function findLiveArticle(db: Db, siteId: string, articleId: string) {
  return findArticleAt(db, siteId, articleId, 'live');
}

/**
 * An article with one of its revisions: the live one (public pages; only live, undeleted
 * articles), or the latest one (preview on the admin host, whatever its state).
 */
export function findArticleAt(db: Db, siteId: string, articleId: string, which: 'live' | 'latest') {
  return articleAt(db, siteId, articleId, which).executeTakeFirst();
}

/** An article by id, or (live only) by the path its live URL entry names. */
export type ArticleKey = string | { path: string };

function articleAt(db: Db, siteId: string, key: ArticleKey, which: 'live' | 'latest') {
  let q = db.selectFrom('article as a')
    .innerJoin('article_revision as r', (j) => j.onRef('r.site_id', '=', 'a.site_id').onRef('r.id', '=', which === 'live' ? 'a.live_revision_id' : 'a.latest_revision_id'))
    .select([
      'a.id', 'a.primary_column_id', 'a.url_path', 'a.index_number', 'a.published_at', 'r.id as revision_id', 'a.interprets_article_id', 'r.title',
      'r.subtitle', 'r.summary', 'r.body_html', 'r.source', 'r.author', 'r.document_number', 'r.issuing_organ', 'r.date_written',
      'r.topic_category', 'r.validity', 'r.keywords', 'r.external_url',
    ])
    .where('a.site_id', '=', siteId).where('a.deleted_at', 'is', null);
  if (typeof key === 'string') {
    q = q.where('a.id', '=', key);
  } else {
    // The path's URL entry says which article lives there (url_path is the authority on paths).
    q = q.innerJoin('url_path as u', (j) => j.onRef('u.site_id', '=', 'a.site_id').onRef('u.article_id', '=', 'a.id'))
      .where('u.path', '=', key.path).where('u.kind', '=', 'live').where('u.legacy_site_id', 'is', null);
  }
  if (which === 'live' || typeof key !== 'string') q = q.where('a.live', '=', true);
  return q;
}

/** The article page's query (findArticlePage) for one kind of key and revision. */
function articlePageQuery(db: Db, siteId: string, key: ArticleKey, which: 'live' | 'latest') {
  const linked = (eb: ExpressionBuilder<Database & { a: Database['article'] }, 'a'>) => {
    return eb.selectFrom('article as p')
      .innerJoin('article_revision as pr', (j) => j.onRef('pr.site_id', '=', 'p.site_id').onRef('pr.id', '=', 'p.live_revision_id'))
      .select(['p.id', 'pr.title', 'p.url_path']).whereRef('p.site_id', '=', 'a.site_id').where('p.deleted_at', 'is', null).where('p.live', '=', true);
  };
  return articleAt(db, siteId, key, which).select((eb) => [
    jsonArrayFrom(eb.selectFrom('revision_attachment as ra')
      .innerJoin('attachment as f', (j) => j.onRef('f.site_id', '=', 'ra.site_id').onRef('f.id', '=', 'ra.attachment_id'))
      .select(['f.id', 'f.filename', 'f.media_type', 'f.size'])
      .whereRef('ra.site_id', '=', 'a.site_id').whereRef('ra.revision_id', '=', 'r.id').orderBy('ra.position')).as('attachments'),
    jsonObjectFrom(linked(eb).whereRef('p.id', '=', 'a.interprets_article_id')).as('policy'),
    jsonArrayFrom(linked(eb).whereRef('p.interprets_article_id', '=', 'a.id').orderBy('p.published_at', 'desc').limit(50)).as('interpretations'),
  ]);
}

/** Built and compiled once per kind of key and revision (compiledOnce: the public hot path). */
const articlePageBy = {
  'path:live': compiledOnce((db, siteId: string, path: string) => articlePageQuery(db, siteId, { path }, 'live')),
  'path:latest': compiledOnce((db, siteId: string, path: string) => articlePageQuery(db, siteId, { path }, 'latest')),
  'id:live': compiledOnce((db, siteId: string, id: string) => articlePageQuery(db, siteId, id, 'live')),
  'id:latest': compiledOnce((db, siteId: string, id: string) => articlePageQuery(db, siteId, id, 'latest')),
};

/**
 * Everything an article page shows, in one query (one database round trip): the article as
 * `findArticleAt` reads it, its revision's attachments in order, and the live policy document it
 * interprets and live interpretations of it (as interpretationLinks reads them). Run it in scope.
 */
export async function findArticlePage(db: Db, siteId: string, key: ArticleKey, which: 'live' | 'latest') {
  const rows = typeof key === 'string' ? await articlePageBy[`id:${which}`](db, siteId, key) : await articlePageBy[`path:${which}`](db, siteId, key.path);
  return rows[0];
}
