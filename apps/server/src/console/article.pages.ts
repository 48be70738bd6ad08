/**
 * 稿件: the editor page — rich text, metadata, attachments, placements, translations and the
 * interpreted policy — and the workflow panel (submit, approve, send back, publish or schedule,
 * withdraw, trash), with the accountability record and revision history. Every action is a plain
 * POST form (works without JS); the editor bundle only enhances the body textarea. Lists, the
 * review queue, the trash and reports are article-lists.pages.ts.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { invalid } from '@zhanqun/core/errors';
import type { ServiceContext } from '@zhanqun/audit/context';
import { inScope } from '@zhanqun/db/scope';
import { stateOf } from '@zhanqun/content/article-list.repository';
import * as articleRepository from '@zhanqun/content/article.repository';
import { ArticleNotFoundError } from '@zhanqun/content/article.errors';
import { listRevisions, restoreRevision, saveRevision } from '@zhanqun/content/article-revision.service';
import { attachmentPath } from '@zhanqun/content/article.schema';
import { createDraft } from '@zhanqun/content/article.service';
import { cancelSchedule, publicationHistory, publishApproved, trashArticle, withdrawArticle } from '@zhanqun/content/publishing.service';
import { attachmentsOf } from '@zhanqun/content/revision-attachments';
import { checksFor } from '@zhanqun/content/revision-checks';
import { moveArticle, placeArticle, placementsOf, unplaceArticle } from '@zhanqun/content/placement.service';
import { createTranslation, localeOfPath, SOURCE_LOCALE, versionsOf } from '@zhanqun/content/translation.service';
import { policyChoices, setInterpretedPolicy } from '@zhanqun/content/interpretation.service';
import { approveTask, cancelRun, requestChanges, runsOf, submitForReview, type RunWithTasks } from '@zhanqun/content/workflow.service';
import { t } from '../i18n/i18n.js';
import { columnTree } from './column.pages.js';
import { attempt, pageFrame, renderPage, serviceContext } from './console-context.js';
import { formState, isUuid, optional, options, text, values, type FormBody, type Refusal } from './console-form.js';
import { READ, EDIT, PUBLISH, VALIDITIES, SiteParams, ArticleParams, RunParams, RevisionParams, at, columnOptions, opts, contentOf, loadSite, abilities, parseMinute, type P, type FormKey, type Forms } from './article-console.js';

export default async function articlePages(fastify: FastifyInstance) {
  // ---- the editor page ----------------------------------------------------------------------
  async function showEditor(request: FastifyRequest, reply: FastifyReply, siteId: string, articleId: string | null, forms: Forms = {}, code = 200, conflict: { base: string; latest: string; diffUrl: string } | null = null) {
    const frame = pageFrame(request, reply, 'content');
    const { locale } = frame;
    const ctx = await serviceContext(fastify, request);
    const data = await inScope(fastify.db, ctx.scope, async (trx) => {
      const { site, columns } = await loadSite(trx, siteId);
      if (!articleId) return { site, columns, article: null };
      const article = await articleRepository.findById(trx, siteId, articleId);
      if (!article?.latest_revision_id) throw new ArticleNotFoundError(articleId, siteId);
      const [revision, runs, publications, attachments, revisions, users] = await Promise.all([
        articleRepository.findRevision(trx, siteId, article.latest_revision_id),
        runsOf(trx, siteId, articleId), publicationHistory(trx, siteId, articleId),
        attachmentsOf(trx, siteId, article.latest_revision_id), listRevisions(trx, siteId, articleId),
        trx.selectFrom('app_user').select(['id', 'display_name']).execute(),
      ]);
      const column = columns.find((c) => c.id === article.primary_column_id);
      const kind = column?.kind;
      const checks = column && revision ? await checksFor(trx, site, column, article, revision) : null;
      // An interpretation (or anything already linked) chooses the policy document it explains.
      const policies = kind === 'interpretation' || article.interprets_article_id ? await policyChoices(trx, siteId, null) : null;
      const versions = await versionsOf(trx, siteId, article);
      const placements = await placementsOf(trx, siteId, articleId);
      return { site, columns, article: { row: article, revision: revision!, runs, publications, attachments, revisions, users, policies, checks, versions, placements } };
    });
    const { site, columns } = data;
    const a = data.article;
    const columnId = a?.row.primary_column_id ?? (request.query as { column?: string }).column ?? '';
    const may = abilities(ctx, site, isUuid(columnId) ? columnId : '');
    const name = (id: string | null) => (id && a?.users.find((u) => u.id === id)?.display_name) || '';
    const r = a?.revision;
    const edit = forms.edit ?? formState(r ? {
      title: r.title, subtitle: r.subtitle ?? '', summary: r.summary ?? '', bodyHtml: r.body_html, source: r.source ?? '', author: r.author ?? '',
      documentNumber: r.document_number ?? '', issuingOrgan: r.issuing_organ ?? '', dateWritten: r.date_written ?? '',
      topicCategory: r.topic_category ?? '', validity: r.validity ?? '', keywords: r.keywords ?? '',
      tags: r.tags.join('，'), externalUrl: r.external_url ?? '', coverAttachmentId: r.cover_attachment_id ?? '',
    } : { columnId });
    const state = a ? stateOf({
      live: a.row.live, withdrawn_at: a.row.withdrawn_at, scheduled_publish_at: a.row.scheduled_publish_at,
      run_status: a.runs[0]?.status ?? null, run_published: a.publications.some((p) => p.run_id === a.runs[0]?.id && p.action === 'publish'),
    }) : 'draft';
    const open = a?.runs.find((x) => x.status === 'in_progress');
    const openTask = open?.tasks.find((x) => x.status === 'in_progress');
    const isAuthor = open ? a!.revisions.find((v) => v.id === open.revision_id)?.created_by === ctx.actor.userId : false;
    const canAct = openTask && !isAuthor && (openTask.step === 'review' ? may.review : may.secrecy);
    const refused = Object.values(forms).find((f) => f.error)?.error ?? null;
    const title = a ? a.row.draft_title : t(locale, 'article.new_title');
    return renderPage(reply, 'article-edit', frame, title, {
      site: { id: site.id, name: site.name }, refused, conflict,
      article: a && {
        id: a.row.id, title: a.row.draft_title, state, stateLabel: t(locale, `article.state.${state}`), live: a.row.live,
        url: a.row.url_path, indexNumber: a.row.index_number, latestRevisionId: a.row.latest_revision_id,
        publishedAt: at(a.row.published_at), scheduledPublishAt: at(a.row.scheduled_publish_at), scheduledWithdrawAt: at(a.row.scheduled_withdraw_at),
        column: columns.find((c) => c.id === a.row.primary_column_id)?.name ?? '',
      },
      edit, canEdit: may.edit, columns: columnOptions(columns, edit.values.columnId ?? columnId, locale),
      validities: options([['', t(locale, 'article.validity.none')], ...VALIDITIES.map((v) => [v, t(locale, `article.validity.${v}`)] as [string, string])], edit.values.validity),
      attachments: (a?.attachments ?? []).map((f) => ({ id: f.id, filename: f.filename, size: Number(f.size), url: attachmentPath(f.id, f.filename) })),
      covers: options([['', t(locale, 'article.no_cover')], ...(a?.attachments ?? []).filter((f) => f.media_type.startsWith('image/'))
        .map((f) => [f.id, f.filename] as [string, string])], edit.values.coverAttachmentId),
      uploadUrl: `/api/v1/sites/${site.id}/attachments`,
      checks: a?.checks && {
        blocked: a.checks.blocked,
        findings: a.checks.findings.map((f) => ({ block: f.severity === 'block', message: locale === 'en' ? f.message : f.messageZh })),
      },
      placements: a && {
        rows: a.placements.map((p) => ({ columnId: p.column_id, name: p.name, path: p.path, pinned: p.pinned, sortOrder: p.sort_order, primary: Boolean(p.primary) })),
        columns: columnOptions(columns.filter((c) => !a.placements.some((p) => p.column_id === c.id)), undefined, locale),
        moveTo: columnOptions(columns.filter((c) => c.id !== a.row.primary_column_id), undefined, locale),
      },
      translations: a && site.locales.length > 0 && a.row.locale === SOURCE_LOCALE && {
        versions: a.versions.filter((v) => v.id !== a.row.id).map((v) => ({ id: v.id, locale: v.locale, title: v.title, live: v.live })),
        form: forms.translation ?? formState({ locale: site.locales[0] ?? '' }),
        locales: options(site.locales.map((l) => [l, t(locale, `locale.${l}`)] as [string, string]), (forms.translation?.values.locale) ?? site.locales[0]),
        columns: options(columnTree(columns).filter(({ column }) => localeOfPath(column.path, site.locales) !== SOURCE_LOCALE)
          .map(({ column, depth }) => [column.id, `${'\u3000'.repeat(Math.min(depth, 8))}${column.name}（${column.path}）`] as [string, string]), forms.translation?.values.columnId),
      },
      original: a && a.row.locale !== SOURCE_LOCALE ? a.versions.find((v) => v.locale === SOURCE_LOCALE) ?? null : null,
      interprets: a?.policies && {
        options: options([['', t(locale, 'article.interprets_none')], ...a.policies.map((p) => [p.id, `${p.title}${p.index_number ? `（${p.index_number}）` : ''}`] as [string, string])], a.row.interprets_article_id),
      },
      workflow: a && {
        form: forms.workflow ?? formState(),
        canSubmit: may.edit && !open && (state === 'draft' || state === 'needs_changes' || a.row.has_unpublished_changes),
        open: open && { id: open.id, step: openTask ? t(locale, `article.step.${openTask.step}`) : '', canAct, isAuthor, canCancel: may.edit },
        canPublish: may.publish && state === 'approved',
        publish: forms.publish ?? formState(),
        canWithdraw: may.publish && a.row.live,
        withdraw: forms.withdraw ?? formState(),
        canCancelSchedule: may.publish && Boolean(a.row.scheduled_publish_at || a.row.scheduled_withdraw_at),
        canTrash: a.row.live ? may.publish : may.edit,
        runs: a.runs.map((x: RunWithTasks) => ({
          status: t(locale, `article.run.${x.status}`), submittedAt: at(x.submitted_at), submittedBy: name(x.submitted_by), waived: x.secrecy_waived,
          tasks: x.tasks.map((k) => ({
            step: t(locale, `article.step.${k.step}`), status: t(locale, `article.run.${k.status}`), by: name(k.acted_by), at: at(k.acted_at),
            comment: k.comment ?? '', sentBack: k.status === 'needs_changes',
          })),
        })),
        publications: a.publications.map((p) => ({
          action: t(locale, `article.action.${p.action}`), at: at(p.released_at), scheduled: p.scheduled, writtenBy: p.written_by_name ?? '',
          reviewedBy: p.reviewed_by_name ?? '', secrecyBy: p.secrecy_waived ? t(locale, 'article.secrecy_waived') : (p.secrecy_reviewed_by_name ?? ''),
          releasedBy: p.released_by_name ?? '',
        })),
        revisions: a.revisions.map((v, i) => ({
          id: v.id, title: v.title, at: at(v.created_at), by: name(v.created_by), latest: i === 0, live: v.id === a.row.live_revision_id,
          diffUrl: i === 0 ? null : `/sites/${site.id}/articles/${a.row.id}/diff?from=${v.id}&to=${a.row.latest_revision_id}`,
        })),
      },
    }, code);
  }

  fastify.get<{ Params: { id: string }; Querystring: { column?: string } }>('/sites/:id/articles/new', { config: EDIT, schema: { params: SiteParams } }, async (request, reply) =>
    showEditor(request, reply, request.params.id, null));

  fastify.get<{ Params: P }>('/sites/:id/articles/:articleId', { config: READ, schema: { params: ArticleParams } }, async (request, reply) =>
    showEditor(request, reply, request.params.id, request.params.articleId));

  const post = { preHandler: fastify.csrfProtection };
  const back = (siteId: string, articleId: string, hash = '') => `/sites/${siteId}/articles/${articleId}${hash}`;
  const again = (request: FastifyRequest, reply: FastifyReply, articleId: string | null, form: FormKey) => (refusal: Refusal) =>
    showEditor(request, reply, (request.params as { id: string }).id, articleId, { [form]: formState(values(request.body as FormBody), refusal) }, refusal.status);

  fastify.post<{ Params: { id: string }; Body: FormBody }>('/sites/:id/articles', { ...post, config: EDIT, schema: { params: SiteParams } }, async (request, reply) => {
    const { id } = request.params;
    return attempt(request, reply, async () => {
      const columnId = text(request.body, 'columnId');
      if (!isUuid(columnId)) throw invalid('columnId', 'must not be empty');
      const ctx = await serviceContext(fastify, request);
      const article = await createDraft(ctx, id, { columnId, ...contentOf(request.body) });
      if (text(request.body, 'then') === 'submit') await submitForReview(ctx, id, article.id);
      return [back(id, article.id), text(request.body, 'then') === 'submit' ? 'article.submitted' : 'article.created'];
    }, again(request, reply, null, 'edit'), opts);
  });

  fastify.post<{ Params: P; Body: FormBody }>('/sites/:id/articles/:articleId', { ...post, config: EDIT, schema: { params: ArticleParams } }, async (request, reply) => {
    const { id, articleId } = request.params;
    const base = text(request.body, 'baseRevisionId');
    return attempt(request, reply, async () => {
      const ctx = await serviceContext(fastify, request);
      await saveRevision(ctx, id, articleId, { baseRevisionId: base, ...contentOf(request.body) });
      if (text(request.body, 'then') === 'submit') await submitForReview(ctx, id, articleId);
      return [back(id, articleId), text(request.body, 'then') === 'submit' ? 'article.submitted' : 'article.saved'];
    }, async (refusal) => {
      // Someone saved meanwhile: show this person's text again, with a way to see the other change.
      const latest = refusal.status === 409 ? (await inScope(fastify.db, (await serviceContext(fastify, request)).scope, (trx) => articleRepository.findById(trx, id, articleId)))?.latest_revision_id : null;
      const conflict = latest && latest !== base && isUuid(base) ? { base, latest, diffUrl: `/sites/${id}/articles/${articleId}/diff?from=${base}&to=${latest}` } : null;
      return showEditor(request, reply, id, articleId, { edit: formState(values(request.body), refusal) }, refusal.status, conflict);
    }, opts);
  });

  /** A workflow action: run it, then back to the article with a notice, or the page again with the refusal. */
  function action(url: string, config: object, form: FormKey, run: (ctx: ServiceContext, p: P & { runId?: string; revisionId?: string }, body: FormBody) => Promise<string>) {
    fastify.post<{ Params: P & { runId?: string; revisionId?: string }; Body: FormBody }>(url, {
      ...post, config, schema: { params: url.includes(':runId') ? RunParams : url.includes(':revisionId') ? RevisionParams : ArticleParams },
    }, async (request, reply) => {
      const p = request.params;
      return attempt(request, reply, async () => {
        const ok = await run(await serviceContext(fastify, request), p, request.body);
        return [ok === 'article.trashed' ? `/sites/${p.id}/articles` : back(p.id, p.articleId, '#workflow'), ok];
      }, again(request, reply, p.articleId, form), opts);
    });
  }

  action('/sites/:id/articles/:articleId/submit', EDIT, 'workflow', async (ctx, p) => { await submitForReview(ctx, p.id, p.articleId); return 'article.submitted'; });
  action('/sites/:id/articles/:articleId/runs/:runId/approve', READ, 'workflow', async (ctx, p, body) => {
    await approveTask(ctx, p.id, p.runId!, { comment: optional(body, 'comment') });
    return 'article.approved';
  });
  action('/sites/:id/articles/:articleId/runs/:runId/request-changes', READ, 'workflow', async (ctx, p, body) => {
    await requestChanges(ctx, p.id, p.runId!, { reason: text(body, 'reason') });
    return 'article.sent_back';
  });
  action('/sites/:id/articles/:articleId/runs/:runId/cancel', EDIT, 'workflow', async (ctx, p) => { await cancelRun(ctx, p.id, p.runId!); return 'article.run_cancelled'; });
  action('/sites/:id/articles/:articleId/publish', PUBLISH, 'publish', async (ctx, p, body) => {
    const when = parseMinute(body, 'at');
    const r = await publishApproved(ctx, p.id, p.articleId, { at: when });
    return r.status === 'scheduled' ? 'article.scheduled' : 'article.published';
  });
  action('/sites/:id/articles/:articleId/withdraw', PUBLISH, 'withdraw', async (ctx, p, body) => {
    const r = await withdrawArticle(ctx, p.id, p.articleId, { reason: text(body, 'reason'), at: parseMinute(body, 'at') });
    return r.status === 'scheduled' ? 'article.withdraw_scheduled' : 'article.withdrawn';
  });
  action('/sites/:id/articles/:articleId/interprets', EDIT, 'workflow', async (ctx, p, body) => {
    const policy = text(body, 'policyArticleId');
    await setInterpretedPolicy(ctx, p.id, p.articleId, policy || null);
    return 'article.interprets_set';
  });
  fastify.post<{ Params: P; Body: FormBody }>('/sites/:id/articles/:articleId/translations', { ...post, config: EDIT, schema: { params: ArticleParams } }, async (request, reply) => {
    const { id, articleId } = request.params;
    return attempt(request, reply, async () => {
      const ctx = await serviceContext(fastify, request);
      const translation = await createTranslation(ctx, id, articleId, {
        locale: text(request.body, 'locale'), columnId: text(request.body, 'columnId'), title: text(request.body, 'title'), bodyHtml: '',
      });
      return [back(id, translation.id), 'article.translation_created'];
    }, again(request, reply, articleId, 'translation'), opts);
  });
  action('/sites/:id/articles/:articleId/placements', EDIT, 'workflow', async (ctx, p, body) => {
    const order = text(body, 'sortOrder');
    await placeArticle(ctx, p.id, p.articleId, text(body, 'columnId'), {
      pinned: text(body, 'pinned') !== '', sortOrder: order === '' ? 0 : Number(order),
    });
    return 'article.placed';
  });
  action('/sites/:id/articles/:articleId/placements/remove', EDIT, 'workflow', async (ctx, p, body) => {
    await unplaceArticle(ctx, p.id, p.articleId, text(body, 'columnId'));
    return 'article.unplaced';
  });
  action('/sites/:id/articles/:articleId/move', EDIT, 'workflow', async (ctx, p, body) => {
    await moveArticle(ctx, p.id, p.articleId, text(body, 'columnId'));
    return 'article.moved';
  });
  action('/sites/:id/articles/:articleId/schedule/cancel', PUBLISH, 'workflow', async (ctx, p) => { await cancelSchedule(ctx, p.id, p.articleId); return 'article.schedule_cancelled'; });
  action('/sites/:id/articles/:articleId/trash', READ, 'workflow', async (ctx, p) => { await trashArticle(ctx, p.id, p.articleId); return 'article.trashed'; });
  action('/sites/:id/articles/:articleId/revisions/:revisionId/restore', EDIT, 'workflow', async (ctx, p, body) => {
    await restoreRevision(ctx, p.id, p.articleId, p.revisionId!, text(body, 'baseRevisionId'));
    return 'article.revision_restored';
  });
}
