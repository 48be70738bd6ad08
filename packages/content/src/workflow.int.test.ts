import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceContext } from '@zhanqun/audit/context';
import type { ManualClock } from '@zhanqun/core/clock';
import { newId } from '@zhanqun/core/id';
import { inScope } from '@zhanqun/db/scope';
import type { Role } from '@zhanqun/db/database';
import { can, type Principal } from '@zhanqun/identity/policy';
import { createTestDatabase, type TestDatabase } from '@zhanqun/testing/db';
import { createColumn } from '@zhanqun/tenancy/column.service';
import * as articleRepository from './article.repository.js';
import { saveRevision } from './article-revision.service.js';
import { createDraft } from './article.service.js';
import { twoSites } from './content.fixture.js';
import {
  cancelSchedule, publicationHistory, publishApproved, purgeArticle, restoreArticle, runDueSchedules, trashArticle, withdrawArticle,
} from './publishing.service.js';
import { approveTask, requestChanges, runsOf, submitForReview, waiveSecrecyReview } from './workflow.service.js';
import { addTerm } from './checks/serious-error.service.js';

describe('the publishing workflow', () => {
  let t: TestDatabase;
  let clock: ManualClock;
  let admin: ServiceContext;
  let platformId = '';
  let siteId = '';
  let otherSiteId = '';
  let columnId = '';
  let newsColumnId = '';
  let otherColumnId = '';
  const as: Record<string, ServiceContext> = {};

  /** A real account with one grant, acting through identity's policy as the server would. */
  async function user(name: string, role: Role, site: string, columnIds: string[] = []): Promise<ServiceContext> {
    const id = newId();
    await t.db.insertInto('app_user').values({
      id, platform_id: platformId, username: name, display_name: `${name}同志`, password_hash: 'x', is_platform_admin: false,
      locale: 'zh-CN', disabled_at: null, contract_ref: null, contract_end: null, totp_key: null, totp_enabled_at: null,
      totp_last_step: null, locked_until: null, password_changed_at: null,
    }).execute();
    const principal: Principal = {
      userId: id, username: name, platformId, isOutsourced: false, contractEnd: null, disabled: false,
      grants: [{ id: newId(), role, platformId, scopeKind: columnIds.length ? 'columns' : 'site', orgUnitPath: null, siteId: site, columnIds, expiresAt: null }],
    };
    return {
      db: t.db, clock, actor: { userId: id, label: name }, scope: { kind: 'sites', siteIds: [site], userId: id },
      can: (permission, target) => can(principal, permission as never, target, clock.now()),
    };
  }

  const article = (id: string) => inScope(t.db, admin.scope, (trx) => trx.selectFrom('article').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
  const audit = (objectId: string) => t.db.selectFrom('audit_log_entry').select(['action', 'actor_label', 'after'])
    .where('object_id', '=', objectId).orderBy('seq').execute();
  const urlKind = (path: string) => t.db.selectFrom('url_path').select('kind').where('path', '=', path).where('site_id', '=', siteId).executeTakeFirstOrThrow();

  beforeAll(async () => {
    t = await createTestDatabase();
    const f = await twoSites(t, 'wf');
    ({ clock, siteId, otherSiteId, columnId, otherColumnId } = f);
    platformId = (f.ctx.scope as { platformIds: string[] }).platformIds[0]!;
    admin = f.ctx;
    newsColumnId = (await createColumn(admin, siteId, { slug: 'yw', name: '要闻', kind: 'news' })).id;
    as.editor = await user('bianji', 'editor', siteId);
    as.reviewer = await user('shenhe', 'reviewer', siteId);
    as.secrecy = await user('baomi', 'secrecy_reviewer', siteId);
    as.siteAdmin = await user('zhanzhang', 'site_admin', siteId);
    as.columnEditor = await user('lanmu', 'editor', siteId, [newsColumnId]);
    as.otherReviewer = await user('qita', 'reviewer', otherSiteId);
  });
  afterAll(async () => { await t.destroy(); });

  it('should take an article from draft through review and secrecy review to the public site, naming everyone answerable', async () => {
    const draft = await createDraft(as.editor!, siteId, { columnId, title: '关于做好冬季安全生产工作的通知', bodyHtml: '<p>各县（市、区）人民政府：</p>' });
    const run = await submitForReview(as.editor!, siteId, draft.id);
    expect(run).toMatchObject({ status: 'in_progress', steps: ['review', 'secrecy_review'], current_step: 0 });
    expect(run.tasks).toMatchObject([{ step: 'review', status: 'in_progress' }]);
    await expect(submitForReview(as.editor!, siteId, draft.id)).rejects.toMatchObject({ code: 'ZQ_WORKFLOW_IN_PROGRESS', statusCode: 409 });

    // The writer may not approve, the secrecy reviewer may not take the review step, nor may another site's reviewer.
    await expect(approveTask(as.siteAdmin!, siteId, run.id)).resolves.toBeDefined(); // a site admin reviews…
    const secrecyStep = (await inScope(t.db, admin.scope, (trx) => runsOf(trx, siteId, draft.id)))[0]!;
    expect(secrecyStep).toMatchObject({ current_step: 1, tasks: [{ step: 'review', status: 'approved' }, { step: 'secrecy_review', status: 'in_progress' }] });
    await expect(approveTask(as.siteAdmin!, siteId, run.id)).rejects.toMatchObject({ code: 'ZQ_CONTENT_FORBIDDEN', statusCode: 403 });
    await expect(approveTask(as.reviewer!, siteId, run.id)).rejects.toMatchObject({ code: 'ZQ_CONTENT_FORBIDDEN' });
    await expect(approveTask(as.otherReviewer!, siteId, run.id)).rejects.toMatchObject({ statusCode: 404 });
    await expect(publishApproved(as.reviewer!, siteId, draft.id)).rejects.toMatchObject({ code: 'ZQ_WORKFLOW_NOT_APPROVED', statusCode: 409 });

    const approved = await approveTask(as.secrecy!, siteId, run.id, { comment: '不涉密' });
    expect(approved).toMatchObject({ status: 'approved', current_step: 2 });
    expect((await article(draft.id)).live).toBe(false);

    await expect(publishApproved(as.editor!, siteId, draft.id)).rejects.toMatchObject({ code: 'ZQ_CONTENT_FORBIDDEN' });
    const published = await publishApproved(as.reviewer!, siteId, draft.id);
    expect(published.status).toBe('published');
    const live = await article(draft.id);
    expect(live).toMatchObject({ live: true, live_revision_id: draft.latest_revision_id, has_unpublished_changes: false });
    expect(live.url_path).toMatch(/^\/tzgg\/202611\/t20261127_\d+\.html$/);
    expect(live.index_number).toMatch(/\/2026-\d{5}$/);

    const history = await inScope(t.db, admin.scope, (trx) => publicationHistory(trx, siteId, draft.id));
    expect(history).toMatchObject([{
      action: 'publish', written_by_name: 'bianji同志', reviewed_by_name: 'zhanzhang同志', secrecy_reviewed_by_name: 'baomi同志',
      released_by_name: 'shenhe同志', scheduled: false, secrecy_waived: false,
    }]);
    expect((await audit(draft.id)).map((e) => `${e.action} ${e.actor_label}`)).toEqual([
      'article.create bianji', 'workflow.submit bianji', 'workflow.review.approve zhanzhang',
      'workflow.secrecy_review.approve baomi', 'article.publish shenhe',
    ]);
  });

  it('should refuse approval by the revision\'s writer and a second step by the same person', async () => {
    const draft = await createDraft(as.siteAdmin!, siteId, { columnId, title: '站长自己写的稿件', bodyHtml: '<p>正文</p>' });
    const run = await submitForReview(as.siteAdmin!, siteId, draft.id);
    await expect(approveTask(as.siteAdmin!, siteId, run.id)).rejects.toMatchObject({ code: 'ZQ_WORKFLOW_OWN_REVISION', statusCode: 403 });
    // A platform admin holds every permission, yet reviews only one step of a run.
    const byAdmin = { ...admin, actor: { userId: as.reviewer!.actor.userId, label: 'shenhe' } };
    await approveTask(byAdmin, siteId, run.id);
    await expect(approveTask(byAdmin, siteId, run.id)).rejects.toMatchObject({ code: 'ZQ_WORKFLOW_SAME_REVIEWER', statusCode: 403 });
  });

  it('should send an item back with its mandatory reason, and keep nothing half-done without one', async () => {
    const draft = await createDraft(as.editor!, siteId, { columnId, title: '有错别字的通知', bodyHtml: '<p>正文</p>' });
    const run = await submitForReview(as.editor!, siteId, draft.id);
    await expect(requestChanges(as.reviewer!, siteId, run.id, { reason: '  ' })).rejects.toMatchObject({ code: 'ZQ_VALIDATION', field: 'reason', statusCode: 400 });
    expect((await inScope(t.db, admin.scope, (trx) => runsOf(trx, siteId, draft.id)))[0]).toMatchObject({ status: 'in_progress' });

    const back = await requestChanges(as.reviewer!, siteId, run.id, { reason: '第二段“安全生严”应为“安全生产”' });
    expect(back).toMatchObject({ status: 'needs_changes', tasks: [{ step: 'review', status: 'needs_changes', comment: '第二段“安全生严”应为“安全生产”' }] });
    await expect(approveTask(as.reviewer!, siteId, run.id)).rejects.toMatchObject({ code: 'ZQ_WORKFLOW_NOT_IN_PROGRESS' });
    await expect(publishApproved(as.reviewer!, siteId, draft.id)).rejects.toMatchObject({ code: 'ZQ_WORKFLOW_NOT_APPROVED' });
    // The editor sees the reason in the article's history, fixes it and resubmits.
    const seen = (await inScope(t.db, as.editor!.scope, (trx) => runsOf(trx, siteId, draft.id)))[0]!;
    expect(seen.tasks[0]!.comment).toContain('安全生产');
    const fixed = await saveRevision(as.editor!, siteId, draft.id, { title: '已改正的通知', bodyHtml: '<p>安全生产</p>', baseRevisionId: draft.latest_revision_id! });
    expect((await submitForReview(as.editor!, siteId, draft.id)).revision_id).toBe(fixed.id);
    const actions = (await audit(draft.id)).map((e) => e.action);
    expect(actions).toContain('workflow.review.needs_changes');
  });

  it('should keep the live version up while an update is in review, and end that review when a newer save comes', async () => {
    const draft = await createDraft(as.editor!, siteId, { columnId, title: '第一版', bodyHtml: '<p>一</p>' });
    await publishThrough(draft.id);
    const v2 = await saveRevision(as.editor!, siteId, draft.id, { title: '第二版', bodyHtml: '<p>二</p>', baseRevisionId: draft.latest_revision_id! });
    const run = await submitForReview(as.editor!, siteId, draft.id);
    expect(await article(draft.id)).toMatchObject({ live: true, live_revision_id: draft.latest_revision_id, has_unpublished_changes: true });
    const v3 = await saveRevision(as.editor!, siteId, draft.id, { title: '第三版', bodyHtml: '<p>三</p>', baseRevisionId: v2.id });
    const runs = await inScope(t.db, admin.scope, (trx) => runsOf(trx, siteId, draft.id));
    expect(runs.find((r) => r.id === run.id)).toMatchObject({ status: 'cancelled', tasks: [{ status: 'cancelled' }] });
    await publishThrough(draft.id);
    expect(await article(draft.id)).toMatchObject({ live_revision_id: v3.id, has_unpublished_changes: false });
  });

  it('should publish at the scheduled minute when the clock gets there, in the name of who scheduled it', async () => {
    const draft = await createDraft(as.editor!, siteId, { columnId, title: '定时发布的公告', bodyHtml: '<p>定时</p>' });
    await approveThrough(draft.id);
    const at = new Date(clock.now().getTime() + 10 * 60_000 + 30_000);
    const scheduled = await publishApproved(as.reviewer!, siteId, draft.id, { at });
    expect(scheduled.status).toBe('scheduled');
    expect((await article(draft.id)).scheduled_publish_at?.getUTCSeconds()).toBe(0);
    await expect(publishApproved(as.reviewer!, siteId, draft.id, { at: new Date('not a date') })).rejects.toMatchObject({ field: 'at' });

    const actorFor = async (userId: string | null) => ({ actor: { userId, label: `schedule:${userId}` } });
    clock.advance(5 * 60_000);
    expect(await runDueSchedules(t.db, clock, actorFor)).toEqual({ published: [], withdrawn: [], failed: [] });
    expect((await article(draft.id)).live).toBe(false);
    clock.advance(5 * 60_000);
    const due = await runDueSchedules(t.db, clock, actorFor);
    expect(due.published).toEqual([draft.id]);
    expect(await article(draft.id)).toMatchObject({ live: true, scheduled_publish_at: null });
    const [record] = await inScope(t.db, admin.scope, (trx) => publicationHistory(trx, siteId, draft.id));
    expect(record).toMatchObject({ scheduled: true, released_by_name: 'shenhe同志' });
    expect((await runDueSchedules(t.db, clock, actorFor)).published).toEqual([]);

    // A scheduled withdrawal, then cancelling one.
    await withdrawArticle(as.reviewer!, siteId, draft.id, { reason: '到期', at: new Date(clock.now().getTime() + 60_000) });
    clock.advance(60_000);
    expect((await runDueSchedules(t.db, clock, actorFor)).withdrawn).toEqual([draft.id]);
    const gone = await article(draft.id);
    expect(gone).toMatchObject({ live: false });
    expect(await urlKind(gone.url_path!)).toEqual({ kind: 'gone' });
    const again = await withdrawArticle(as.reviewer!, siteId, draft.id, { reason: 'x' }).catch((e: { code: string }) => e.code);
    expect(again).toBe('ZQ_CONTENT_NOT_LIVE');
    await cancelSchedule(as.reviewer!, siteId, draft.id);
  });

  it('should drop a due schedule that can no longer run, saying why, instead of retrying it forever', async () => {
    const draft = await createDraft(as.editor!, siteId, { columnId, title: '被撤回审核的定时稿', bodyHtml: '<p>x</p>' });
    await approveThrough(draft.id);
    await publishApproved(as.reviewer!, siteId, draft.id, { at: new Date(clock.now().getTime() + 60_000) });
    // A newer revision is saved and submitted: the approved one is still what the schedule publishes…
    // …unless the approval is gone: simulate a revoked grant for the scheduler.
    clock.advance(60_000);
    const result = await runDueSchedules(t.db, clock, async (userId) => ({ actor: { userId, label: 'x' }, can: () => false }));
    expect(result.failed).toMatchObject([{ articleId: draft.id, kind: 'publish' }]);
    expect(await article(draft.id)).toMatchObject({ live: false, scheduled_publish_at: null });
    expect((await audit(draft.id)).map((e) => e.action)).toContain('article.schedule_failed');
  });

  it('should waive secrecy review for a column kind only by a platform admin, and then run review alone', async () => {
    await expect(waiveSecrecyReview(as.siteAdmin!, platformId, 'news', '公开新闻')).rejects.toMatchObject({ statusCode: 403 });
    await expect(waiveSecrecyReview(admin, platformId, 'news', ' ')).rejects.toMatchObject({ field: 'reason' });
    await waiveSecrecyReview(admin, platformId, 'news', '要闻类稿件均为已公开活动报道');
    const draft = await createDraft(as.columnEditor!, siteId, { columnId: newsColumnId, title: '要闻', bodyHtml: '<p>要闻</p>' });
    const run = await submitForReview(as.columnEditor!, siteId, draft.id);
    expect(run).toMatchObject({ steps: ['review'], secrecy_waived: true });
    expect(await approveTask(as.reviewer!, siteId, run.id)).toMatchObject({ status: 'approved' });
    await publishApproved(as.reviewer!, siteId, draft.id);
    const [record] = await inScope(t.db, admin.scope, (trx) => publicationHistory(trx, siteId, draft.id));
    expect(record).toMatchObject({ secrecy_waived: true, secrecy_reviewed_by_name: null });
    expect(await t.db.selectFrom('audit_log_entry').select('action').where('action', '=', 'workflow.secrecy_waiver.add').execute()).toHaveLength(1);
  });

  it('should keep a column-scoped editor to its columns and a tenant to its site', async () => {
    await expect(createDraft(as.columnEditor!, siteId, { columnId, title: '越权', bodyHtml: '<p>x</p>' }))
      .rejects.toMatchObject({ code: 'ZQ_CONTENT_FORBIDDEN', statusCode: 403 });
    const draft = await createDraft(as.editor!, siteId, { columnId, title: '本站稿件', bodyHtml: '<p>x</p>' });
    await expect(submitForReview(as.otherReviewer!, siteId, draft.id)).rejects.toMatchObject({ statusCode: 404 });
    await expect(submitForReview(as.editor!, otherSiteId, draft.id)).rejects.toMatchObject({ statusCode: 404 });
    await expect(createDraft(as.editor!, otherSiteId, { columnId: otherColumnId, title: '他站', bodyHtml: '<p>x</p>' }))
      .rejects.toMatchObject({ statusCode: 404 });
    // RLS holds when code forgets: another site's scope reads no runs of this site.
    const run = await submitForReview(as.editor!, siteId, draft.id);
    const leaked = await inScope(t.db, as.otherReviewer!.scope, (trx) => trx.selectFrom('workflow_run').select('id').where('id', '=', run.id).execute());
    expect(leaked).toEqual([]);
  });

  it('should move an article to the trash (410 if it was live) and restore it as a draft', async () => {
    const draft = await createDraft(as.editor!, siteId, { columnId, title: '将被删除', bodyHtml: '<p>x</p>' });
    await publishThrough(draft.id);
    await expect(trashArticle(as.editor!, siteId, draft.id)).rejects.toMatchObject({ code: 'ZQ_CONTENT_FORBIDDEN' });
    const trashed = await trashArticle(as.reviewer!, siteId, draft.id);
    expect(trashed).toMatchObject({ live: false });
    expect(trashed.deleted_at).not.toBeNull();
    expect(await urlKind(trashed.url_path!)).toEqual({ kind: 'gone' });
    expect(await inScope(t.db, admin.scope, (trx) => articleRepository.findById(trx, siteId, draft.id))).toBeUndefined();
    const restored = await restoreArticle(as.editor!, siteId, draft.id);
    expect(restored).toMatchObject({ deleted_at: null, live: false });
    await expect(restoreArticle(as.editor!, siteId, draft.id)).rejects.toMatchObject({ code: 'ZQ_CONTENT_NOT_IN_TRASH' });
    await publishThrough(draft.id);
    expect(await urlKind(restored.url_path!)).toEqual({ kind: 'live' });
  });

  it('should stop a serious error or missing policy metadata at submission and again at publishing, naming what to fix', async () => {
    await addTerm(admin, platformId, { term: '国务院办公厅厅', correction: '国务院办公厅', kind: 'wrong_form' });
    const draft = await createDraft(as.editor!, siteId, { columnId, title: '转发国务院办公厅厅关于某事的通知', bodyHtml: '<p>正文</p>' });
    const refused = await submitForReview(as.editor!, siteId, draft.id).catch((e: Error & { code: string; statusCode: number; details: { findings: { code: string; messageZh: string }[] } }) => e);
    expect(refused).toMatchObject({ code: 'ZQ_CONTENT_CHECKS_BLOCK', statusCode: 422 });
    expect((refused as { details: { findings: { messageZh: string }[] } }).details.findings[0]!.messageZh).toContain('应为“国务院办公厅”');
    const fixed = await saveRevision(as.editor!, siteId, draft.id, { title: '转发国务院办公厅关于某事的通知', bodyHtml: '<p>正文<img src="/x.png"></p>', baseRevisionId: draft.latest_revision_id! });
    const run = await submitForReview(as.editor!, siteId, draft.id); // the image without alt only warns
    expect(run.revision_id).toBe(fixed.id);
    await approveTask(as.reviewer!, siteId, run.id);
    await approveTask(as.secrecy!, siteId, run.id);
    // The list grows after the review: publishing checks again.
    await addTerm(admin, platformId, { term: '某事', kind: 'forbidden' });
    await expect(publishApproved(as.reviewer!, siteId, draft.id)).rejects.toMatchObject({ code: 'ZQ_CONTENT_CHECKS_BLOCK', details: { findings: expect.arrayContaining([expect.objectContaining({ code: 'serious_error', messageZh: '标题含禁用词“某事”' })]) } });
    expect((await article(draft.id)).live).toBe(false);

    const policyColumn = (await createColumn(admin, siteId, { slug: 'gfxwj', name: '规范性文件', kind: 'policy' })).id;
    const policy = await createDraft(as.siteAdmin!, siteId, { columnId: policyColumn, title: '关于印发管理办法的通知', bodyHtml: '<p>x</p>', documentNumber: '甲政发〔2026〕1号' });
    const missing = await submitForReview(as.siteAdmin!, siteId, policy.id).catch((e: { details: { findings: { field: string }[] } }) => e.details.findings.map((f) => f.field));
    expect(missing).toEqual(['issuingOrgan', 'dateWritten', 'validity', 'topicCategory']);
  });

  it('should purge a never-published draft after 30 days in the trash, only by a platform admin, and keep published ones', async () => {
    const draft = await createDraft(as.editor!, siteId, { columnId, title: '误建的草稿', bodyHtml: '<p>x</p>' });
    await saveRevision(as.editor!, siteId, draft.id, { title: '误建的草稿（改）', bodyHtml: '<p>y</p>', baseRevisionId: draft.latest_revision_id! });
    await trashArticle(as.editor!, siteId, draft.id);
    const published = await createDraft(as.editor!, siteId, { columnId, title: '发布过的稿件', bodyHtml: '<p>x</p>' });
    await publishThrough(published.id);
    await trashArticle(as.reviewer!, siteId, published.id);
    await expect(purgeArticle(admin, siteId, draft.id)).rejects.toMatchObject({ field: 'articleId' });
    clock.advance(31 * 24 * 3600_000);
    await expect(purgeArticle(as.siteAdmin!, siteId, draft.id)).rejects.toMatchObject({ statusCode: 403 });
    await expect(purgeArticle(admin, siteId, published.id)).rejects.toMatchObject({ field: 'articleId' });
    await purgeArticle(admin, siteId, draft.id);
    expect(await t.db.selectFrom('article').select('id').where('id', '=', draft.id).execute()).toEqual([]);
    expect(await t.db.selectFrom('article_revision').select('id').where('article_id', '=', draft.id).execute()).toEqual([]);
    expect((await audit(draft.id)).map((e) => e.action).at(-1)).toBe('article.purge');
    expect(await t.db.selectFrom('article').select('id').where('id', '=', published.id).execute()).toHaveLength(1);
  });

  async function approveThrough(articleId: string): Promise<void> {
    const run = await submitForReview(as.editor!, siteId, articleId);
    await approveTask(as.reviewer!, siteId, run.id);
    await approveTask(as.secrecy!, siteId, run.id);
  }

  async function publishThrough(articleId: string): Promise<void> {
    await approveThrough(articleId);
    await publishApproved(as.reviewer!, siteId, articleId);
  }
});
