/**
 * 稿件: the editors' and reviewers' console — a site's content list with filters, the editor
 * page (rich text, metadata, attachments), the workflow panel (submit, approve, send back,
 * publish or schedule, withdraw, trash), revision history with a word-level diff, the review
 * queue (我的待办) and the trash. Every action is a plain POST form (works without JS); the
 * editor bundle only enhances the body textarea.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { invalid } from '@zhanqun/core/errors';
import { formatZoned, fromZoned } from '@zhanqun/core/time';
import type { ServiceContext } from '@zhanqun/audit/context';
import type { SiteColumnRow, WorkflowStep } from '@zhanqun/db/database';
import { inScope, type Tx } from '@zhanqun/db/scope';
import { ARTICLE_STATES, listArticles, listOpenTasks, stateOf, type ArticleState } from '@zhanqun/content/article-list.repository';
import * as articleRepository from '@zhanqun/content/article.repository';
import { ArticleNotFoundError } from '@zhanqun/content/article.errors';
import { diffArticleRevisions, listRevisions, restoreRevision, saveRevision } from '@zhanqun/content/article-revision.service';
import { attachmentPath } from '@zhanqun/content/article.schema';
import { createDraft, type ArticleContentInput } from '@zhanqun/content/article.service';
import {
  cancelSchedule, publicationHistory, publishApproved, purgeArticle, restoreArticle, TRASH_DAYS, trashArticle, withdrawArticle,
} from '@zhanqun/content/publishing.service';
import { attachmentsOf } from '@zhanqun/content/revision-attachments';
import { checksFor } from '@zhanqun/content/revision-checks';
import { moveArticle, placeArticle, placementsOf, unplaceArticle } from '@zhanqun/content/placement.service';
import { createTranslation, localeOfPath, SOURCE_LOCALE, translationLag, versionsOf } from '@zhanqun/content/translation.service';
import { policiesWithoutInterpretation, policyChoices, setInterpretedPolicy } from '@zhanqun/content/interpretation.service';
import {
  approveTask, cancelRun, requestChanges, runsOf, STEP_PERMISSION, submitForReview, type RunWithTasks,
} from '@zhanqun/content/workflow.service';
import * as columnRepository from '@zhanqun/tenancy/column.repository';
import * as siteRepository from '@zhanqun/tenancy/site.repository';
import { SiteNotFoundError } from '@zhanqun/tenancy/tenancy.errors';
import { t, type Locale } from '../i18n/i18n.js';
import { columnTree } from './column.pages.js';
import { attempt, pageFrame, renderPage, serviceContext } from './console-context.js';
import { startOfDay, endOfDay } from './console-date.js';
import { formState, isUuid, optional, options, text, toRefusal, values, type FormBody, type FormState, type Refusal } from './console-form.js';

const READ = { permission: 'content.read' } as const;
const EDIT = { permission: 'content.edit' } as const;
const PUBLISH = { permission: 'content.publish' } as const;
const PAGE_SIZE = 30;
const VALIDITIES = ['valid', 'amended', 'repealed'] as const;

const SiteParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } } as const;
const ArticleParams = {
  type: 'object', required: ['id', 'articleId'],
  properties: { id: { type: 'string', format: 'uuid' }, articleId: { type: 'string', format: 'uuid' } },
} as const;
const RunParams = {
  type: 'object', required: ['id', 'articleId', 'runId'],
  properties: { id: { type: 'string', format: 'uuid' }, articleId: { type: 'string', format: 'uuid' }, runId: { type: 'string', format: 'uuid' } },
} as const;
const RevisionParams = {
  type: 'object', required: ['id', 'articleId', 'revisionId'],
  properties: { id: { type: 'string', format: 'uuid' }, articleId: { type: 'string', format: 'uuid' }, revisionId: { type: 'string', format: 'uuid' } },
} as const;

type P = { id: string; articleId: string };
type FormKey = 'edit' | 'workflow' | 'publish' | 'withdraw' | 'translation';
type Forms = Partial<Record<FormKey, FormState>>;

const at = (d: Date | string | null) => (d ? formatZoned(new Date(d), 'yyyy-MM-dd HH:mm') : '');

/** `<input type="datetime-local">` in the platform zone (Asia/Shanghai), or null when empty. */
export function parseMinute(body: FormBody, name: string): Date | null {
  const v = text(body, name);
  if (!v) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(v);
  if (!m) throw invalid(name, 'must be a date and time');
  const d = fromZoned(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
  if (formatZoned(d, 'yyyy-MM-dd HH:mm') !== v.replace('T', ' ')) throw invalid(name, 'must be a date and time');
  return d;
}

/** The content fields of the editor form, as the services take them. */
function contentOf(body: FormBody): ArticleContentInput {
  const ids = body?.attachmentIds;
  const attachmentIds = (Array.isArray(ids) ? ids : ids ? [ids] : []).filter((v) => v !== '');
  const validity = text(body, 'validity');
  if (validity && !(VALIDITIES as readonly string[]).includes(validity)) throw invalid('validity', `must be one of ${VALIDITIES.join(', ')}`);
  return {
    title: text(body, 'title'), subtitle: optional(body, 'subtitle'), summary: optional(body, 'summary'),
    bodyHtml: typeof body?.bodyHtml === 'string' ? body.bodyHtml : '', source: optional(body, 'source'), author: optional(body, 'author'),
    documentNumber: optional(body, 'documentNumber'), issuingOrgan: optional(body, 'issuingOrgan'), dateWritten: optional(body, 'dateWritten'),
    topicCategory: optional(body, 'topicCategory'), validity: (validity || null) as ArticleContentInput['validity'], keywords: optional(body, 'keywords'),
    attachmentIds, tags: text(body, 'tags').split(/[,，、\s]+/).filter(Boolean),
    externalUrl: optional(body, 'externalUrl'), coverAttachmentId: optional(body, 'coverAttachmentId'),
  };
}

async function loadSite(trx: Tx, siteId: string) {
  const site = await siteRepository.findById(trx, siteId);
  if (!site) throw new SiteNotFoundError(siteId);
  const columns = await columnRepository.findAll(trx, siteId);
  return { site, columns };
}

const columnOptions = (columns: readonly SiteColumnRow[], selected: string | undefined, locale: Locale, any = false) => options([
  ...(any ? [['', t(locale, 'article.all_columns')] as [string, string]] : []),
  ...columnTree(columns).map(({ column, depth }) => [column.id, `${'\u3000'.repeat(Math.min(depth, 8))}${column.name}`] as [string, string]),
], selected);

/** What the signed-in person may do to this article now (the services check again). */
function abilities(ctx: ServiceContext, site: { id: string; platform_id: string; parent_site_id: string | null }, columnId: string) {
  const target = { platformId: site.platform_id, siteId: site.id, parentSiteId: site.parent_site_id, columnId };
  const may = (p: string) => !ctx.can || ctx.can(p, target);
  return { edit: may('content.edit'), review: may('content.review'), secrecy: may('content.secrecy_review'), publish: may('content.publish') };
}

const opts = { ns: 'article' };

export default async function articlePages(fastify: FastifyInstance) {
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
    const ctx = await serviceContext(fastify, request);
    const rows = await inScope(fastify.db, ctx.scope, async (trx) => {
      const tasks = await listOpenTasks(trx, Object.keys(STEP_PERMISSION) as WorkflowStep[]);
      const sites = await siteRepository.findAll(trx);
      return tasks.map((task) => ({ task, site: sites.find((s) => s.id === task.site_id) }));
    });
    const mine = rows.filter(({ task, site }) => site && task.revision_author !== ctx.actor.userId
      && (!ctx.can || ctx.can(STEP_PERMISSION[task.step], { platformId: site.platform_id, siteId: site.id, parentSiteId: site.parent_site_id, columnId: task.primary_column_id })));
    return renderPage(reply, 'tasks', frame, t(locale, 'tasks.title'), {
      tasks: mine.map(({ task, site }) => ({
        url: `/sites/${task.site_id}/articles/${task.article_id}#workflow`, title: task.title, site: site!.name, column: task.column_name,
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
      return [back(id, articleId), 'article.restored'];
    }, async (refusal) => renderPage(reply, 'error', pageFrame(request, reply, 'content'), String(refusal.status), { status: refusal.status, message: refusal.message }, refusal.status), opts);
  });
}

