/**
 * Publishing, withdrawing and the trash (谁发布谁负责). Publishing takes the article's approved
 * run and makes its revision live — now, or at a scheduled minute that the periodic job
 * (runDueSchedules) keeps even across restarts, because the schedule is a column on the article,
 * not a timer. Every publish and withdrawal is recorded with who wrote, reviewed,
 * secrecy-reviewed and released it, and audited.
 */
import { invalid } from '@zhanqun/core/errors';
import { isUuid, newId } from '@zhanqun/core/id';
import { writeAudit } from '@zhanqun/audit/audit.writer';
import type { ServiceContext } from '@zhanqun/audit/context';
import type { Clock } from '@zhanqun/core/clock';
import type { ArticlePublicationRow, ArticleRow, Database, SiteColumnRow } from '@zhanqun/db/database';
import { inScope, type Db, type Tx } from '@zhanqun/db/scope';
import { PlatformAdminRequiredError } from '@zhanqun/tenancy/tenancy.errors';
import type { Kysely } from 'kysely';
import * as articleRepository from './article.repository.js';
import { ArticleNotFoundError } from './article.errors.js';
import { makeLive } from './article.service.js';
import { columnAccess } from './column-access.js';
import { assertNotBlocked, checksFor } from './revision-checks.js';
import { approvedRun, cancelOpenRun, openRun, type RunWithTasks } from './workflow.service.js';
import { NotApprovedError, NotInTrashError, NotLiveError } from './workflow.errors.js';

/** How long an article stays in the trash before a platform admin may purge it. */
export const TRASH_DAYS = 30;

export interface PublishInput {
  /** Publish at this minute instead of now (the platform's zone governs input; this is an instant). */
  at?: Date | null;
}

export type PublishResult =
  | { status: 'published'; article: ArticleRow; publication: ArticlePublicationRow }
  | { status: 'scheduled'; article: ArticleRow };

/** Publish the article's approved revision now or at a later minute. Needs content.publish on its column. */
export async function publishApproved(ctx: ServiceContext, siteId: string, articleId: string, input: PublishInput = {}): Promise<PublishResult> {
  const at = input.at ? truncateToMinute(input.at) : null;
  return inScope(ctx.db, ctx.scope, async (trx) => {
    const article = await lockArticle(trx, siteId, articleId);
    const { site, column } = await columnAccess(trx, ctx, siteId, article.primary_column_id, 'content.publish');
    const run = await approvedRun(trx, siteId, articleId);
    if (!run) throw new NotApprovedError(articleId);
    await recheck(trx, site, column, article, run);
    if (at && at > ctx.clock.now()) {
      const scheduled = await articleRepository.update(trx, siteId, articleId, {
        scheduled_publish_at: at, scheduled_by: ctx.actor.userId, updated_at: ctx.clock.now(),
      });
      await writeAudit(trx, ctx.clock, ctx.actor, {
        platformId: site.platform_id, siteId, action: 'article.schedule_publish', objectType: 'article', objectId: articleId,
        after: { at: at.toISOString(), runId: run.id, revisionId: run.revision_id },
      });
      return { status: 'scheduled', article: scheduled };
    }
    return { status: 'published', ...(await publishRun(trx, ctx, site, article, run, false)) };
  });
}

/** The checks again at publish time: the serious-error list may have grown since the review. */
async function recheck(trx: Tx, site: { id: string; platform_id: string }, column: SiteColumnRow, article: ArticleRow, run: RunWithTasks): Promise<void> {
  const revision = await articleRepository.findRevision(trx, site.id, run.revision_id);
  if (revision) assertNotBlocked(await checksFor(trx, site, column, article, revision));
}

async function publishRun(
  trx: Tx, ctx: ServiceContext, site: { id: string; platform_id: string; code: string; site_id_code: string | null },
  article: ArticleRow, run: RunWithTasks, scheduled: boolean,
): Promise<{ article: ArticleRow; publication: ArticlePublicationRow }> {
  const live = await makeLive(trx, ctx, site, article, run.revision_id);
  // The schedule is spent; whoever set a pending withdrawal stays its owner.
  const cleared = await articleRepository.update(trx, site.id, article.id, {
    scheduled_publish_at: null, ...(scheduled || article.scheduled_withdraw_at ? {} : { scheduled_by: null }),
  });
  const revision = await articleRepository.findRevision(trx, site.id, run.revision_id);
  const actedOn = (step: string) => run.tasks.find((t) => t.step === step && t.status === 'approved')?.acted_by ?? null;
  const publication = await trx.insertInto('article_publication').values({
    id: newId(), site_id: site.id, article_id: article.id, revision_id: run.revision_id, run_id: run.id, action: 'publish',
    written_by: revision?.created_by ?? null, reviewed_by: actedOn('review'), secrecy_reviewed_by: actedOn('secrecy_review'),
    secrecy_waived: run.secrecy_waived, released_by: ctx.actor.userId, released_at: ctx.clock.now(), scheduled,
  }).returningAll().executeTakeFirstOrThrow();
  await writeAudit(trx, ctx.clock, ctx.actor, {
    platformId: site.platform_id, siteId: site.id, action: scheduled ? 'article.publish.scheduled' : 'article.publish',
    objectType: 'article', objectId: article.id,
    after: { revisionId: run.revision_id, runId: run.id, url: live.url_path, indexNumber: live.index_number, publicationId: publication.id },
  });
  return { article: { ...live, scheduled_publish_at: cleared.scheduled_publish_at, scheduled_by: cleared.scheduled_by }, publication };
}

export interface WithdrawInput {
  reason: string;
  at?: Date | null;
}

/** Take a live article off the public site (its URL answers 410), now or at a later minute. */
export async function withdrawArticle(ctx: ServiceContext, siteId: string, articleId: string, input: WithdrawInput): Promise<{ status: 'withdrawn' | 'scheduled'; article: ArticleRow }> {
  const reason = (input.reason ?? '').trim();
  if (!reason) throw invalid('reason', 'must say why the article is withdrawn');
  const at = input.at ? truncateToMinute(input.at) : null;
  return inScope(ctx.db, ctx.scope, async (trx) => {
    const article = await lockArticle(trx, siteId, articleId);
    const { site } = await columnAccess(trx, ctx, siteId, article.primary_column_id, 'content.publish');
    if (!article.live) throw new NotLiveError(articleId);
    if (at && at > ctx.clock.now()) {
      const scheduled = await articleRepository.update(trx, siteId, articleId, {
        scheduled_withdraw_at: at, scheduled_by: ctx.actor.userId, updated_at: ctx.clock.now(),
      });
      await writeAudit(trx, ctx.clock, ctx.actor, {
        platformId: site.platform_id, siteId, action: 'article.schedule_withdraw', objectType: 'article', objectId: articleId,
        after: { at: at.toISOString(), reason },
      });
      return { status: 'scheduled', article: scheduled };
    }
    return { status: 'withdrawn', article: await takeDown(trx, ctx, site.platform_id, article, reason, false) };
  });
}

async function takeDown(trx: Tx, ctx: ServiceContext, platformId: string, article: ArticleRow, reason: string, scheduled: boolean): Promise<ArticleRow> {
  const now = ctx.clock.now();
  if (article.url_path) {
    await trx.updateTable('url_path').set({ kind: 'gone' })
      .where('site_id', '=', article.site_id).where('path', '=', article.url_path).where('article_id', '=', article.id).execute();
  }
  const down = await articleRepository.update(trx, article.site_id, article.id, {
    live: false, withdrawn_at: now, scheduled_withdraw_at: null, updated_at: now,
  });
  if (article.live_revision_id) {
    await trx.insertInto('article_publication').values({
      id: newId(), site_id: article.site_id, article_id: article.id, revision_id: article.live_revision_id, run_id: null,
      action: 'withdraw', written_by: null, reviewed_by: null, secrecy_reviewed_by: null, released_by: ctx.actor.userId,
      released_at: now, scheduled,
    }).execute();
  }
  await writeAudit(trx, ctx.clock, ctx.actor, {
    platformId, siteId: article.site_id, action: scheduled ? 'article.withdraw.scheduled' : 'article.withdraw',
    objectType: 'article', objectId: article.id, after: { url: article.url_path, reason },
  });
  return down;
}

/** Drop a pending scheduled publish or withdrawal. */
export async function cancelSchedule(ctx: ServiceContext, siteId: string, articleId: string): Promise<ArticleRow> {
  return inScope(ctx.db, ctx.scope, async (trx) => {
    const article = await lockArticle(trx, siteId, articleId);
    const { site } = await columnAccess(trx, ctx, siteId, article.primary_column_id, 'content.publish');
    const updated = await articleRepository.update(trx, siteId, articleId, {
      scheduled_publish_at: null, scheduled_withdraw_at: null, scheduled_by: null, updated_at: ctx.clock.now(),
    });
    await writeAudit(trx, ctx.clock, ctx.actor, {
      platformId: site.platform_id, siteId, action: 'article.schedule_cancel', objectType: 'article', objectId: articleId,
      before: { publishAt: article.scheduled_publish_at?.toISOString() ?? null, withdrawAt: article.scheduled_withdraw_at?.toISOString() ?? null },
    });
    return updated;
  });
}

/** Move an article to the trash: off the public site (410), out of review, restorable for 30 days. */
export async function trashArticle(ctx: ServiceContext, siteId: string, articleId: string): Promise<ArticleRow> {
  return inScope(ctx.db, ctx.scope, async (trx) => {
    const article = await lockArticle(trx, siteId, articleId);
    // Taking live content down is a publisher's call; a draft is its editor's.
    const { site } = await columnAccess(trx, ctx, siteId, article.primary_column_id, article.live ? 'content.publish' : 'content.edit');
    if (article.live) await takeDown(trx, ctx, site.platform_id, article, '删除 (moved to the trash)', false);
    const run = await openRun(trx, siteId, articleId);
    if (run) await cancelOpenRun(trx, ctx, site.platform_id, run, 'deleted');
    const now = ctx.clock.now();
    const trashed = await articleRepository.update(trx, siteId, articleId, {
      deleted_at: now, deleted_by: ctx.actor.userId, scheduled_publish_at: null, scheduled_withdraw_at: null, updated_at: now,
    });
    await writeAudit(trx, ctx.clock, ctx.actor, {
      platformId: site.platform_id, siteId, action: 'article.trash', objectType: 'article', objectId: articleId,
      after: { title: article.draft_title, wasLive: article.live },
    });
    return trashed;
  });
}

/** Bring an article back from the trash as an unpublished draft (it goes through review again). */
export async function restoreArticle(ctx: ServiceContext, siteId: string, articleId: string): Promise<ArticleRow> {
  return inScope(ctx.db, ctx.scope, async (trx) => {
    const article = isUuid(articleId) ? await trx.selectFrom('article').select(articleRepository.ARTICLE_COLUMNS)
      .where('site_id', '=', siteId).where('id', '=', articleId).forUpdate().executeTakeFirst() : undefined;
    if (!article?.deleted_at) throw new NotInTrashError(articleId);
    const { site } = await columnAccess(trx, ctx, siteId, article.primary_column_id, 'content.edit');
    const restored = await articleRepository.update(trx, siteId, articleId, {
      deleted_at: null, deleted_by: null, has_unpublished_changes: true, updated_at: ctx.clock.now(),
    });
    await writeAudit(trx, ctx.clock, ctx.actor, {
      platformId: site.platform_id, siteId, action: 'article.restore', objectType: 'article', objectId: articleId,
      before: { deletedAt: article.deleted_at.toISOString() },
    });
    return restored;
  });
}

/** An article's publications and withdrawals, newest first, with the names of everyone answerable. */
export async function publicationHistory(db: Db, siteId: string, articleId: string) {
  return db.selectFrom('article_publication as ap')
    .leftJoin('app_user as w', 'w.id', 'ap.written_by')
    .leftJoin('app_user as r', 'r.id', 'ap.reviewed_by')
    .leftJoin('app_user as s', 's.id', 'ap.secrecy_reviewed_by')
    .leftJoin('app_user as p', 'p.id', 'ap.released_by')
    .select([
      'ap.id', 'ap.action', 'ap.revision_id', 'ap.run_id', 'ap.released_at', 'ap.scheduled', 'ap.secrecy_waived',
      'w.display_name as written_by_name', 'r.display_name as reviewed_by_name',
      's.display_name as secrecy_reviewed_by_name', 'p.display_name as released_by_name',
    ])
    .where('ap.site_id', '=', siteId).where('ap.article_id', '=', articleId)
    .orderBy('ap.released_at', 'desc').orderBy('ap.id', 'desc').execute();
}

async function lockArticle(trx: Tx, siteId: string, articleId: string): Promise<ArticleRow> {
  const article = isUuid(articleId) ? await articleRepository.lockById(trx, siteId, articleId) : undefined;
  if (!article?.latest_revision_id) throw new ArticleNotFoundError(articleId, siteId);
  return article;
}

function truncateToMinute(d: Date): Date {
  if (Number.isNaN(d.getTime())) throw invalid('at', 'must be a date and time');
  return new Date(Math.floor(d.getTime() / 60_000) * 60_000);
}

/** A schedule that fell due, found by the periodic job. */
export interface DueSchedule {
  kind: 'publish' | 'withdraw';
  platformId: string;
  siteId: string;
  articleId: string;
  scheduledBy: string | null;
}

/** What the job needs to act in the scheduling person's name (the server builds it from identity). */
export type ScheduleActor = (userId: string | null, platformId: string) => Promise<Pick<ServiceContext, 'actor' | 'can'>>;

export interface DueRunResult {
  published: string[];
  withdrawn: string[];
  /** Schedules dropped because they can no longer run (no approved revision, permission gone), with the reason. */
  failed: { articleId: string; kind: 'publish' | 'withdraw'; error: string }[];
}

/**
 * The periodic job's body: publish and withdraw what is due at the clock's minute, each in its
 * own transaction, in the name of whoever scheduled it (their permission is checked again now).
 * A schedule that cannot run is dropped with an audit entry saying why, so it does not retry
 * forever. Safe to run on several instances at once: each article row is locked and re-read.
 */
export async function runDueSchedules(db: Kysely<Database>, clock: Clock, actorFor: ScheduleActor): Promise<DueRunResult> {
  const now = clock.now();
  const result: DueRunResult = { published: [], withdrawn: [], failed: [] };
  for (const due of await findDue(db, now)) {
    const { actor, can } = await actorFor(due.scheduledBy, due.platformId);
    const ctx: ServiceContext = { db, clock, actor, scope: { kind: 'platform', platformIds: [due.platformId], userId: due.scheduledBy }, ...(can ? { can } : {}) };
    try {
      const done = await inScope(db, ctx.scope, async (trx) => {
        const article = await articleRepository.lockById(trx, due.siteId, due.articleId);
        const stillDue = due.kind === 'publish' ? article?.scheduled_publish_at : article?.scheduled_withdraw_at;
        if (!article || !stillDue || stillDue > now) return false; // another instance did it, or it was changed
        const { site, column } = await columnAccess(trx, ctx, due.siteId, article.primary_column_id, 'content.publish');
        if (due.kind === 'withdraw') {
          if (!article.live) throw new NotLiveError(article.id);
          await takeDown(trx, ctx, site.platform_id, article, '定时撤稿 (scheduled withdrawal)', true);
          return true;
        }
        const run = await approvedRun(trx, due.siteId, due.articleId);
        if (!run) throw new NotApprovedError(article.id);
        await recheck(trx, site, column, article, run);
        await publishRun(trx, ctx, site, article, run, true);
        return true;
      });
      if (done) (due.kind === 'publish' ? result.published : result.withdrawn).push(due.articleId);
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      result.failed.push({ articleId: due.articleId, kind: due.kind, error });
      await dropSchedule(ctx, due, error);
    }
  }
  return result;
}

async function dropSchedule(ctx: ServiceContext, due: DueSchedule, error: string): Promise<void> {
  await inScope(ctx.db, ctx.scope, async (trx) => {
    await trx.updateTable('article').set(due.kind === 'publish' ? { scheduled_publish_at: null } : { scheduled_withdraw_at: null })
      .where('site_id', '=', due.siteId).where('id', '=', due.articleId).execute();
    await writeAudit(trx, ctx.clock, ctx.actor, {
      platformId: due.platformId, siteId: due.siteId, action: `article.schedule_failed`, objectType: 'article', objectId: due.articleId,
      after: { kind: due.kind, error },
    });
  });
}

/** Due schedules across every platform, each platform read under its own scope. */
async function findDue(db: Kysely<Database>, now: Date): Promise<DueSchedule[]> {
  const platforms = await db.selectFrom('platform').select('id').execute();
  const due: DueSchedule[] = [];
  for (const { id: platformId } of platforms) {
    const rows = await inScope(db, { kind: 'platform', platformIds: [platformId] }, (trx) => trx.selectFrom('article')
      .innerJoin('site', 'site.id', 'article.site_id')
      .select(['article.id', 'article.site_id', 'article.scheduled_by', 'article.scheduled_publish_at', 'article.scheduled_withdraw_at'])
      .where('site.platform_id', '=', platformId).where('article.deleted_at', 'is', null)
      .where((eb) => eb.or([eb('article.scheduled_publish_at', '<=', now), eb('article.scheduled_withdraw_at', '<=', now)]))
      .orderBy('article.scheduled_publish_at').limit(500).execute());
    for (const r of rows) {
      // A withdrawal due at the same minute as a publish runs after it.
      if (r.scheduled_publish_at && r.scheduled_publish_at <= now) due.push({ kind: 'publish', platformId, siteId: r.site_id, articleId: r.id, scheduledBy: r.scheduled_by });
      if (r.scheduled_withdraw_at && r.scheduled_withdraw_at <= now) due.push({ kind: 'withdraw', platformId, siteId: r.site_id, articleId: r.id, scheduledBy: r.scheduled_by });
    }
  }
  return due;
}

/**
 * Purge an article from the trash for good (platform admins, after TRASH_DAYS; audited). Only a
 * draft that never went live can go: a published article is a record of what the government
 * said and who answered for it, so it stays, off the site (410), with its publication record.
 */
export async function purgeArticle(ctx: ServiceContext, siteId: string, articleId: string): Promise<void> {
  await inScope(ctx.db, ctx.scope, async (trx) => {
    const article = isUuid(articleId) ? await trx.selectFrom('article').select(articleRepository.ARTICLE_COLUMNS)
      .where('site_id', '=', siteId).where('id', '=', articleId).forUpdate().executeTakeFirst() : undefined;
    if (!article?.deleted_at) throw new NotInTrashError(articleId);
    const site = await trx.selectFrom('site').select(['platform_id']).where('id', '=', siteId).executeTakeFirstOrThrow();
    if (ctx.scope.kind !== 'platform' || !ctx.scope.platformIds.includes(site.platform_id) || (ctx.can && !ctx.can('platform.manage', { platformId: site.platform_id }))) {
      throw new PlatformAdminRequiredError();
    }
    const due = new Date(article.deleted_at.getTime() + TRASH_DAYS * 24 * 3600_000);
    if (due > ctx.clock.now()) throw invalid('articleId', `stays in the trash until ${due.toISOString()} (${TRASH_DAYS} days)`);
    if (article.first_published_at) throw invalid('articleId', 'was published: it is kept as a record, off the site');
    await trx.updateTable('article').set({ interprets_article_id: null }).where('site_id', '=', siteId).where('interprets_article_id', '=', articleId).execute();
    await trx.deleteFrom('link_check').where('site_id', '=', siteId).where('article_id', '=', articleId).execute();
    const runs = trx.selectFrom('workflow_run').select('id').where('site_id', '=', siteId).where('article_id', '=', articleId);
    await trx.deleteFrom('workflow_task').where('site_id', '=', siteId).where('run_id', 'in', runs).execute();
    await trx.deleteFrom('workflow_run').where('site_id', '=', siteId).where('article_id', '=', articleId).execute();
    await trx.deleteFrom('article_placement').where('site_id', '=', siteId).where('article_id', '=', articleId).execute();
    const revisions = trx.selectFrom('article_revision').select('id').where('site_id', '=', siteId).where('article_id', '=', articleId);
    await trx.deleteFrom('revision_attachment').where('site_id', '=', siteId).where('revision_id', 'in', revisions).execute();
    await trx.updateTable('article').set({ latest_revision_id: null, live_revision_id: null }).where('site_id', '=', siteId).where('id', '=', articleId).execute();
    await trx.deleteFrom('article_revision').where('site_id', '=', siteId).where('article_id', '=', articleId).execute();
    await trx.deleteFrom('article').where('site_id', '=', siteId).where('id', '=', articleId).execute();
    await writeAudit(trx, ctx.clock, ctx.actor, {
      platformId: site.platform_id, siteId, action: 'article.purge', objectType: 'article', objectId: articleId,
      before: { title: article.draft_title, deletedAt: article.deleted_at.toISOString() },
    });
  });
}
