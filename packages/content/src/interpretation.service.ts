/**
 * Policy interpretation (政策解读, seed §2.2): an interpretation names the policy document it
 * explains; both public pages show the link, and the console lists policy documents published
 * without any interpretation, so none is forgotten.
 */
import { invalid } from '@zhanqun/core/errors';
import { isUuid } from '@zhanqun/core/id';
import { writeAudit } from '@zhanqun/audit/audit.writer';
import type { ServiceContext } from '@zhanqun/audit/context';
import type { ArticleRow } from '@zhanqun/db/database';
import { inScope, type Db } from '@zhanqun/db/scope';
import * as articleRepository from './article.repository.js';
import { ArticleNotFoundError } from './article.errors.js';
import { columnAccess } from './column-access.js';

/** Link an article (the interpretation) to the policy document it explains, or unlink it with null. */
export async function setInterpretedPolicy(ctx: ServiceContext, siteId: string, articleId: string, policyId: string | null): Promise<ArticleRow> {
  if (policyId !== null && !isUuid(policyId)) throw invalid('policyArticleId', 'must be an article id');
  if (policyId === articleId) throw invalid('policyArticleId', 'must be another article');
  return inScope(ctx.db, ctx.scope, async (trx) => {
    const article = isUuid(articleId) ? await articleRepository.lockById(trx, siteId, articleId) : undefined;
    if (!article) throw new ArticleNotFoundError(articleId, siteId);
    const { site } = await columnAccess(trx, ctx, siteId, article.primary_column_id, 'content.edit');
    if (policyId !== null) {
      const policy = await trx.selectFrom('article as a')
        .innerJoin('site_column as c', (j) => j.onRef('c.site_id', '=', 'a.site_id').onRef('c.id', '=', 'a.primary_column_id'))
        .select(['a.id', 'c.kind', 'a.interprets_article_id']).where('a.site_id', '=', siteId).where('a.id', '=', policyId)
        .where('a.deleted_at', 'is', null).executeTakeFirst();
      if (!policy) throw invalid('policyArticleId', 'is not an article of this site');
      if (policy.kind !== 'policy') throw invalid('policyArticleId', 'must be a document in a policy column (政策文件)');
    }
    const updated = await articleRepository.update(trx, siteId, articleId, { interprets_article_id: policyId, updated_at: ctx.clock.now() });
    await writeAudit(trx, ctx.clock, ctx.actor, {
      platformId: site.platform_id, siteId, action: 'article.interprets', objectType: 'article', objectId: articleId,
      before: { policyArticleId: article.interprets_article_id }, after: { policyArticleId: policyId },
    });
    return updated;
  });
}

export interface LinkedArticle {
  id: string;
  title: string;
  url_path: string | null;
  live: boolean;
}

/** The policy an interpretation explains, and the interpretations of a policy (live ones in public scope). */
export async function interpretationLinks(db: Db, siteId: string, article: { id: string; interprets_article_id: string | null }, liveOnly: boolean) {
  const base = db.selectFrom('article as a')
    .innerJoin('article_revision as r', (j) => j.onRef('r.site_id', '=', 'a.site_id').onRef('r.id', '=', liveOnly ? 'a.live_revision_id' : 'a.latest_revision_id'))
    .select(['a.id', 'r.title', 'a.url_path', 'a.live']).where('a.site_id', '=', siteId).where('a.deleted_at', 'is', null);
  const live = <T extends typeof base>(q: T) => (liveOnly ? q.where('a.live', '=', true) as T : q);
  const [policy, interpretations] = await Promise.all([
    article.interprets_article_id ? live(base.where('a.id', '=', article.interprets_article_id)).executeTakeFirst() : Promise.resolve(undefined),
    live(base.where('a.interprets_article_id', '=', article.id)).orderBy('a.published_at', 'desc').limit(50).execute(),
  ]);
  return { policy: (policy ?? null) as LinkedArticle | null, interpretations: interpretations as LinkedArticle[] };
}

/** Live policy documents (policy columns) with no live interpretation, oldest publication first. Run it in scope. */
export function policiesWithoutInterpretation(db: Db, siteId: string, limit = 200) {
  return db.selectFrom('article as a')
    .innerJoin('site_column as c', (j) => j.onRef('c.site_id', '=', 'a.site_id').onRef('c.id', '=', 'a.primary_column_id'))
    .select(['a.id', 'a.draft_title as title', 'a.url_path', 'a.published_at', 'a.index_number', 'c.name as column_name'])
    .where('a.site_id', '=', siteId).where('c.kind', '=', 'policy').where('a.live', '=', true).where('a.deleted_at', 'is', null)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('article as i').select('i.id')
      .whereRef('i.site_id', '=', 'a.site_id').whereRef('i.interprets_article_id', '=', 'a.id')
      .where('i.live', '=', true).where('i.deleted_at', 'is', null))))
    .orderBy('a.published_at').limit(limit).execute();
}

/** Live policy documents to choose from when linking an interpretation (newest first, by title). */
export function policyChoices(db: Db, siteId: string, q: string | null, limit = 100) {
  let query = db.selectFrom('article as a')
    .innerJoin('site_column as c', (j) => j.onRef('c.site_id', '=', 'a.site_id').onRef('c.id', '=', 'a.primary_column_id'))
    .select(['a.id', 'a.draft_title as title', 'a.index_number']).where('a.site_id', '=', siteId).where('c.kind', '=', 'policy')
    .where('a.deleted_at', 'is', null);
  if (q?.trim()) query = query.where('a.draft_title', 'ilike', `%${q.trim().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`);
  return query.orderBy('a.published_at', 'desc').limit(limit).execute();
}
