/**
 * Where an article shows: its primary column (which decides its URL, workflow and editors) and
 * placements in other columns of the same site (同时发布到其他栏目), each with 置顶 and an order.
 * Placing needs content.edit in the target column; moving the primary column needs it in both.
 * A repost into another site is a copy (syndication), never a cross-site placement.
 */
import { invalid } from '@zhanqun/core/errors';
import { isUuid } from '@zhanqun/core/id';
import { writeAudit } from '@zhanqun/audit/audit.writer';
import type { ServiceContext } from '@zhanqun/audit/context';
import type { ArticleRow } from '@zhanqun/db/database';
import { inScope, type Db, type Tx } from '@zhanqun/db/scope';
import * as articleRepository from './article.repository.js';
import { ArticleNotFoundError } from './article.errors.js';
import { columnAccess } from './column-access.js';

async function lockArticle(trx: Tx, siteId: string, articleId: string): Promise<ArticleRow> {
  const article = isUuid(articleId) ? await articleRepository.lockById(trx, siteId, articleId) : undefined;
  if (!article) throw new ArticleNotFoundError(articleId, siteId);
  return article;
}

export interface PlacementInput {
  pinned?: boolean;
  sortOrder?: number;
}

/** Show the article in another column too (or change its pinning and order there). */
export async function placeArticle(ctx: ServiceContext, siteId: string, articleId: string, columnId: string, input: PlacementInput = {}): Promise<void> {
  if (!isUuid(columnId)) throw invalid('columnId', 'must be a column of this site');
  const sortOrder = input.sortOrder ?? 0;
  if (!Number.isInteger(sortOrder) || sortOrder < -1_000_000 || sortOrder > 1_000_000) throw invalid('sortOrder', 'must be a whole number');
  await inScope(ctx.db, ctx.scope, async (trx) => {
    const article = await lockArticle(trx, siteId, articleId);
    const { site } = await columnAccess(trx, ctx, siteId, columnId, 'content.edit');
    await columnAccess(trx, ctx, siteId, article.primary_column_id, 'content.edit');
    await trx.insertInto('article_placement').values({ site_id: siteId, article_id: articleId, column_id: columnId, pinned: input.pinned ?? false, sort_order: sortOrder })
      .onConflict((oc) => oc.columns(['site_id', 'column_id', 'article_id']).doUpdateSet({ pinned: input.pinned ?? false, sort_order: sortOrder }))
      .execute();
    await writeAudit(trx, ctx.clock, ctx.actor, {
      platformId: site.platform_id, siteId, action: 'article.place', objectType: 'article', objectId: articleId,
      after: { columnId, pinned: input.pinned ?? false, sortOrder },
    });
  });
}

/** Take the article out of a column that is not its primary one. */
export async function unplaceArticle(ctx: ServiceContext, siteId: string, articleId: string, columnId: string): Promise<void> {
  await inScope(ctx.db, ctx.scope, async (trx) => {
    const article = await lockArticle(trx, siteId, articleId);
    if (article.primary_column_id === columnId) throw invalid('columnId', 'is the article\'s primary column: move the article instead');
    const { site } = await columnAccess(trx, ctx, siteId, columnId, 'content.edit');
    const gone = await trx.deleteFrom('article_placement').where('site_id', '=', siteId).where('article_id', '=', articleId)
      .where('column_id', '=', columnId).executeTakeFirst();
    if (Number(gone.numDeletedRows) === 0) return;
    await writeAudit(trx, ctx.clock, ctx.actor, {
      platformId: site.platform_id, siteId, action: 'article.unplace', objectType: 'article', objectId: articleId, before: { columnId },
    });
  });
}

/**
 * Move an article to another primary column of the same site. Its URL, fixed at first publish,
 * does not change; its pinning moves with it.
 */
export async function moveArticle(ctx: ServiceContext, siteId: string, articleId: string, columnId: string): Promise<ArticleRow> {
  if (!isUuid(columnId)) throw invalid('columnId', 'must be a column of this site');
  return inScope(ctx.db, ctx.scope, async (trx) => {
    const article = await lockArticle(trx, siteId, articleId);
    if (article.primary_column_id === columnId) return article;
    const from = await columnAccess(trx, ctx, siteId, article.primary_column_id, 'content.edit');
    await columnAccess(trx, ctx, siteId, columnId, 'content.edit');
    const old = await trx.deleteFrom('article_placement').where('site_id', '=', siteId).where('article_id', '=', articleId)
      .where('column_id', '=', article.primary_column_id).returning(['pinned', 'sort_order']).executeTakeFirst();
    await trx.insertInto('article_placement').values({ site_id: siteId, article_id: articleId, column_id: columnId, pinned: old?.pinned ?? false, sort_order: old?.sort_order ?? 0 })
      .onConflict((oc) => oc.columns(['site_id', 'column_id', 'article_id']).doNothing()).execute();
    const moved = await articleRepository.update(trx, siteId, articleId, { primary_column_id: columnId, updated_at: ctx.clock.now() });
    await writeAudit(trx, ctx.clock, ctx.actor, {
      platformId: from.site.platform_id, siteId, action: 'article.move', objectType: 'article', objectId: articleId,
      before: { columnId: article.primary_column_id }, after: { columnId },
    });
    return moved;
  });
}

/** The columns an article shows in, primary first. Run it in scope. */
export function placementsOf(db: Db, siteId: string, articleId: string) {
  return db.selectFrom('article_placement as p')
    .innerJoin('site_column as c', (j) => j.onRef('c.site_id', '=', 'p.site_id').onRef('c.id', '=', 'p.column_id'))
    .innerJoin('article as a', (j) => j.onRef('a.site_id', '=', 'p.site_id').onRef('a.id', '=', 'p.article_id'))
    .select(['p.column_id', 'c.name', 'c.path', 'p.pinned', 'p.sort_order', (eb) => eb('a.primary_column_id', '=', eb.ref('p.column_id')).as('primary')])
    .where('p.site_id', '=', siteId).where('p.article_id', '=', articleId)
    .orderBy('primary', 'desc').orderBy('c.path').execute();
}
