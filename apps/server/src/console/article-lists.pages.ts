/**
 * 稿件 lists and reports: a site's content list with filters and bulk actions, the review
 * queue (我的待办), revision diffs, policies without interpretation, the translation lag, and the
 * trash (restore, purge). The editor page and its actions are article.pages.ts.
 */
import type { FastifyInstance } from 'fastify';
import { inScope } from '@zhanqun/db/scope';
import { ARTICLE_STATES, listArticles, stateOf, type ArticleState } from '@zhanqun/content/article-list.repository';
import * as articleRepository from '@zhanqun/content/article.repository';
import { ArticleNotFoundError } from '@zhanqun/content/article.errors';
import { diffArticleRevisions } from '@zhanqun/content/article-revision.service';
import { publishApproved, purgeArticle, restoreArticle, TRASH_DAYS, withdrawArticle } from '@zhanqun/content/publishing.service';
import { moveArticle } from '@zhanqun/content/placement.service';
import { translationLag } from '@zhanqun/content/translation.service';
import { policiesWithoutInterpretation } from '@zhanqun/content/interpretation.service';
import { reviewQueue } from '@zhanqun/content/workflow.service';
import * as siteRepository from '@zhanqun/tenancy/site.repository';
import { t } from '../i18n/i18n.js';
import { attempt, pageFrame, renderPage, serviceContext } from './console-context.js';
import { startOfDay, endOfDay } from './console-date.js';
import { isUuid, options, text, toRefusal, type FormBody } from './console-form.js';
import { READ, EDIT, PAGE_SIZE, SiteParams, ArticleParams, at, columnOptions, opts, loadSite, abilities, type P } from './article-console.js';

export default async function articleListPages(fastify: FastifyInstance) {
  const post = { preHandler: fastify.csrfProtection };

  // ---- the content list -------------------------------------------------------------------
  fastify.get('/content', { config: READ }, async (request, reply) => {
    const frame = pageFrame(request, reply, 'content');
    const ctx = await serviceContext(fastify, request);
    const sites = await inScope(fastify.db, ctx.scope, (trx) => siteRepository.findAll(trx));
    const open = sites.filter((s) => s.deleted_at === null && s.status !== 'closed');
    if (open.length === 1) return reply.redirect(`/sites/${open[0]!.id}/articles`, 303);
    return renderPage(reply, 'content', frame, t(frame.locale, 'article.choose_site'), {
      sites: open.map((s) => ({ id: s.id, name: s.name, code: s.code })),
    });
  });

  type ListQuery = { column?: string; state?: string; author?: string; q?: string; from?: string; to?: string; page?: string };
  fastify.get<{ Params: { id: string }; Querystring: ListQuery }>('/sites/:id/articles', { config: READ, schema: { params: SiteParams } }, async (request, reply) => {
    const frame = pageFrame(request, reply, 'content');
    const { locale } = frame;
    const q = request.query;
    const siteId = request.params.id;
    const state = (ARTICLE_STATES as readonly string[]).includes(q.state ?? '') ? (q.state as ArticleState) : undefined;
    const page = Math.max(1, Math.min(10_000, Number.parseInt(q.page ?? '1', 10) || 1));
    const from = q.from ? startOfDay(q.from) : null;
    const to = q.to ? endOfDay(q.to) : null;
    const ctx = await serviceContext(fastify, request);
    const data = await inScope(fastify.db, ctx.scope, async (trx) => {
      const { site, columns } = await loadSite(trx, siteId);
      const authors = await trx.selectFrom('article').innerJoin('app_user as u', 'u.id', 'article.created_by')
        .select(['u.id', 'u.display_name']).distinct().where('article.site_id', '=', siteId).orderBy('u.display_name').limit(200).execute();
      const list = await listArticles(trx, siteId, {
        ...(isUuid(q.column) ? { columnId: q.column } : {}), ...(state ? { state } : {}), ...(isUuid(q.author) ? { authorId: q.author } : {}),
        ...(q.q?.trim() ? { q: q.q.slice(0, 200) } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}),
        limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE,
      });
      return { site, columns, authors, list };
    });
    const pages = Math.max(1, Math.ceil(data.list.total / PAGE_SIZE));
    const keep = new URLSearchParams(Object.entries({ column: q.column, state, author: q.author, q: q.q, from: q.from, to: q.to })
      .filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
    const pageUrl = (n: number) => `/sites/${siteId}/articles?${new URLSearchParams([...keep, ['page', String(n)]])}`;
    const canWrite = data.columns.some((c) => abilities(ctx, data.site, c.id).edit);
    return renderPage(reply, 'articles', frame, t(locale, 'article.list_title', { site: data.site.name }), {
      site: { id: data.site.id, name: data.site.name }, canWrite,
      filter: {
        q: q.q ?? '', from: q.from ?? '', to: q.to ?? '',
        columns: columnOptions(data.columns, q.column, locale, true),
        states: options([['', t(locale, 'article.all_states')], ...ARTICLE_STATES.map((s) => [s, t(locale, `article.state.${s}`)] as [string, string])], state),
        authors: options([['', t(locale, 'article.all_authors')], ...data.authors.map((a) => [a.id, a.display_name] as [string, string])], q.author),
      },
      total: data.list.total, moveColumns: columnOptions(data.columns, undefined, locale),
      rows: data.list.rows.map((r) => {
        const s = stateOf(r);
        return {
          id: r.id, title: r.title, column: r.column_name, state: s, stateLabel: t(locale, `article.state.${s}`),
          author: r.author_name ?? '', updated: at(r.updated_at), published: at(r.published_at), scheduled: at(r.scheduled_publish_at),
        };
      }),
      pagination: pages > 1 ? { page, pages, prev: page > 1 ? pageUrl(page - 1) : null, next: page < pages ? pageUrl(page + 1) : null } : null,
    });
  });

  // ---- bulk actions: each article on its own, within the person's permissions ------------------
  fastify.post<{ Params: { id: string }; Body: FormBody }>('/sites/:id/articles/bulk', { preHandler: fastify.csrfProtection, config: READ, schema: { params: SiteParams } }, async (request, reply) => {
    const frame = pageFrame(request, reply, 'content');
    const { locale } = frame;
    const siteId = request.params.id;
    const raw = request.body?.ids;
    const ids = (Array.isArray(raw) ? raw : raw ? [raw] : []).filter(isUuid).slice(0, 200);
    const op = text(request.body, 'op');
    const ctx = await serviceContext(fastify, request);
    const titles = new Map((await inScope(fastify.db, ctx.scope, (trx) => ids.length
      ? trx.selectFrom('article').select(['id', 'draft_title']).where('site_id', '=', siteId).where('id', 'in', ids).execute() : Promise.resolve([]))).map((r) => [r.id, r.draft_title]));
    const done: string[] = [];
    const failed: { title: string; message: string }[] = [];
    const refuse = (message: string) => renderPage(reply, 'articles-bulk', frame, t(locale, 'bulk.title'), { site: { id: siteId }, done: 0, failed: [{ title: '', message }] }, 400);
    if (!ids.length) return refuse(t(locale, 'bulk.none_selected'));
    if (!['publish', 'withdraw', 'move'].includes(op)) return refuse(t(locale, 'bulk.bad_op'));
    if (op === 'withdraw' && !text(request.body, 'reason')) return refuse(t(locale, 'form.field_error', { field: t(locale, 'article.withdraw_reason'), reason: t(locale, 'reason.empty') }));
    if (op === 'move' && !isUuid(text(request.body, 'columnId'))) return refuse(t(locale, 'form.field_error', { field: t(locale, 'article.column'), reason: t(locale, 'reason.empty') }));
    for (const id of ids) {
      try {
        if (op === 'publish') await publishApproved(ctx, siteId, id);
        else if (op === 'withdraw') await withdrawArticle(ctx, siteId, id, { reason: text(request.body, 'reason') });
        else await moveArticle(ctx, siteId, id, text(request.body, 'columnId'));
        done.push(id);
      } catch (err) {
        const refusal = toRefusal(err, locale, opts);
        if (!refusal) throw err;
        failed.push({ title: titles.get(id) ?? id, message: refusal.message });
      }
    }
    return renderPage(reply, 'articles-bulk', frame, t(locale, 'bulk.title'), { site: { id: siteId }, done: done.length, failed });
  });

  // ---- revision diff ----------------------------------------------------------------------
  fastify.get<{ Params: P; Querystring: { from?: string; to?: string } }>('/sites/:id/articles/:articleId/diff', { config: READ, schema: { params: ArticleParams } }, async (request, reply) => {
    const frame = pageFrame(request, reply, 'content');
    const { id, articleId } = request.params;
    const { from = '', to = '' } = request.query;
    const ctx = await serviceContext(fastify, request);
    const data = await inScope(fastify.db, ctx.scope, async (trx) => {
      const article = await articleRepository.findById(trx, id, articleId);
      if (!article) throw new ArticleNotFoundError(articleId, id);
      return { article, diff: await diffArticleRevisions(trx, id, from, to) };
    });
    return renderPage(reply, 'article-diff', frame, t(frame.locale, 'article.diff_title', { title: data.article.draft_title }), {
      site: { id }, article: { id: articleId, title: data.article.draft_title }, title: data.diff.title, body: data.diff.body,
    });
  });

  // ---- my review queue ---------------------------------------------------------------------
  fastify.get('/tasks', { config: READ }, async (request, reply) => {
    const frame = pageFrame(request, reply, 'tasks');
    const { locale } = frame;
    const mine = await reviewQueue(await serviceContext(fastify, request));
    return renderPage(reply, 'tasks', frame, t(locale, 'tasks.title'), {
      tasks: mine.map((task) => ({
        url: `/sites/${task.site_id}/articles/${task.article_id}#workflow`, title: task.title, site: task.site_name, column: task.column_name,
        step: t(locale, `article.step.${task.step}`), by: task.submitted_by_name ?? '', at: at(task.submitted_at),
      })),
    });
  });

  // ---- policy documents still without an interpretation -------------------------------------
  fastify.get<{ Params: { id: string } }>('/sites/:id/policies-without-interpretation', { config: READ, schema: { params: SiteParams } }, async (request, reply) => {
    const frame = pageFrame(request, reply, 'content');
    const ctx = await serviceContext(fastify, request);
    const data = await inScope(fastify.db, ctx.scope, async (trx) => ({
      site: (await loadSite(trx, request.params.id)).site, rows: await policiesWithoutInterpretation(trx, request.params.id),
    }));
    return renderPage(reply, 'policies-uninterpreted', frame, t(frame.locale, 'uninterpreted.title', { site: data.site.name }), {
      site: { id: data.site.id, name: data.site.name },
      rows: data.rows.map((r) => ({ id: r.id, title: r.title, column: r.column_name, indexNumber: r.index_number ?? '', published: at(r.published_at) })),
    });
  });

  // ---- how far the foreign-language versions lag ----------------------------------------------
  fastify.get<{ Params: { id: string } }>('/sites/:id/translations', { config: READ, schema: { params: SiteParams } }, async (request, reply) => {
    const frame = pageFrame(request, reply, 'content');
    const { locale } = frame;
    const ctx = await serviceContext(fastify, request);
    const data = await inScope(fastify.db, ctx.scope, async (trx) => ({
      site: (await loadSite(trx, request.params.id)).site, rows: await translationLag(trx, request.params.id, fastify.clock.now()),
    }));
    const hours = (seconds: number) => (seconds / 3600).toFixed(1);
    return renderPage(reply, 'translations', frame, t(locale, 'translations.title', { site: data.site.name }), {
      site: { id: data.site.id, name: data.site.name }, hasLocales: data.site.locales.length > 0,
      rows: data.rows.map((r) => ({
        id: r.originalId, title: r.title, column: r.columnName, published: at(r.publishedAt), locale: t(locale, `locale.${r.locale}`),
        translationId: r.translationId, translated: at(r.translatedAt), missing: r.missing, lag: hours(r.lagSeconds),
      })),
    });
  });

  // ---- the trash ---------------------------------------------------------------------------
  fastify.get<{ Params: { id: string } }>('/sites/:id/trash', { config: READ, schema: { params: SiteParams } }, async (request, reply) => {
    const frame = pageFrame(request, reply, 'content');
    const ctx = await serviceContext(fastify, request);
    const data = await inScope(fastify.db, ctx.scope, async (trx) => ({
      site: (await loadSite(trx, request.params.id)).site,
      rows: await trx.selectFrom('article as a').leftJoin('app_user as u', 'u.id', 'a.deleted_by')
        .select(['a.id', 'a.draft_title', 'a.deleted_at', 'a.first_published_at', 'u.display_name']).where('a.site_id', '=', request.params.id)
        .where('a.deleted_at', 'is not', null).orderBy('a.deleted_at', 'desc').limit(500).execute(),
    }));
    const isAdmin = ctx.can ? ctx.can('platform.manage', { platformId: data.site.platform_id }) : true;
    return renderPage(reply, 'trash', frame, t(frame.locale, 'trash.title', { site: data.site.name }), {
      site: { id: data.site.id, name: data.site.name },
      rows: data.rows.map((r) => ({
        id: r.id, title: r.draft_title, at: at(r.deleted_at), by: r.display_name ?? '',
        // Platform admins may purge drafts that never went live, once their 30 days are over.
        purgeable: isAdmin && !r.first_published_at && r.deleted_at !== null && r.deleted_at.getTime() + TRASH_DAYS * 86_400_000 <= fastify.clock.now().getTime(),
        kept: r.first_published_at !== null,
      })),
    });
  });

  fastify.post<{ Params: P; Body: FormBody }>('/sites/:id/articles/:articleId/purge', { ...post, config: { permission: 'platform_admin' }, schema: { params: ArticleParams } }, async (request, reply) => {
    const { id, articleId } = request.params;
    return attempt(request, reply, async () => {
      await purgeArticle(await serviceContext(fastify, request), id, articleId);
      return [`/sites/${id}/trash`, 'article.purged'];
    }, async (refusal) => renderPage(reply, 'error', pageFrame(request, reply, 'content'), String(refusal.status), { status: refusal.status, message: refusal.message }, refusal.status), opts);
  });

  fastify.post<{ Params: P; Body: FormBody }>('/sites/:id/articles/:articleId/restore', { ...post, config: EDIT, schema: { params: ArticleParams } }, async (request, reply) => {
    const { id, articleId } = request.params;
    return attempt(request, reply, async () => {
      await restoreArticle(await serviceContext(fastify, request), id, articleId);
      return [`/sites/${id}/articles/${articleId}`, 'article.restored'];
    }, async (refusal) => renderPage(reply, 'error', pageFrame(request, reply, 'content'), String(refusal.status), { status: refusal.status, message: refusal.message }, refusal.status), opts);
  });
}
