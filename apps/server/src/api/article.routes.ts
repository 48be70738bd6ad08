import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import { listArticles } from '@zhanqun/content/article-list.repository';
import * as articleRepository from '@zhanqun/content/article.repository';
import { ArticleNotFoundError } from '@zhanqun/content/article.errors';
import { diffArticleRevisions, listRevisions, restoreRevision, saveRevision } from '@zhanqun/content/article-revision.service';
import { RevisionNotFoundError } from '@zhanqun/content/article-revision.errors';
import {
  ApproveSchema, ArticleDetailSchema, ArticleListQuerySchema, ArticleListSchema, ArticleParamsSchema, ArticleSchema, CreateArticleSchema,
  DiffQuerySchema, DiffSchema, PublishResultSchema, PublishSchema, RequestChangesSchema, RestoreRevisionSchema, RevisionListSchema,
  RevisionParamsSchema, RevisionSchema, RunParamsSchema, RunSchema, SaveRevisionSchema, TaskListSchema, toArticle, toListItem,
  ChecksSchema, CreateTranslationSchema, MoveArticleSchema, PlacementListSchema, PlacementParamsSchema, PlacementSchema, InterpretsSchema, TranslationLagSchema, toAttachment, toPublication, toRevision, toRun, UninterpretedSchema, WaiverParamsSchema, WaiverSchema, WithdrawSchema,
} from '@zhanqun/content/article.schema';
import { createDraft, type ArticleContentInput } from '@zhanqun/content/article.service';
import {
  cancelSchedule, publicationHistory, publishApproved, purgeArticle, restoreArticle, trashArticle, withdrawArticle,
} from '@zhanqun/content/publishing.service';
import {
  approveTask, cancelRun, findRun, requestChanges, reviewQueue, runsOf, submitForReview, restoreSecrecyReview, waiveSecrecyReview,
} from '@zhanqun/content/workflow.service';
import { WorkflowRunNotFoundError } from '@zhanqun/content/workflow.errors';
import { attachmentsOf } from '@zhanqun/content/revision-attachments';
import { checksFor } from '@zhanqun/content/revision-checks';
import { moveArticle, placeArticle, placementsOf, unplaceArticle } from '@zhanqun/content/placement.service';
import { createTranslation, translationLag } from '@zhanqun/content/translation.service';
import { policiesWithoutInterpretation, setInterpretedPolicy } from '@zhanqun/content/interpretation.service';
import { SiteParamsSchema } from '@zhanqun/tenancy/site.schema';
import { readScoped, serviceContext } from './api-context.js';
import { errors, NoContent } from './api.schema.js';

const tags = ['articles'];
const read = { permission: 'content.read' } as const;
const edit = { permission: 'content.edit' } as const;
const publish = { permission: 'content.publish' } as const;

type Content = Omit<ArticleContentInput, 'bodyHtml' | 'title'> & { title: string; bodyHtml: string };

/** The body's content fields, as the services take them. */
function content(body: Content): ArticleContentInput {
  const {
    title, subtitle, summary, bodyHtml, source, author, documentNumber, issuingOrgan, dateWritten, topicCategory, validity, keywords,
    attachmentIds, tags, externalUrl, coverAttachmentId,
  } = body;
  return {
    title, subtitle, summary, bodyHtml, source, author, documentNumber, issuingOrgan, dateWritten, topicCategory, validity, keywords,
    ...(attachmentIds ? { attachmentIds } : {}), ...(tags ? { tags } : {}), externalUrl: externalUrl ?? null, coverAttachmentId: coverAttachmentId ?? null,
  };
}

async function detail(request: FastifyRequest, siteId: string, articleId: string) {
  const found = await readScoped(request, async (trx) => {
    const article = await articleRepository.findById(trx, siteId, articleId);
    if (!article?.latest_revision_id) return undefined;
    const [latest, runs, publications, attachments] = await Promise.all([
      articleRepository.findRevision(trx, siteId, article.latest_revision_id),
      runsOf(trx, siteId, articleId),
      publicationHistory(trx, siteId, articleId),
      attachmentsOf(trx, siteId, article.latest_revision_id),
    ]);
    return latest ? { article, latest, runs, publications, attachments } : undefined;
  });
  if (!found) throw new ArticleNotFoundError(articleId, siteId);
  return {
    article: toArticle(found.article), latestRevision: toRevision(found.latest), attachments: found.attachments.map(toAttachment),
    runs: found.runs.map(toRun), publications: found.publications.map(toPublication),
  };
}

/** Articles (稿件), their revisions, and the review workflow from draft to the public site. */
const articleRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get('/sites/:id/articles', {
    config: read,
    schema: { tags, summary: 'A site\'s articles, newest change first, by column, state, author, date and title text', params: SiteParamsSchema, querystring: ArticleListQuerySchema, response: { 200: ArticleListSchema, ...errors() } },
  }, async (request) => {
    const q = request.query;
    const { rows, total } = await readScoped(request, (trx) => listArticles(trx, request.params.id, {
      ...(q.columnId ? { columnId: q.columnId } : {}), ...(q.state ? { state: q.state } : {}), ...(q.authorId ? { authorId: q.authorId } : {}),
      ...(q.q ? { q: q.q } : {}), ...(q.from ? { from: new Date(q.from) } : {}), ...(q.to ? { to: new Date(q.to) } : {}),
      limit: q.limit ?? 50, offset: q.offset ?? 0,
    }));
    return { articles: rows.map(toListItem), total };
  });

  fastify.post('/sites/:id/articles', {
    config: edit,
    schema: { tags, summary: 'Write a new article (a draft with its first revision) in a column', params: SiteParamsSchema, body: CreateArticleSchema, response: { 201: ArticleSchema, ...errors(415) } },
  }, async (request, reply) => {
    const row = await createDraft(await serviceContext(request), request.params.id, { columnId: request.body.columnId, ...content(request.body) });
    return reply.code(201).send(toArticle(row));
  });

  fastify.get('/sites/:id/articles/:articleId', {
    config: read,
    schema: { tags, summary: 'An article with its latest revision, its review runs and its publication record', params: ArticleParamsSchema, response: { 200: ArticleDetailSchema, ...errors() } },
  }, async (request) => detail(request, request.params.id, request.params.articleId));

  fastify.put('/sites/:id/articles/:articleId', {
    config: edit,
    schema: {
      tags, summary: 'Save an edit as a new revision; 409 ZQ_CONTENT_REVISION_CONFLICT (with details.latestRevisionId) if someone saved since baseRevisionId',
      params: ArticleParamsSchema, body: SaveRevisionSchema, response: { 200: RevisionSchema, ...errors(409, 415) },
    },
  }, async (request) => toRevision(await saveRevision(await serviceContext(request), request.params.id, request.params.articleId, {
    baseRevisionId: request.body.baseRevisionId, ...content(request.body),
  })));

  fastify.get('/sites/:id/articles/:articleId/checks', {
    config: read,
    schema: { tags, summary: 'Pre-publish checks of the latest revision: blocking findings (serious errors, missing metadata) and warnings (alt text, dead internal links)', params: ArticleParamsSchema, response: { 200: ChecksSchema, ...errors() } },
  }, async (request) => {
    const { id, articleId } = request.params;
    const report = await readScoped(request, async (trx) => {
      const article = await articleRepository.findById(trx, id, articleId);
      const site = await trx.selectFrom('site').select(['id', 'platform_id']).where('id', '=', id).executeTakeFirst();
      const column = article && await trx.selectFrom('site_column').select(['kind', 'path']).where('site_id', '=', id).where('id', '=', article.primary_column_id).executeTakeFirst();
      const revision = article?.latest_revision_id ? await articleRepository.findRevision(trx, id, article.latest_revision_id) : undefined;
      return article && site && column && revision ? checksFor(trx, site, column, article, revision) : undefined;
    });
    if (!report) throw new ArticleNotFoundError(articleId, id);
    return report;
  });

  fastify.get('/sites/:id/articles/:articleId/revisions', {
    config: read,
    schema: { tags, summary: 'An article\'s revisions, newest first', params: ArticleParamsSchema, response: { 200: RevisionListSchema, ...errors() } },
  }, async (request) => {
    const rows = await readScoped(request, async (trx) => (await articleRepository.findById(trx, request.params.id, request.params.articleId))
      ? listRevisions(trx, request.params.id, request.params.articleId) : undefined);
    if (!rows) throw new ArticleNotFoundError(request.params.articleId, request.params.id);
    return { revisions: rows.map((r) => ({ id: r.id, title: r.title, createdBy: r.created_by, createdAt: new Date(r.created_at).toISOString() })) };
  });

  fastify.get('/sites/:id/articles/:articleId/revisions/:revisionId', {
    config: read,
    schema: { tags, summary: 'One revision, whole', params: RevisionParamsSchema, response: { 200: RevisionSchema, ...errors() } },
  }, async (request) => {
    const { id, articleId, revisionId } = request.params;
    const row = await readScoped(request, (trx) => articleRepository.findRevision(trx, id, revisionId));
    if (!row || row.article_id !== articleId) throw new RevisionNotFoundError(revisionId, id);
    return toRevision(row);
  });

  fastify.get('/sites/:id/articles/:articleId/diff', {
    config: read,
    schema: { tags, summary: 'The difference between two revisions: title and body text, segmented into Chinese words', params: ArticleParamsSchema, querystring: DiffQuerySchema, response: { 200: DiffSchema, ...errors() } },
  }, async (request) => readScoped(request, (trx) => diffArticleRevisions(trx, request.params.id, request.query.from, request.query.to)));

  fastify.post('/sites/:id/articles/:articleId/revisions/:revisionId/restore', {
    config: edit,
    schema: { tags, summary: 'Restore an old revision as a new one (same conflict rule as a save)', params: RevisionParamsSchema, body: RestoreRevisionSchema, response: { 200: RevisionSchema, ...errors(409, 415) } },
  }, async (request) => toRevision(await restoreRevision(await serviceContext(request), request.params.id, request.params.articleId,
    request.params.revisionId, request.body.baseRevisionId)));

  fastify.post('/sites/:id/articles/:articleId/submit', {
    config: edit,
    schema: { tags, summary: 'Submit the latest revision for review (and secrecy review unless waived for the column\'s kind)', params: ArticleParamsSchema, response: { 201: RunSchema, ...errors(409) } },
  }, async (request, reply) => reply.code(201).send(toRun(await submitForReview(await serviceContext(request), request.params.id, request.params.articleId))));

  fastify.get('/sites/:id/workflow-runs/:runId', {
    config: read,
    schema: { tags, summary: 'A review run with its tasks', params: RunParamsSchema, response: { 200: RunSchema, ...errors() } },
  }, async (request) => {
    const run = await readScoped(request, (trx) => findRun(trx, request.params.id, request.params.runId));
    if (!run) throw new WorkflowRunNotFoundError(request.params.runId, request.params.id);
    return toRun(run);
  });

  // The step decides the permission (review or secrecy review): the service checks it on the column.
  fastify.post('/sites/:id/workflow-runs/:runId/approve', {
    config: read,
    schema: { tags, summary: 'Approve the run\'s current task (never one\'s own revision, never two steps of one run)', params: RunParamsSchema, body: ApproveSchema, response: { 200: RunSchema, ...errors(409, 415) } },
  }, async (request) => toRun(await approveTask(await serviceContext(request), request.params.id, request.params.runId, request.body ?? {})));

  fastify.post('/sites/:id/workflow-runs/:runId/request-changes', {
    config: read,
    schema: { tags, summary: 'Send the revision back to its editor with the reason', params: RunParamsSchema, body: RequestChangesSchema, response: { 200: RunSchema, ...errors(409, 415) } },
  }, async (request) => toRun(await requestChanges(await serviceContext(request), request.params.id, request.params.runId, request.body)));

  fastify.post('/sites/:id/workflow-runs/:runId/cancel', {
    config: edit,
    schema: { tags, summary: 'Take a revision out of review', params: RunParamsSchema, response: { 204: NoContent, ...errors(409) } },
  }, async (request, reply) => {
    await cancelRun(await serviceContext(request), request.params.id, request.params.runId);
    return reply.code(204).send(null);
  });

  fastify.post('/sites/:id/articles/:articleId/publish', {
    config: publish,
    schema: { tags, summary: 'Publish the approved revision now, or schedule it to the minute', params: ArticleParamsSchema, body: PublishSchema, response: { 200: PublishResultSchema, ...errors(409, 415, 422) } },
  }, async (request) => {
    const at = request.body?.at ? new Date(request.body.at) : null;
    const result = await publishApproved(await serviceContext(request), request.params.id, request.params.articleId, { at });
    return { status: result.status, article: toArticle(result.article) };
  });

  fastify.post('/sites/:id/articles/:articleId/withdraw', {
    config: publish,
    schema: { tags, summary: 'Take the article off the public site (its URL answers 410), now or at a minute', params: ArticleParamsSchema, body: WithdrawSchema, response: { 200: PublishResultSchema, ...errors(409, 415) } },
  }, async (request) => {
    const at = request.body.at ? new Date(request.body.at) : null;
    const result = await withdrawArticle(await serviceContext(request), request.params.id, request.params.articleId, { reason: request.body.reason, at });
    return { status: result.status, article: toArticle(result.article) };
  });

  fastify.post('/sites/:id/articles/:articleId/schedule/cancel', {
    config: publish,
    schema: { tags, summary: 'Drop a pending scheduled publish or withdrawal', params: ArticleParamsSchema, response: { 200: ArticleSchema, ...errors() } },
  }, async (request) => toArticle(await cancelSchedule(await serviceContext(request), request.params.id, request.params.articleId)));

  fastify.delete('/sites/:id/articles/:articleId', {
    config: read,
    schema: { tags, summary: 'Move an article to the trash for 30 days (a live one needs content.publish and answers 410)', params: ArticleParamsSchema, response: { 200: ArticleSchema, ...errors() } },
  }, async (request) => toArticle(await trashArticle(await serviceContext(request), request.params.id, request.params.articleId)));

  fastify.post('/sites/:id/articles/:articleId/restore', {
    config: edit,
    schema: { tags, summary: 'Bring an article back from the trash as an unpublished draft', params: ArticleParamsSchema, response: { 200: ArticleSchema, ...errors() } },
  }, async (request) => toArticle(await restoreArticle(await serviceContext(request), request.params.id, request.params.articleId)));

  fastify.get('/sites/:id/trash', {
    config: read,
    schema: { tags, summary: 'Articles in the trash, most recently deleted first', params: SiteParamsSchema, response: { 200: Type.Object({ articles: Type.Array(ArticleSchema) }), ...errors() } },
  }, async (request) => {
    const rows = await readScoped(request, (trx) => trx.selectFrom('article').select(articleRepository.ARTICLE_COLUMNS)
      .where('site_id', '=', request.params.id).where('deleted_at', 'is not', null).orderBy('deleted_at', 'desc').limit(500).execute());
    return { articles: rows.map(toArticle) };
  });

  fastify.delete('/sites/:id/trash/:articleId', {
    config: { permission: 'platform_admin' },
    schema: { tags, summary: 'Purge a never-published draft that has been in the trash for 30 days (published articles are kept as records)', params: ArticleParamsSchema, response: { 204: NoContent, ...errors() } },
  }, async (request, reply) => {
    await purgeArticle(await serviceContext(request), request.params.id, request.params.articleId);
    return reply.code(204).send(null);
  });

  fastify.get('/tasks', {
    config: read,
    schema: { tags, summary: 'My review queue: tasks waiting for a step I may take, not on revisions I wrote', response: { 200: TaskListSchema, ...errors() } },
  }, async (request) => ({
    tasks: (await reviewQueue(await serviceContext(request))).map((r) => ({
      taskId: r.task_id, runId: r.run_id, step: r.step, siteId: r.site_id, articleId: r.article_id, revisionId: r.revision_id, title: r.title,
      columnId: r.primary_column_id, columnName: r.column_name, submittedBy: r.submitted_by_name, submittedAt: new Date(r.submitted_at).toISOString(),
    })),
  }));

  fastify.put('/sites/:id/articles/:articleId/interprets', {
    config: edit,
    schema: { tags, summary: 'Link an interpretation (政策解读) to the policy document it explains, or unlink it', params: ArticleParamsSchema, body: InterpretsSchema, response: { 200: ArticleSchema, ...errors(415) } },
  }, async (request) => toArticle(await setInterpretedPolicy(await serviceContext(request), request.params.id, request.params.articleId, request.body.policyArticleId)));

  fastify.get('/sites/:id/policies-without-interpretation', {
    config: read,
    schema: { tags, summary: 'Live policy documents no live interpretation explains yet', params: SiteParamsSchema, response: { 200: UninterpretedSchema, ...errors() } },
  }, async (request) => {
    const rows = await readScoped(request, (trx) => policiesWithoutInterpretation(trx, request.params.id));
    return {
      policies: rows.map((r) => ({
        id: r.id, title: r.title, url: r.url_path, indexNumber: r.index_number, publishedAt: r.published_at ? new Date(r.published_at).toISOString() : null, columnName: r.column_name,
      })),
    };
  });

  fastify.get('/sites/:id/articles/:articleId/placements', {
    config: read,
    schema: { tags, summary: 'The columns an article shows in, primary first', params: ArticleParamsSchema, response: { 200: PlacementListSchema, ...errors() } },
  }, async (request) => {
    const rows = await readScoped(request, (trx) => placementsOf(trx, request.params.id, request.params.articleId));
    if (!rows.length) throw new ArticleNotFoundError(request.params.articleId, request.params.id);
    return { placements: rows.map((r) => ({ columnId: r.column_id, name: r.name, path: r.path, pinned: r.pinned, sortOrder: r.sort_order, primary: Boolean(r.primary) })) };
  });

  fastify.put('/sites/:id/articles/:articleId/placements/:columnId', {
    config: edit,
    schema: { tags, summary: 'Show the article in another column of the site too, or set its pinning (置顶) and weight there', params: PlacementParamsSchema, body: PlacementSchema, response: { 204: NoContent, ...errors(415) } },
  }, async (request, reply) => {
    await placeArticle(await serviceContext(request), request.params.id, request.params.articleId, request.params.columnId, request.body ?? {});
    return reply.code(204).send(null);
  });

  fastify.delete('/sites/:id/articles/:articleId/placements/:columnId', {
    config: edit,
    schema: { tags, summary: 'Take the article out of a column that is not its primary one', params: PlacementParamsSchema, response: { 204: NoContent, ...errors() } },
  }, async (request, reply) => {
    await unplaceArticle(await serviceContext(request), request.params.id, request.params.articleId, request.params.columnId);
    return reply.code(204).send(null);
  });

  fastify.post('/sites/:id/articles/:articleId/move', {
    config: edit,
    schema: { tags, summary: 'Move the article to another primary column (its URL stays)', params: ArticleParamsSchema, body: MoveArticleSchema, response: { 200: ArticleSchema, ...errors(415) } },
  }, async (request) => toArticle(await moveArticle(await serviceContext(request), request.params.id, request.params.articleId, request.body.columnId)));

  fastify.post('/sites/:id/articles/:articleId/translations', {
    config: edit,
    schema: { tags, summary: 'Start a foreign-language version of an article (a draft in that locale\'s column tree, with its own workflow)', params: ArticleParamsSchema, body: CreateTranslationSchema, response: { 201: ArticleSchema, ...errors(415) } },
  }, async (request, reply) => {
    const row = await createTranslation(await serviceContext(request), request.params.id, request.params.articleId, {
      locale: request.body.locale, columnId: request.body.columnId, ...content(request.body),
    });
    return reply.code(201).send(toArticle(row));
  });

  fastify.get('/sites/:id/translation-lag', {
    config: read,
    schema: { tags, summary: 'How far the foreign-language versions of core columns lag behind the originals', params: SiteParamsSchema, response: { 200: TranslationLagSchema, ...errors() } },
  }, async (request) => {
    const rows = await readScoped(request, (trx) => translationLag(trx, request.params.id, request.server.clock.now()));
    return {
      rows: rows.map((r) => ({
        ...r, publishedAt: r.publishedAt.toISOString(), translatedAt: r.translatedAt ? new Date(r.translatedAt).toISOString() : null,
      })),
    };
  });

  fastify.put('/platforms/:platformId/secrecy-waivers/:kind', {
    config: { permission: 'platform_admin' },
    schema: { tags, summary: 'Waive secrecy review for a column kind (platform admins; audited with the reason)', params: WaiverParamsSchema, body: WaiverSchema, response: { 204: NoContent, ...errors(415) } },
  }, async (request, reply) => {
    await waiveSecrecyReview(await serviceContext(request), request.params.platformId, request.params.kind, request.body.reason);
    return reply.code(204).send(null);
  });

  fastify.delete('/platforms/:platformId/secrecy-waivers/:kind', {
    config: { permission: 'platform_admin' },
    schema: { tags, summary: 'Require secrecy review again for a column kind', params: WaiverParamsSchema, response: { 204: NoContent, ...errors() } },
  }, async (request, reply) => {
    await restoreSecrecyReview(await serviceContext(request), request.params.platformId, request.params.kind);
    return reply.code(204).send(null);
  });
};

export default articleRoutes;
