/**
 * Many new articles at once, for importers (issue 7, Speed: a legacy mirror of 10,000 pages at
 * 200 pages/s). Per item it writes exactly the rows createDraft + publishRevision write — the
 * article pointing at its first revision (live and latest when published), the revision, its
 * attachments, the primary-column placement, the live url_path, the site's serial and 索引号
 * counters, and the `article.create` / `article.publish` audit entries in the same order — with the
 * same checks (columnAccess per column, covers and attachments of the site), but as a few
 * multi-row statements in the caller's transaction instead of some twenty round trips an item.
 *
 * Two steps, so an importer can use the new URLs before the rows go in (links between items of
 * one batch): planArticles checks and draws counters and URLs; insertArticles writes.
 */
import { invalid } from '@zhanqun/core/errors';
import { isUuid, newId } from '@zhanqun/core/id';
import { formatZoned } from '@zhanqun/core/time';
import { writeAuditBatch, type AuditEvent } from '@zhanqun/audit/audit.writer';
import type { ServiceContext } from '@zhanqun/audit/context';
import type { NewArticleRevisionRow, NewArticleRow, SiteRow } from '@zhanqun/db/database';
import type { Tx } from '@zhanqun/db/scope';
import { chunks } from '@zhanqun/tenancy/csv-import';
import { sql } from 'kysely';
import { ColumnNotFoundError } from './article.errors.js';
import { articleUrlPath, indexNumberOf, type CreateDraftInput, type RevisionContent } from './article.service.js';
import { columnAccess } from './column-access.js';

export interface BatchArticle {
  /** Checked with validateContent. */
  input: CreateDraftInput;
  /** From revisionContent (sanitised); an importer may still change the body before insertArticles. */
  content: RevisionContent;
  /** Published at this time (PubDate), or null: left a draft. */
  publishedAt: Date | null;
}

export interface PlannedArticle {
  id: string;
  revisionId: string;
  columnId: string;
  /** Set when published. */
  urlPath: string | null;
  serialNo: number | null;
  indexNumber: string | null;
}

export interface ArticlePlan {
  site: SiteRow;
  articles: PlannedArticle[];
}

/** Rows per INSERT: a revision binds about 20 parameters, Postgres takes at most 65,535. */
const ROWS_PER_INSERT = 500;

/**
 * Check the items (content.edit on every column, covers and attachments of this site) and draw
 * each published item's serial, 索引号 and URL, in item order, as firstPublication would one by one.
 */
export async function planArticles(trx: Tx, ctx: ServiceContext, siteId: string, items: readonly BatchArticle[]): Promise<ArticlePlan> {
  if (items.length === 0) throw invalid('items', 'must not be empty');
  const columns = new Map<string, Awaited<ReturnType<typeof columnAccess>>>();
  for (const { input } of items) {
    if (!isUuid(input.columnId)) throw new ColumnNotFoundError(input.columnId, siteId);
    if (!columns.has(input.columnId)) columns.set(input.columnId, await columnAccess(trx, ctx, siteId, input.columnId, 'content.edit'));
  }
  const site = columns.values().next().value!.site;
  await checkFiles(trx, siteId, items);

  const published = items.filter((i) => i.publishedAt);
  const firstSerial = published.length ? await drawCounters(trx, siteId, 'article_serial', published.length) : 0;
  const years = new Map<string, number>();
  for (const item of published) {
    const year = formatZoned(item.publishedAt!, 'yyyy');
    years.set(year, (years.get(year) ?? 0) + 1);
  }
  const nextIndex = new Map<string, number>();
  for (const [year, n] of years) nextIndex.set(year, await drawCounters(trx, siteId, `index_number:${year}`, n));

  let serial = firstSerial;
  const articles = items.map(({ input, publishedAt }): PlannedArticle => {
    const planned: PlannedArticle = { id: newId(), revisionId: newId(), columnId: input.columnId, urlPath: null, serialNo: null, indexNumber: null };
    if (!publishedAt) return planned;
    const column = columns.get(input.columnId)!.column;
    const year = formatZoned(publishedAt, 'yyyy');
    const yearly = nextIndex.get(year)!;
    nextIndex.set(year, yearly + 1);
    planned.serialNo = serial++;
    planned.indexNumber = indexNumberOf(site, year, yearly);
    planned.urlPath = articleUrlPath(column.path, publishedAt, planned.serialNo);
    return planned;
  });
  return { site, articles };
}

/** Write the planned articles (the items as planned, bodies as they are now). */
export async function insertArticles(trx: Tx, ctx: ServiceContext, plan: ArticlePlan, items: readonly BatchArticle[]): Promise<void> {
  const siteId = plan.site.id;
  const now = ctx.clock.now();
  const userId = ctx.actor.userId;
  const rows = items.map((item, i) => ({ item, planned: plan.articles[i]! }));
  const articleRows: NewArticleRow[] = rows.map(({ item, planned }) => {
    const live = item.publishedAt !== null;
    return {
      id: planned.id, site_id: siteId, primary_column_id: planned.columnId, live, has_unpublished_changes: !live,
      live_revision_id: live ? planned.revisionId : null, latest_revision_id: planned.revisionId, draft_title: item.input.title.trim(),
      url_path: planned.urlPath, serial_no: planned.serialNo, index_number: planned.indexNumber,
      first_published_at: live ? now : null, last_published_at: live ? now : null, published_at: item.publishedAt,
      created_by: userId, created_at: now, updated_at: now, deleted_at: null,
    };
  });
  // The revision foreign keys are deferred (checked at commit), so the article may name its revision first.
  for (const part of chunks(articleRows, ROWS_PER_INSERT)) await trx.insertInto('article').values(part).execute();
  const revisionRows: NewArticleRevisionRow[] = rows.map(({ item, planned }) => ({
    ...item.content, id: planned.revisionId, site_id: siteId, article_id: planned.id, created_by: userId, created_at: now,
  }));
  for (const part of chunks(revisionRows, ROWS_PER_INSERT)) await trx.insertInto('article_revision').values(part).execute();
  const files = rows.flatMap(({ item, planned }) => (item.input.attachmentIds ?? []).map((id, position) => ({ site_id: siteId, revision_id: planned.revisionId, attachment_id: id, position })));
  for (const part of chunks(files, ROWS_PER_INSERT)) await trx.insertInto('revision_attachment').values(part).execute();
  // After the articles: the placement trigger reads whether its article is listed.
  const placements = rows.map(({ planned }) => ({ site_id: siteId, article_id: planned.id, column_id: planned.columnId }));
  for (const part of chunks(placements, ROWS_PER_INSERT)) await trx.insertInto('article_placement').values(part).execute();
  const urls = rows.filter(({ planned }) => planned.urlPath).map(({ planned }) => ({
    id: newId(), site_id: siteId, path: planned.urlPath!, kind: 'live' as const, article_id: planned.id, column_id: null, target: null, last_hit_at: null,
  }));
  for (const part of chunks(urls, ROWS_PER_INSERT)) await trx.insertInto('url_path').values(part).execute();
  const events: AuditEvent[] = rows.flatMap(({ item, planned }) => {
    const base = { platformId: plan.site.platform_id, siteId, objectType: 'article', objectId: planned.id };
    const created: AuditEvent = { ...base, action: 'article.create', after: { title: item.input.title.trim(), columnId: planned.columnId, revisionId: planned.revisionId } };
    return item.publishedAt
      ? [created, { ...base, action: 'article.publish', after: { revisionId: planned.revisionId, url: planned.urlPath, indexNumber: planned.indexNumber } }]
      : [created];
  });
  await writeAuditBatch(trx, ctx.clock, ctx.actor, events);
}

/** Reserve `n` values of a per-site counter at once; returns the first. The row stays locked until commit. */
async function drawCounters(trx: Tx, siteId: string, name: string, n: number): Promise<number> {
  const row = await trx.insertInto('site_counter').values({ site_id: siteId, name, value: n })
    .onConflict((oc) => oc.columns(['site_id', 'name']).doUpdateSet({ value: sql`site_counter.value + ${n}` }))
    .returning('value').executeTakeFirstOrThrow();
  return Number(row.value) - n + 1;
}

/** Covers and attachments must be files of this site (read in scope: another tenant's are not found); a cover an image. */
async function checkFiles(trx: Tx, siteId: string, items: readonly BatchArticle[]): Promise<void> {
  const ids = new Set<string>();
  for (const { input, content } of items) {
    for (const id of input.attachmentIds ?? []) ids.add(id);
    if (content.cover_attachment_id) ids.add(content.cover_attachment_id);
  }
  if (ids.size === 0) return;
  const found = new Map((await trx.selectFrom('attachment').select(['id', 'media_type']).where('site_id', '=', siteId).where('id', 'in', [...ids]).execute())
    .map((r) => [r.id, r.media_type]));
  items.forEach(({ input, content }, item) => {
    (input.attachmentIds ?? []).forEach((id, i) => { if (!found.has(id)) throw invalid(`items[${item}].attachmentIds[${i}]`, 'is not an attachment of this site'); });
    const cover = content.cover_attachment_id;
    if (cover && !found.has(cover)) throw invalid(`items[${item}].coverAttachmentId`, 'is not an attachment of this site');
    if (cover && !found.get(cover)!.startsWith('image/')) throw invalid(`items[${item}].coverAttachmentId`, 'must be an image');
  });
}
