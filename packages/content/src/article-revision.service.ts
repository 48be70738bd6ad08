import { invalid } from '@zhanqun/core/errors';
import { isUuid, newId } from '@zhanqun/core/id';
import { writeAudit } from '@zhanqun/audit/audit.writer';
import type { ServiceContext } from '@zhanqun/audit/context';
import type { ArticleRevisionRow, ArticleRow } from '@zhanqun/db/database';
import { inScope, type Db, type Tx } from '@zhanqun/db/scope';
import * as articleRepository from './article.repository.js';
import { ArticleNotFoundError } from './article.errors.js';
import { RevisionNotFoundError, revisionConflict } from './article-revision.errors.js';
import { columnAccess } from './column-access.js';
import { attachmentIdsOf, linkAttachments } from './revision-attachments.js';
import { cancelOpenRun, openRun } from './workflow.service.js';
import { checkCover, revisionContent, validateContent, type ArticleContentInput, type RevisionContent } from './article.service.js';
import { diffRevisions, type DiffPart } from './revision-diff.js';
import { textOf } from './sanitize.js';

export interface SaveRevisionInput extends ArticleContentInput {
  /** The revision the editor started from; the save is refused unless it is still the latest. */
  baseRevisionId: string;
}


/**
 * Save an edit as a new immutable revision. Optimistic concurrency: when someone else saved
 * since `baseRevisionId`, the save is refused with ZQ_CONTENT_REVISION_CONFLICT (409) carrying
 * `latestRevisionId`, so the client, which still holds its edit, can fetch and diff the other one.
 */
export async function saveRevision(ctx: ServiceContext, siteId: string, articleId: string, input: SaveRevisionInput): Promise<ArticleRevisionRow> {
  validateContent(input);
  if (!isUuid(input.baseRevisionId)) throw invalid('baseRevisionId', 'must be a revision id');
  // Outside the transaction: a long Word paste takes a while to clean and should not hold locks.
  const content = revisionContent(input);
  const attachmentIds = input.attachmentIds ?? [];
  return inScope(ctx.db, ctx.scope, (trx) => appendRevision(trx, ctx, siteId, articleId, input.baseRevisionId, content, attachmentIds, 'article.revision.save'));
}

/** Restore an old revision: a new revision with its content, under the same conflict rule as a save. */
export async function restoreRevision(ctx: ServiceContext, siteId: string, articleId: string, revisionId: string, baseRevisionId: string): Promise<ArticleRevisionRow> {
  if (!isUuid(baseRevisionId)) throw invalid('baseRevisionId', 'must be a revision id');
  return inScope(ctx.db, ctx.scope, async (trx) => {
    const old = isUuid(revisionId) ? await articleRepository.findRevision(trx, siteId, revisionId) : undefined;
    if (!old || old.article_id !== articleId) throw new RevisionNotFoundError(revisionId, siteId);
    const { id: _id, site_id: _site, article_id: _article, created_by: _by, created_at: _at, ...content } = old;
    const attachmentIds = await attachmentIdsOf(trx, siteId, revisionId);
    return appendRevision(trx, ctx, siteId, articleId, baseRevisionId, content, attachmentIds, 'article.revision.restore', revisionId);
  });
}

/** Append a revision inside the caller's transaction (saves, restores, importers' updates). */
export async function appendRevision(
  trx: Tx,
  ctx: ServiceContext,
  siteId: string,
  articleId: string,
  baseRevisionId: string,
  content: RevisionContent,
  attachmentIds: readonly string[],
  action: 'article.revision.save' | 'article.revision.restore' | 'article.revision.import',
  restoredFrom?: string,
): Promise<ArticleRevisionRow> {
  const article: ArticleRow | undefined = isUuid(articleId) ? await articleRepository.lockById(trx, siteId, articleId) : undefined;
  if (!article) throw new ArticleNotFoundError(articleId, siteId);
  const { site } = await columnAccess(trx, ctx, siteId, article.primary_column_id, 'content.edit');
  if (article.latest_revision_id !== baseRevisionId) throw revisionConflict(articleId, baseRevisionId, article.latest_revision_id);
  // A revision in review is what reviewers approve: a newer save ends that review (resubmit it).
  const run = await openRun(trx, siteId, articleId);
  if (run) await cancelOpenRun(trx, ctx, site.platform_id, run, 'superseded');
  await checkCover(trx, siteId, content.cover_attachment_id ?? null);
  const now = ctx.clock.now();
  const revision = await articleRepository.insertRevision(trx, {
    ...content, id: newId(), site_id: siteId, article_id: articleId, created_by: ctx.actor.userId, created_at: now,
  });
  await linkAttachments(trx, siteId, revision.id, attachmentIds);
  await articleRepository.update(trx, siteId, articleId, {
    latest_revision_id: revision.id, draft_title: revision.title, has_unpublished_changes: true, updated_at: now,
  });
  await writeAudit(trx, ctx.clock, ctx.actor, {
    platformId: site.platform_id, siteId, action, objectType: 'article', objectId: articleId,
    before: { revisionId: baseRevisionId },
    after: { revisionId: revision.id, title: revision.title, ...(restoredFrom ? { restoredFrom } : {}) },
  });
  return revision;
}

/** An article's revisions (id, created_at, created_by, title), newest first. Run it in scope. */
export function listRevisions(db: Db, siteId: string, articleId: string): Promise<articleRepository.RevisionListItem[]> {
  return articleRepository.listRevisions(db, siteId, articleId);
}

export interface ArticleRevisionDiff {
  fromId: string;
  toId: string;
  title: DiffPart[];
  /** Over the plain text of the bodies (textOf), word-segmented for Chinese. */
  body: DiffPart[];
}

/** The difference between two revisions of one article: title and body text. Run it in scope. */
export async function diffArticleRevisions(db: Db, siteId: string, fromId: string, toId: string): Promise<ArticleRevisionDiff> {
  const from = isUuid(fromId) ? await articleRepository.findRevision(db, siteId, fromId) : undefined;
  if (!from) throw new RevisionNotFoundError(fromId, siteId);
  const to = isUuid(toId) ? await articleRepository.findRevision(db, siteId, toId) : undefined;
  if (!to) throw new RevisionNotFoundError(toId, siteId);
  if (from.article_id !== to.article_id) throw invalid('toId', 'must be a revision of the same article');
  return {
    fromId, toId,
    title: diffRevisions(from.title, to.title),
    body: diffRevisions(textOf(from.body_html), textOf(to.body_html)),
  };
}
