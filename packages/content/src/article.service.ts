import { invalid } from '@zhanqun/core/errors';
import { isUuid, newId } from '@zhanqun/core/id';
import { formatZoned } from '@zhanqun/core/time';
import { writeAudit } from '@zhanqun/audit/audit.writer';
import type { ServiceContext } from '@zhanqun/audit/context';
import type { ArticleRow, NewArticleRevisionRow, Validity } from '@zhanqun/db/database';
import { inScope, type Tx } from '@zhanqun/db/scope';
import * as columnRepository from '@zhanqun/tenancy/column.repository';
import * as siteRepository from '@zhanqun/tenancy/site.repository';
import { SiteNotFoundError } from '@zhanqun/tenancy/tenancy.errors';
import * as articleRepository from './article.repository.js';
import { ArticleNotFoundError, ColumnNotFoundError } from './article.errors.js';
import { sanitizeBodyHtml } from './sanitize.js';
import { columnAccess } from './column-access.js';
import { linkAttachments, validateAttachmentIds } from './revision-attachments.js';

export interface ArticleContentInput {
  title: string;
  subtitle?: string | null;
  summary?: string | null;
  /** Body HTML; sanitised against the allow-list (sanitize.ts) on save, whoever the caller is. */
  bodyHtml: string;
  source?: string | null;
  author?: string | null;
  documentNumber?: string | null;
  issuingOrgan?: string | null;
  /** 成文日期 as `yyyy-MM-dd`. */
  dateWritten?: string | null;
  topicCategory?: string | null;
  validity?: Validity | null;
  keywords?: string | null;
  /** Files carried by the revision (attachment ids of the same site), in display order. */
  attachmentIds?: readonly string[];
  /** 标签: short labels, at most 20. */
  tags?: readonly string[];
  /** An external-link article (外链稿件): lists link straight to this http(s) address. */
  externalUrl?: string | null;
  /** 封面图: an image attachment of the same site. */
  coverAttachmentId?: string | null;
}

export interface CreateDraftInput extends ArticleContentInput {
  columnId: string;
}

const VALIDITIES: readonly Validity[] = ['valid', 'amended', 'repealed'];

export function validateContent(input: ArticleContentInput): void {
  if (!input.title.trim()) throw invalid('title', 'must not be empty');
  if (input.title.length > 200) throw invalid('title', 'must be at most 200 characters');
  if (input.dateWritten != null && !/^\d{4}-\d{2}-\d{2}$/.test(input.dateWritten)) throw invalid('dateWritten', 'must be a date as yyyy-MM-dd');
  if (input.validity != null && !VALIDITIES.includes(input.validity)) throw invalid('validity', `must be one of ${VALIDITIES.join(', ')}`);
  validateAttachmentIds(input.attachmentIds);
  if (input.externalUrl != null && input.externalUrl !== '') {
    let url: URL | null = null;
    try { url = new URL(input.externalUrl); } catch { /* refused below */ }
    if (!url || !/^https?:$/.test(url.protocol) || input.externalUrl.length > 2000) throw invalid('externalUrl', 'must be an http(s) address');
  }
  if (input.coverAttachmentId != null && input.coverAttachmentId !== '' && !isUuid(input.coverAttachmentId)) throw invalid('coverAttachmentId', 'must be an attachment id');
  const tags = input.tags ?? [];
  if (tags.length > 20) throw invalid('tags', 'must list at most 20 tags');
  tags.forEach((tag, i) => { if (!tag.trim() || tag.trim().length > 40) throw invalid(`tags[${i}]`, 'must be 1 to 40 characters'); });
}

/** The content columns of a new revision, from checked input; the body is sanitised here. */
export type RevisionContent = Omit<NewArticleRevisionRow, 'id' | 'site_id' | 'article_id' | 'created_by' | 'created_at'>;

export function revisionContent(input: ArticleContentInput): RevisionContent {
  return {
    title: input.title.trim(), subtitle: input.subtitle ?? null, summary: input.summary ?? null,
    body_html: sanitizeBodyHtml(input.bodyHtml), source: input.source ?? null, author: input.author ?? null,
    external_url: input.externalUrl || null, document_number: input.documentNumber ?? null, issuing_organ: input.issuingOrgan ?? null,
    date_written: input.dateWritten ?? null, topic_category: input.topicCategory ?? null, validity: input.validity ?? null,
    keywords: input.keywords ?? null, tags: [...new Set((input.tags ?? []).map((t) => t.trim()))],
    cover_attachment_id: input.coverAttachmentId || null,
  };
}

/** Create an article with its first revision, placed in its primary column. */
export async function createDraft(ctx: ServiceContext, siteId: string, input: CreateDraftInput): Promise<ArticleRow> {
  validateContent(input);
  // Outside the transaction: a long Word paste takes a while to clean and should not hold locks.
  const content = revisionContent(input);
  return inScope(ctx.db, ctx.scope, (trx) => insertDraft(trx, ctx, siteId, input, content));
}

/**
 * createDraft inside the caller's transaction, from checked input and its sanitised content
 * (validateContent, revisionContent): for importers that write an article and its ID map at once.
 */
export async function insertDraft(trx: Tx, ctx: ServiceContext, siteId: string, input: CreateDraftInput, content: RevisionContent): Promise<ArticleRow> {
  if (!isUuid(input.columnId)) throw new ColumnNotFoundError(input.columnId, siteId);
  const { site, column } = await columnAccess(trx, ctx, siteId, input.columnId, 'content.edit');
  const id = newId();
  const revisionId = newId();
  const now = ctx.clock.now();
  const userId = ctx.actor.userId;
  await articleRepository.insert(trx, {
    id, site_id: siteId, primary_column_id: column.id, live_revision_id: null, latest_revision_id: null,
    draft_title: input.title.trim(), url_path: null, serial_no: null, index_number: null, first_published_at: null,
    last_published_at: null, published_at: null, created_by: userId, created_at: now, updated_at: now, deleted_at: null,
  });
  await checkCover(trx, siteId, content.cover_attachment_id ?? null);
  await articleRepository.insertRevision(trx, { ...content, id: revisionId, site_id: siteId, article_id: id, created_by: userId, created_at: now });
  await linkAttachments(trx, siteId, revisionId, input.attachmentIds ?? []);
  const article = await articleRepository.update(trx, siteId, id, { latest_revision_id: revisionId });
  await trx.insertInto('article_placement').values({ site_id: siteId, article_id: id, column_id: column.id }).execute();
  await writeAudit(trx, ctx.clock, ctx.actor, {
    platformId: site.platform_id, siteId, action: 'article.create', objectType: 'article', objectId: id,
    after: { title: article.draft_title, columnId: column.id, revisionId },
  });
  return article;
}

/** A cover must be an image attachment of the site (read in scope: another tenant's is not found). */
export async function checkCover(trx: Tx, siteId: string, coverId: string | null): Promise<void> {
  if (!coverId) return;
  const file = await trx.selectFrom('attachment').select('media_type').where('site_id', '=', siteId).where('id', '=', coverId).executeTakeFirst();
  if (!file) throw invalid('coverAttachmentId', 'is not an attachment of this site');
  if (!file.media_type.startsWith('image/')) throw invalid('coverAttachmentId', 'must be an image');
}

export interface PublishOptions {
  /** The publish time readers see (PubDate); defaults to now. Imports and the seed keep older times. */
  publishedAt?: Date;
}

/**
 * Make the latest revision live without a workflow run: the demo seed and importers, whose
 * content was reviewed elsewhere. Editors publish through publishing.service.ts.
 */
export async function publishRevision(ctx: ServiceContext, siteId: string, articleId: string, opts: PublishOptions = {}): Promise<ArticleRow> {
  return inScope(ctx.db, ctx.scope, (trx) => publishLatest(trx, ctx, siteId, articleId, opts));
}

/** publishRevision inside the caller's transaction. */
export async function publishLatest(trx: Tx, ctx: ServiceContext, siteId: string, articleId: string, opts: PublishOptions = {}): Promise<ArticleRow> {
  const site = await siteRepository.findById(trx, siteId);
  if (!site) throw new SiteNotFoundError(siteId);
  const article = await articleRepository.lockById(trx, siteId, articleId);
  if (!article?.latest_revision_id) throw new ArticleNotFoundError(articleId, siteId);
  const live = await makeLive(trx, ctx, site, article, article.latest_revision_id, opts);
  await writeAudit(trx, ctx.clock, ctx.actor, {
    platformId: site.platform_id, siteId, action: 'article.publish', objectType: 'article', objectId: articleId,
    after: { revisionId: article.latest_revision_id, url: live.url_path, indexNumber: live.index_number },
  });
  return live;
}

/**
 * Point the article at a live revision. At first publish the article gets its per-site serial,
 * its index number (索引号, immutable afterwards) and its URL, stored once and never recomputed;
 * a withdrawn article's URL answers again. Runs inside the caller's transaction, article locked.
 */
export async function makeLive(
  trx: Tx,
  ctx: Pick<ServiceContext, 'clock'>,
  site: { id: string; code: string; site_id_code: string | null },
  article: ArticleRow,
  revisionId: string,
  opts: PublishOptions = {},
): Promise<ArticleRow> {
  const now = ctx.clock.now();
  const publishedAt = opts.publishedAt ?? article.published_at ?? now;
  const first = article.url_path === null ? await firstPublication(trx, site, article, publishedAt) : {};
  if (article.url_path !== null) {
    await trx.updateTable('url_path').set({ kind: 'live' })
      .where('site_id', '=', site.id).where('path', '=', article.url_path).where('article_id', '=', article.id).execute();
  }
  return articleRepository.update(trx, site.id, article.id, {
    ...first,
    live: true,
    has_unpublished_changes: revisionId !== article.latest_revision_id,
    live_revision_id: revisionId,
    first_published_at: article.first_published_at ?? now,
    last_published_at: now,
    published_at: publishedAt,
    withdrawn_at: null,
    updated_at: now,
  });
}

/** 索引号 rule `<unit code>/<year>-<serial>`; the configurable rule arrives with the content issue. */
export function indexNumberOf(site: { code: string; site_id_code: string | null }, year: string, yearly: number): string {
  return `${site.site_id_code ?? site.code.toUpperCase()}/${year}-${String(yearly).padStart(5, '0')}`;
}

/** An article's URL, drawn once at first publish: `<column path>yyyyMM/tyyyyMMdd_<serial>.html`. */
export function articleUrlPath(columnPath: string, publishedAt: Date, serial: number): string {
  return `${columnPath}${formatZoned(publishedAt, 'yyyyMM')}/t${formatZoned(publishedAt, 'yyyyMMdd')}_${serial}.html`;
}

async function firstPublication(
  trx: Tx,
  site: { id: string; code: string; site_id_code: string | null },
  article: ArticleRow,
  publishedAt: Date,
): Promise<{ serial_no: number; index_number: string; url_path: string }> {
  const column = await columnRepository.findById(trx, site.id, article.primary_column_id);
  if (!column) throw new ColumnNotFoundError(article.primary_column_id, site.id);
  const serial = await articleRepository.nextCounter(trx, site.id, 'article_serial');
  const year = formatZoned(publishedAt, 'yyyy');
  const yearly = await articleRepository.nextCounter(trx, site.id, `index_number:${year}`);
  const indexNumber = indexNumberOf(site, year, yearly);
  const urlPath = articleUrlPath(column.path, publishedAt, serial);
  await trx.insertInto('url_path').values({
    id: newId(), site_id: site.id, path: urlPath, kind: 'live', article_id: article.id, column_id: null, target: null, last_hit_at: null,
  }).execute();
  return { serial_no: serial, index_number: indexNumber, url_path: urlPath };
}
