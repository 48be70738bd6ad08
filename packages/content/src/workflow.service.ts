/**
 * The review workflow (seed §3.2: 采集 → 审核 → 保密审查 → 发布). A run moves one revision through
 * its column's tasks; approving the last task makes the run approved, and publishing (publishing
 * .service.ts) sets the live revision, so an update in review never takes the live version down.
 * Rules: every column has a review; secrecy review unless a platform admin waived it for the
 * column's kind; nobody approves a revision they wrote, nor two steps of one run; "needs
 * changes" carries its reason. Every transition is audited with the actor's name.
 */
import { invalid } from '@zhanqun/core/errors';
import { isUuid, newId } from '@zhanqun/core/id';
import { writeAudit } from '@zhanqun/audit/audit.writer';
import type { ServiceContext } from '@zhanqun/audit/context';
import type { WorkflowRunRow, WorkflowStep, WorkflowTaskRow } from '@zhanqun/db/database';
import { inScope, type Db, type Tx } from '@zhanqun/db/scope';
import { PlatformAdminRequiredError } from '@zhanqun/tenancy/tenancy.errors';
import { listOpenTasks, type OpenTaskRow } from './article-list.repository.js';
import * as articleRepository from './article.repository.js';
import { ArticleNotFoundError } from './article.errors.js';
import { RevisionNotFoundError } from './article-revision.errors.js';
import { columnAccess } from './column-access.js';
import { assertNotBlocked, checksFor } from './revision-checks.js';
import { requestLinkChecks } from './checks/link-check.service.js';
import {
  OwnRevisionError, SameReviewerError, WorkflowInProgressError, WorkflowNotInProgressError, WorkflowRunNotFoundError,
} from './workflow.errors.js';

/** The permission each step needs. */
export const STEP_PERMISSION: Record<WorkflowStep, string> = {
  review: 'content.review',
  secrecy_review: 'content.secrecy_review',
};

const RUN_COLUMNS = ['id', 'site_id', 'article_id', 'revision_id', 'status', 'steps', 'current_step', 'secrecy_waived',
  'submitted_by', 'submitted_at', 'finished_at'] as const;
const TASK_COLUMNS = ['id', 'site_id', 'run_id', 'step', 'position', 'status', 'acted_by', 'acted_at', 'comment', 'created_at'] as const;

export interface RunWithTasks extends WorkflowRunRow {
  tasks: WorkflowTaskRow[];
}

/**
 * The review queue (我的待办) of the acting person: open tasks in its scope, oldest first, for
 * steps it may take on the article's column, never on revisions it wrote.
 */
export async function reviewQueue(ctx: ServiceContext): Promise<OpenTaskRow[]> {
  const rows = await inScope(ctx.db, ctx.scope, (trx) => listOpenTasks(trx, Object.keys(STEP_PERMISSION) as WorkflowStep[]));
  return rows.filter((r) => r.revision_author !== ctx.actor.userId && (!ctx.can || ctx.can(STEP_PERMISSION[r.step], {
    platformId: r.platform_id, siteId: r.site_id, parentSiteId: r.parent_site_id, columnId: r.primary_column_id,
  })));
}

/** The steps a column's articles go through on this platform. */
export async function stepsFor(db: Db, platformId: string, columnKind: string): Promise<{ steps: WorkflowStep[]; secrecyWaived: boolean }> {
  const waiver = await db.selectFrom('secrecy_waiver').select('column_kind')
    .where('platform_id', '=', platformId).where('column_kind', '=', columnKind).executeTakeFirst();
  return waiver ? { steps: ['review'], secrecyWaived: true } : { steps: ['review', 'secrecy_review'], secrecyWaived: false };
}

/** Submit a revision (by default the latest) for review. Needs content.edit on the article's column. */
export async function submitForReview(ctx: ServiceContext, siteId: string, articleId: string, opts: { revisionId?: string } = {}): Promise<RunWithTasks> {
  return inScope(ctx.db, ctx.scope, async (trx) => {
    const article = isUuid(articleId) ? await articleRepository.lockById(trx, siteId, articleId) : undefined;
    if (!article?.latest_revision_id) throw new ArticleNotFoundError(articleId, siteId);
    const { site, column } = await columnAccess(trx, ctx, siteId, article.primary_column_id, 'content.edit');
    const revisionId = opts.revisionId ?? article.latest_revision_id;
    const revision = isUuid(revisionId) ? await articleRepository.findRevision(trx, siteId, revisionId) : undefined;
    if (!revision || revision.article_id !== articleId) throw new RevisionNotFoundError(revisionId, siteId);
    const open = await openRun(trx, siteId, articleId);
    if (open) throw new WorkflowInProgressError(articleId, open.id);
    // Nothing with a serious error or missing required metadata goes to the reviewers.
    const report = await checksFor(trx, site, column, article, revision);
    assertNotBlocked(report);
    // Its external links are fetched meanwhile, by the link-check job.
    await requestLinkChecks(trx, siteId, articleId, report.externalLinks, ctx.clock.now());

    const { steps, secrecyWaived } = await stepsFor(trx, site.platform_id, column.kind);
    const now = ctx.clock.now();
    const run = await trx.insertInto('workflow_run').values({
      id: newId(), site_id: siteId, article_id: articleId, revision_id: revisionId, status: 'in_progress', steps,
      current_step: 0, secrecy_waived: secrecyWaived, submitted_by: ctx.actor.userId, submitted_at: now, finished_at: null,
    }).returning(RUN_COLUMNS).executeTakeFirstOrThrow();
    const task = await insertTask(trx, run, 0, now);
    await writeAudit(trx, ctx.clock, ctx.actor, {
      platformId: site.platform_id, siteId, action: 'workflow.submit', objectType: 'article', objectId: articleId,
      after: { runId: run.id, revisionId, steps, secrecyWaived },
    });
    return { ...run, tasks: [task] };
  });
}

export interface ApproveInput {
  comment?: string | null;
}

/** Approve the run's current task; the last approval makes the run approved (ready to publish). */
export async function approveTask(ctx: ServiceContext, siteId: string, runId: string, input: ApproveInput = {}): Promise<RunWithTasks> {
  return inScope(ctx.db, ctx.scope, async (trx) => {
    const { run, task, tasks, site } = await currentTask(trx, ctx, siteId, runId);
    const revision = await articleRepository.findRevision(trx, siteId, run.revision_id);
    if (ctx.actor.userId !== null) {
      if (revision?.created_by === ctx.actor.userId) throw new OwnRevisionError(run.revision_id);
      if (tasks.some((t) => t.acted_by === ctx.actor.userId && t.status === 'approved')) throw new SameReviewerError(task.step);
    }
    const now = ctx.clock.now();
    const done = await trx.updateTable('workflow_task')
      .set({ status: 'approved', acted_by: ctx.actor.userId, acted_at: now, comment: input.comment?.trim() || null })
      .where('site_id', '=', siteId).where('id', '=', task.id).returning(TASK_COLUMNS).executeTakeFirstOrThrow();
    const next = run.current_step + 1;
    const last = next >= run.steps.length;
    const updated = await trx.updateTable('workflow_run')
      .set(last ? { status: 'approved', current_step: next, finished_at: now } : { current_step: next })
      .where('site_id', '=', siteId).where('id', '=', run.id).returning(RUN_COLUMNS).executeTakeFirstOrThrow();
    const following = last ? [] : [await insertTask(trx, run, next, now)];
    await writeAudit(trx, ctx.clock, ctx.actor, {
      platformId: site.platform_id, siteId, action: task.step === 'review' ? 'workflow.review.approve' : 'workflow.secrecy_review.approve',
      objectType: 'article', objectId: run.article_id,
      after: { runId: run.id, revisionId: run.revision_id, step: task.step, runStatus: updated.status, ...(done.comment ? { comment: done.comment } : {}) },
    });
    return { ...updated, tasks: [...tasks.filter((t) => t.id !== task.id), done, ...following] };
  });
}

/** Send the revision back to its editor with a reason (mandatory); the run ends as needs_changes. */
export async function requestChanges(ctx: ServiceContext, siteId: string, runId: string, input: { reason: string }): Promise<RunWithTasks> {
  const reason = (input.reason ?? '').trim();
  if (!reason) throw invalid('reason', 'must say what needs to change');
  if (reason.length > 2000) throw invalid('reason', 'must be at most 2000 characters');
  return inScope(ctx.db, ctx.scope, async (trx) => {
    const { run, task, tasks, site } = await currentTask(trx, ctx, siteId, runId);
    const now = ctx.clock.now();
    const done = await trx.updateTable('workflow_task')
      .set({ status: 'needs_changes', acted_by: ctx.actor.userId, acted_at: now, comment: reason })
      .where('site_id', '=', siteId).where('id', '=', task.id).returning(TASK_COLUMNS).executeTakeFirstOrThrow();
    const updated = await trx.updateTable('workflow_run').set({ status: 'needs_changes', finished_at: now })
      .where('site_id', '=', siteId).where('id', '=', run.id).returning(RUN_COLUMNS).executeTakeFirstOrThrow();
    await writeAudit(trx, ctx.clock, ctx.actor, {
      platformId: site.platform_id, siteId, action: `workflow.${task.step}.needs_changes`, objectType: 'article', objectId: run.article_id,
      after: { runId: run.id, revisionId: run.revision_id, step: task.step, reason },
    });
    return { ...updated, tasks: [...tasks.filter((t) => t.id !== task.id), done] };
  });
}

/** Withdraw a run from review (its editor or anyone who may edit the column). */
export async function cancelRun(ctx: ServiceContext, siteId: string, runId: string): Promise<WorkflowRunRow> {
  return inScope(ctx.db, ctx.scope, async (trx) => {
    const run = await lockRun(trx, siteId, runId);
    if (run.status !== 'in_progress') throw new WorkflowNotInProgressError(runId, run.status);
    const article = await articleRepository.findById(trx, siteId, run.article_id);
    if (!article) throw new ArticleNotFoundError(run.article_id, siteId);
    const { site } = await columnAccess(trx, ctx, siteId, article.primary_column_id, 'content.edit');
    return cancelOpenRun(trx, ctx, site.platform_id, run, 'cancelled');
  });
}

/**
 * End an in-progress run: the editor withdrew it, a newer revision superseded it, or the article
 * went to the trash. Its open task ends cancelled; audited. Runs inside the caller's transaction.
 */
export async function cancelOpenRun(trx: Tx, ctx: ServiceContext, platformId: string, run: WorkflowRunRow, why: 'cancelled' | 'superseded' | 'deleted'): Promise<WorkflowRunRow> {
  const now = ctx.clock.now();
  await trx.updateTable('workflow_task').set({ status: 'cancelled', acted_by: ctx.actor.userId, acted_at: now })
    .where('site_id', '=', run.site_id).where('run_id', '=', run.id).where('status', '=', 'in_progress').execute();
  const updated = await trx.updateTable('workflow_run').set({ status: 'cancelled', finished_at: now })
    .where('site_id', '=', run.site_id).where('id', '=', run.id).returning(RUN_COLUMNS).executeTakeFirstOrThrow();
  await writeAudit(trx, ctx.clock, ctx.actor, {
    platformId, siteId: run.site_id, action: 'workflow.cancel', objectType: 'article', objectId: run.article_id,
    after: { runId: run.id, revisionId: run.revision_id, why },
  });
  return updated;
}

/** The in-progress run of an article, locked, if any. */
export function openRun(trx: Tx, siteId: string, articleId: string): Promise<WorkflowRunRow | undefined> {
  return trx.selectFrom('workflow_run').select(RUN_COLUMNS)
    .where('site_id', '=', siteId).where('article_id', '=', articleId).where('status', '=', 'in_progress')
    .forUpdate().executeTakeFirst();
}

/** The newest approved run of an article, if its revision has not been published since. */
export async function approvedRun(db: Db, siteId: string, articleId: string): Promise<RunWithTasks | undefined> {
  const run = await db.selectFrom('workflow_run').select(RUN_COLUMNS)
    .where('site_id', '=', siteId).where('article_id', '=', articleId).where('status', '=', 'approved')
    .orderBy('finished_at', 'desc').orderBy('id', 'desc').executeTakeFirst();
  if (!run) return undefined;
  const published = await db.selectFrom('article_publication').select('id')
    .where('site_id', '=', siteId).where('run_id', '=', run.id).where('action', '=', 'publish').executeTakeFirst();
  if (published) return undefined;
  return { ...run, tasks: await tasksOf(db, siteId, run.id) };
}

/** A run with its tasks in order. Run it in scope. */
export async function findRun(db: Db, siteId: string, runId: string): Promise<RunWithTasks | undefined> {
  const run = isUuid(runId) ? await db.selectFrom('workflow_run').select(RUN_COLUMNS)
    .where('site_id', '=', siteId).where('id', '=', runId).executeTakeFirst() : undefined;
  return run ? { ...run, tasks: await tasksOf(db, siteId, run.id) } : undefined;
}

/** An article's runs, newest first, with their tasks (the history the editor and auditors see). */
export async function runsOf(db: Db, siteId: string, articleId: string): Promise<RunWithTasks[]> {
  const runs = await db.selectFrom('workflow_run').select(RUN_COLUMNS)
    .where('site_id', '=', siteId).where('article_id', '=', articleId)
    .orderBy('submitted_at', 'desc').orderBy('id', 'desc').execute();
  if (runs.length === 0) return [];
  const tasks = await db.selectFrom('workflow_task').select(TASK_COLUMNS)
    .where('site_id', '=', siteId).where('run_id', 'in', runs.map((r) => r.id)).orderBy('position').execute();
  return runs.map((r) => ({ ...r, tasks: tasks.filter((t) => t.run_id === r.id) }));
}

function tasksOf(db: Db, siteId: string, runId: string): Promise<WorkflowTaskRow[]> {
  return db.selectFrom('workflow_task').select(TASK_COLUMNS).where('site_id', '=', siteId).where('run_id', '=', runId).orderBy('position').execute();
}

async function lockRun(trx: Tx, siteId: string, runId: string): Promise<WorkflowRunRow> {
  const run = isUuid(runId) ? await trx.selectFrom('workflow_run').select(RUN_COLUMNS)
    .where('site_id', '=', siteId).where('id', '=', runId).forUpdate().executeTakeFirst() : undefined;
  if (!run) throw new WorkflowRunNotFoundError(runId, siteId);
  return run;
}

/** The run's open task, with the actor's permission for that step checked on the article's column. */
async function currentTask(trx: Tx, ctx: ServiceContext, siteId: string, runId: string) {
  const run = await lockRun(trx, siteId, runId);
  if (run.status !== 'in_progress') throw new WorkflowNotInProgressError(runId, run.status);
  const tasks = await tasksOf(trx, siteId, run.id);
  const task = tasks.find((t) => t.position === run.current_step && t.status === 'in_progress');
  if (!task) throw new WorkflowNotInProgressError(runId, run.status);
  const article = await articleRepository.findById(trx, siteId, run.article_id);
  if (!article) throw new ArticleNotFoundError(run.article_id, siteId);
  const { site } = await columnAccess(trx, ctx, siteId, article.primary_column_id, STEP_PERMISSION[task.step]);
  return { run, task, tasks, site, article };
}

function insertTask(trx: Tx, run: WorkflowRunRow, position: number, now: Date): Promise<WorkflowTaskRow> {
  return trx.insertInto('workflow_task').values({
    id: newId(), site_id: run.site_id, run_id: run.id, step: run.steps[position]!, position, status: 'in_progress',
    acted_by: null, acted_at: null, comment: null, created_at: now,
  }).returning(TASK_COLUMNS).executeTakeFirstOrThrow();
}

/** Waive secrecy review for a column kind on a platform (platform admins only; audited with its reason). */
export async function waiveSecrecyReview(ctx: ServiceContext, platformId: string, columnKind: string, reason: string): Promise<void> {
  if (!reason.trim()) throw invalid('reason', 'must say why secrecy review is not needed for this kind of column');
  await inScope(ctx.db, ctx.scope, async (trx) => {
    assertPlatformAdmin(ctx, platformId);
    await trx.insertInto('secrecy_waiver').values({
      platform_id: platformId, column_kind: columnKind, reason: reason.trim(), waived_by: ctx.actor.userId, waived_at: ctx.clock.now(),
    }).onConflict((oc) => oc.columns(['platform_id', 'column_kind']).doUpdateSet({ reason: reason.trim(), waived_by: ctx.actor.userId, waived_at: ctx.clock.now() }))
      .execute();
    await writeAudit(trx, ctx.clock, ctx.actor, {
      platformId, action: 'workflow.secrecy_waiver.add', objectType: 'column_kind', objectId: columnKind, after: { reason: reason.trim() },
    });
  });
}

/** Require secrecy review again for a column kind. */
export async function restoreSecrecyReview(ctx: ServiceContext, platformId: string, columnKind: string): Promise<void> {
  await inScope(ctx.db, ctx.scope, async (trx) => {
    assertPlatformAdmin(ctx, platformId);
    const gone = await trx.deleteFrom('secrecy_waiver').where('platform_id', '=', platformId).where('column_kind', '=', columnKind)
      .returning('reason').executeTakeFirst();
    if (!gone) return;
    await writeAudit(trx, ctx.clock, ctx.actor, {
      platformId, action: 'workflow.secrecy_waiver.remove', objectType: 'column_kind', objectId: columnKind, before: { reason: gone.reason },
    });
  });
}

function assertPlatformAdmin(ctx: ServiceContext, platformId: string): void {
  if (ctx.scope.kind !== 'platform' || !ctx.scope.platformIds.includes(platformId) || (ctx.can && !ctx.can('platform.manage', { platformId }))) {
    throw new PlatformAdminRequiredError();
  }
}
