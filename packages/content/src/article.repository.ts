import { sql } from 'kysely';
import type { ArticleRevisionRow, ArticleRow, ArticleRowUpdate, NewArticleRevisionRow, NewArticleRow } from '@zhanqun/db/database';
import type { Db, Tx } from '@zhanqun/db/scope';

export const ARTICLE_COLUMNS = [
  'id', 'site_id', 'primary_column_id', 'live', 'has_unpublished_changes', 'live_revision_id', 'latest_revision_id',
  'draft_title', 'url_path', 'serial_no', 'index_number', 'first_published_at', 'last_published_at', 'published_at',
  'created_by', 'created_at', 'updated_at', 'deleted_at', 'deleted_by', 'withdrawn_at', 'scheduled_publish_at',
  'scheduled_withdraw_at', 'scheduled_by', 'interprets_article_id', 'locale', 'translation_key',
] as const;

export const REVISION_COLUMNS = [
  'id', 'site_id', 'article_id', 'title', 'subtitle', 'summary', 'body_html', 'source', 'author', 'external_url',
  'document_number', 'issuing_organ', 'date_written', 'topic_category', 'validity', 'keywords', 'tags', 'cover_attachment_id', 'created_by', 'created_at',
] as const;

export function findById(db: Db, siteId: string, id: string): Promise<ArticleRow | undefined> {
  return db.selectFrom('article').select(ARTICLE_COLUMNS).where('site_id', '=', siteId).where('id', '=', id)
    .where('deleted_at', 'is', null).executeTakeFirst();
}

export function lockById(trx: Tx, siteId: string, id: string): Promise<ArticleRow | undefined> {
  return trx.selectFrom('article').select(ARTICLE_COLUMNS).where('site_id', '=', siteId).where('id', '=', id)
    .where('deleted_at', 'is', null).forUpdate().executeTakeFirst();
}

export function insert(db: Db, row: NewArticleRow): Promise<ArticleRow> {
  return db.insertInto('article').values(row).returning(ARTICLE_COLUMNS).executeTakeFirstOrThrow();
}

export function update(db: Db, siteId: string, id: string, changes: ArticleRowUpdate): Promise<ArticleRow> {
  return db.updateTable('article').set(changes).where('site_id', '=', siteId).where('id', '=', id)
    .returning(ARTICLE_COLUMNS).executeTakeFirstOrThrow();
}

export function insertRevision(db: Db, row: NewArticleRevisionRow): Promise<ArticleRevisionRow> {
  return db.insertInto('article_revision').values(row).returning(REVISION_COLUMNS).executeTakeFirstOrThrow();
}

export function findRevision(db: Db, siteId: string, id: string): Promise<ArticleRevisionRow | undefined> {
  return db.selectFrom('article_revision').select(REVISION_COLUMNS).where('site_id', '=', siteId).where('id', '=', id).executeTakeFirst();
}

/** Draw the next value of a per-site counter; the upsert holds the counter row's lock until commit. */
export async function nextCounter(trx: Tx, siteId: string, name: string): Promise<number> {
  const row = await trx.insertInto('site_counter').values({ site_id: siteId, name, value: 1 })
    .onConflict((oc) => oc.columns(['site_id', 'name']).doUpdateSet({ value: sql`site_counter.value + 1` }))
    .returning('value').executeTakeFirstOrThrow();
  return Number(row.value);
}

/** A revision as the history list shows it. */
export interface RevisionListItem {
  id: string;
  created_at: Date;
  created_by: string | null;
  title: string;
}

/** An article's revisions, newest first (UUID v7 ids break ties of equal timestamps). */
export function listRevisions(db: Db, siteId: string, articleId: string): Promise<RevisionListItem[]> {
  return db.selectFrom('article_revision').select(['id', 'created_at', 'created_by', 'title'])
    .where('site_id', '=', siteId).where('article_id', '=', articleId)
    .orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
}
