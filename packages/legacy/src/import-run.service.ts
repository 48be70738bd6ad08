/**
 * Import runs: their start and end, their liveness, their reports (status) and their rollback.
 * Rollback removes exactly what a run created — its articles with their revisions, placements,
 * URLs and legacy URL entries, and their ID map rows — in one audited transaction. What the run
 * only updated (created by an earlier run) stays, and is counted in the rollback's answer. A file
 * the run stored goes unless an article that stays still lists it, or the site's theme settings or
 * partials show it (mirror-files.ts, settleRunFiles).
 *
 * One run per legacy site at a time, and an interrupted run resumes (issue 7). A run beats a
 * heartbeat (heartbeat_at) while it runs; a run whose last beat is older than STALE_MS has died
 * (its process was killed, the machine went down) and the next run of its legacy site marks it
 * interrupted and resumes it: the ID map and content hashes make what it wrote count as
 * unchanged, so nothing is written twice. A run that fails in its process (an exception, the
 * CLI's Ctrl-C) says so itself at once (guardRun, interruptActiveRuns).
 *
 * Why a heartbeat and not a Postgres advisory lock held for the run: a session lock needs one
 * connection held for the whole run besides the run's own transactions, which the embedded
 * PGlite (one connection, used in turn) cannot give without stalling the run itself, and which a
 * transaction-mode pooler would hand to others; a backend whose client host vanished keeps its
 * lock until TCP keepalive gives up (hours by default). A heartbeat works the same on both
 * databases and through poolers; its price is that a run killed without a word (kill -9, power
 * loss) holds its legacy site until STALE_MS after its last beat — the refusal says until when.
 */
import { isUuid, newId } from '@zhanqun/core/id';
import { formatZoned } from '@zhanqun/core/time';
import { writeAudit } from '@zhanqun/audit/audit.writer';
import type { ServiceContext } from '@zhanqun/audit/context';
import type { LegacyImportRunRow, LegacyRunStatus, LegacySourceKind } from '@zhanqun/db/database';
import { inScope, type Db, type Tx } from '@zhanqun/db/scope';
import { writableSite } from '@zhanqun/tenancy/site-access';
import { settleRunFiles } from './mirror/mirror-files.js';
import { ImportRunInterruptedError, ImportRunNotFoundError, ImportRunRunningError, RunAlreadyRolledBackError } from './legacy.errors.js';

/** One item in a run's report: where it stood in the source, and what became of it. */
export interface ItemOutcome { index: number; line: number; key: string; title: string; reason: string }

/** What every importer's run report says; each importer adds its own counts. */
export interface RunReport {
  source: string;
  legacySite: string;
  /** The interrupted run this one resumes: what that run wrote counts as unchanged (or updated). */
  resumes: string | null;
  found: number;
  imported: number;
  updated: number;
  unchanged: number;
  urlEntries: number;
  failed: ItemOutcome[];
  notes: ItemOutcome[];
  /** Links to the old site rewritten to the new URLs. */
  linksRewritten: number;
  /** Links to the old site that lead to no imported page (broken after import), and why when known. */
  brokenLinks: { articleId: string; title: string; url: string; reason?: string }[];
}

const RUN_COLUMNS = ['id', 'site_id', 'legacy_site_id', 'source_kind', 'source_name', 'operator_user_id', 'operator_label', 'status', 'report',
  'started_at', 'finished_at', 'rolled_back_at', 'heartbeat_at', 'resumes_run_id'] as const;

/** How often a running run beats (real time: the process is alive while its timer fires). */
export const HEARTBEAT_MS = 15_000;
/**
 * A run not heard of for this long has died. Eight missed beats: a run's event loop is never busy
 * that long (pages are parsed one at a time, in milliseconds), so a live run is never taken for dead.
 */
export const STALE_MS = 2 * 60_000;

/** Runs of this process, beating: what guardRun and interruptActiveRuns act on. */
const active = new Map<string, { ctx: ServiceContext; siteId: string; timer: NodeJS.Timeout }>();

type Liveness = Pick<LegacyImportRunRow, 'status' | 'started_at' | 'heartbeat_at'>;

/** Whether a running run is still alive at `now` (heard of within STALE_MS). */
export function isRunAlive(run: Liveness, now: Date): boolean {
  return run.status === 'running' && now.getTime() - (run.heartbeat_at ?? run.started_at).getTime() < STALE_MS;
}

/** A run's status as a reader should see it: a running run that has died is interrupted, even before the next run marks it. */
export function runStatus(run: Liveness, now: Date): LegacyRunStatus {
  return run.status === 'running' && !isRunAlive(run, now) ? 'interrupted' : run.status;
}

/** What a run wrote, from the ID map (a run that never finished has no report to say it). */
export async function runWrites(db: Db, siteId: string, runId: string): Promise<{ created: number; updated: number }> {
  const row = await db.selectFrom('legacy_item').where('site_id', '=', siteId).where('updated_run_id', '=', runId)
    .select((eb) => [eb.fn.countAll<string>().as('touched'), eb.fn.count<string>(eb.case().when('created_run_id', '=', runId).then(1).end()).as('created')])
    .executeTakeFirstOrThrow();
  return { created: Number(row.created), updated: Number(row.touched) - Number(row.created) };
}

/** The refusal while a run is alive, with when it was last heard of and from when it would count as dead (`details`, for the CLI and API). */
function runningError(run: { id: string; started_at: Date; heartbeat_at: Date | null }, legacyCode: string): Error {
  const last = run.heartbeat_at ?? run.started_at;
  const deadFrom = new Date(last.getTime() + STALE_MS);
  return Object.assign(new ImportRunRunningError(run.id, legacyCode, formatZoned(last, 'yyyy-MM-dd HH:mm:ss'), formatZoned(deadFrom, 'yyyy-MM-dd HH:mm:ss')), {
    details: { runId: run.id, legacySite: legacyCode, lastSignOfLife: last.toISOString(), deadFrom: deadFrom.toISOString() },
  });
}

export interface RunToBegin { id: string; legacySiteId: string; sourceKind: LegacySourceKind; sourceName: string }

/**
 * Start a run of a legacy site in the caller's transaction (site.manage). Refused while another
 * run of the same legacy site is alive; runs of it that died are marked interrupted first, and
 * the new run resumes the last run when that one was interrupted. The run beats until guardRun
 * (or finishRun) ends it.
 */
export async function beginRun(trx: Tx, ctx: ServiceContext, siteId: string, run: RunToBegin): Promise<{ resumes: string | null }> {
  const site = await writableSite(trx, ctx, siteId);
  // Starts of one legacy site's runs queue on its row, so the check and the insert are one step
  // (the partial unique index legacy_import_run_running_uq holds it too).
  const legacy = await trx.selectFrom('legacy_site').select(['id', 'code']).where('site_id', '=', siteId).where('id', '=', run.legacySiteId)
    .forUpdate().executeTakeFirstOrThrow();
  const now = ctx.clock.now();
  const unfinished = await trx.selectFrom('legacy_import_run').select(['id', 'status', 'started_at', 'heartbeat_at'])
    .where('site_id', '=', siteId).where('legacy_site_id', '=', legacy.id).where('status', '=', 'running').execute();
  const alive = unfinished.find((r) => isRunAlive(r, now));
  if (alive) throw runningError(alive, legacy.code);
  for (const dead of unfinished) {
    await trx.updateTable('legacy_import_run').set({ status: 'interrupted' }).where('site_id', '=', siteId).where('id', '=', dead.id).execute();
    await writeAudit(trx, ctx.clock, ctx.actor, {
      platformId: site.platform_id, siteId, action: 'legacy_import.interrupt', objectType: 'legacy_import_run', objectId: dead.id,
      after: { lastHeartbeatAt: dead.heartbeat_at ?? dead.started_at, foundBy: run.id },
    });
  }
  const last = await trx.selectFrom('legacy_import_run').select(['id', 'status']).where('site_id', '=', siteId).where('legacy_site_id', '=', legacy.id)
    .orderBy('started_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
  const resumes = last?.status === 'interrupted' ? last.id : null;
  await trx.insertInto('legacy_import_run').values({
    id: run.id, site_id: siteId, legacy_site_id: legacy.id, source_kind: run.sourceKind, source_name: run.sourceName,
    operator_user_id: ctx.actor.userId, operator_label: ctx.actor.label, started_at: now, finished_at: null, rolled_back_at: null,
    heartbeat_at: now, resumes_run_id: resumes,
  }).execute();
  beat(ctx, siteId, run.id);
  return { resumes };
}

/** Beat for a run of this process until it ends. A missed beat only ages the run; a run whose database is gone fails on its own. */
function beat(ctx: ServiceContext, siteId: string, runId: string): void {
  const timer = setInterval(() => {
    void inScope(ctx.db, ctx.scope, (trx) => trx.updateTable('legacy_import_run').set({ heartbeat_at: ctx.clock.now() })
      .where('site_id', '=', siteId).where('id', '=', runId).where('status', '=', 'running').execute()).catch(() => undefined);
  }, HEARTBEAT_MS);
  timer.unref(); // a beat never keeps a finished CLI alive
  active.set(runId, { ctx, siteId, timer });
}

function stopBeating(runId: string): void {
  const run = active.get(runId);
  if (run) clearInterval(run.timer);
  active.delete(runId);
}

/**
 * Run an importer's body with a new run id: whatever ends it early (an error, a failed
 * callback) marks its run interrupted at once, so the next run resumes it without waiting for
 * the heartbeat to go stale; its heartbeat stops however it ends. Every importer runs in one.
 */
export async function guardRun<T>(ctx: ServiceContext, siteId: string, body: (runId: string) => Promise<T>): Promise<T> {
  const runId = newId();
  try {
    return await body(runId);
  } catch (err) {
    if (active.has(runId)) await markInterrupted(runId, (err as Error).message).catch(() => undefined);
    throw err;
  } finally {
    stopBeating(runId);
  }
}

async function markInterrupted(runId: string, reason: string): Promise<void> {
  const run = active.get(runId);
  if (!run) return;
  const { ctx, siteId } = run;
  stopBeating(runId);
  await inScope(ctx.db, ctx.scope, async (trx) => {
    const site = await writableSite(trx, ctx, siteId);
    const marked = await trx.updateTable('legacy_import_run').set({ status: 'interrupted', heartbeat_at: ctx.clock.now() })
      .where('site_id', '=', siteId).where('id', '=', runId).where('status', '=', 'running').executeTakeFirst();
    if (!Number(marked.numUpdatedRows)) return;
    await writeAudit(trx, ctx.clock, ctx.actor, {
      platformId: site.platform_id, siteId, action: 'legacy_import.interrupt', objectType: 'legacy_import_run', objectId: runId, after: { reason },
    });
  });
}

/**
 * Mark every run of this process interrupted (the CLI on Ctrl-C or SIGTERM, before it exits),
 * so the next run resumes at once. Returns their ids.
 */
export async function interruptActiveRuns(reason: string): Promise<string[]> {
  const ids = [...active.keys()];
  await Promise.all(ids.map((id) => markInterrupted(id, reason).catch(() => undefined)));
  return ids;
}

/**
 * End a run: its report stored with it, status finished, and one audit entry with the counts a
 * reader of the trail needs (`summary`, per importer). Every importer ends its runs here. A run
 * marked interrupted meanwhile (taken for dead) stays so: what it wrote is the next run's to resume.
 */
export async function finishRun(ctx: ServiceContext, siteId: string, runId: string, report: RunReport, summary: Record<string, unknown>): Promise<void> {
  stopBeating(runId);
  await inScope(ctx.db, ctx.scope, async (trx) => {
    const site = await writableSite(trx, ctx, siteId);
    const done = await trx.updateTable('legacy_import_run').set({ status: 'finished', finished_at: ctx.clock.now(), heartbeat_at: ctx.clock.now(), report: JSON.stringify(report) })
      .where('site_id', '=', siteId).where('id', '=', runId).where('status', '=', 'running').executeTakeFirst();
    if (!Number(done.numUpdatedRows)) throw new ImportRunInterruptedError(runId);
    await writeAudit(trx, ctx.clock, ctx.actor, {
      platformId: site.platform_id, siteId, action: 'legacy_import.run', objectType: 'legacy_import_run', objectId: runId, after: summary,
    });
  });
}

/** A site's import runs, newest first. */
export async function listRuns(db: Db, siteId: string, limit = 50): Promise<LegacyImportRunRow[]> {
  return db.selectFrom('legacy_import_run').select(RUN_COLUMNS).where('site_id', '=', siteId)
    .orderBy('started_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

/** One run of a site, or undefined. */
export async function findRun(db: Db, siteId: string, runId: string): Promise<LegacyImportRunRow | undefined> {
  if (!isUuid(runId)) return undefined;
  return db.selectFrom('legacy_import_run').select(RUN_COLUMNS).where('site_id', '=', siteId).where('id', '=', runId).executeTakeFirst();
}

export interface RollbackResult {
  runId: string; removedArticles: number; removedEntries: number; removedFiles: number;
  /** Files the run stored that articles of other runs (or the site's own) still list, or its theme shows: kept, with their ID map rows (settleRunFiles). */
  keptFiles: number;
  keptUpdated: number; keptReleased: number;
}

/** Remove what a run created (site.manage). */
export async function rollbackRun(ctx: ServiceContext, siteId: string, runId: string): Promise<RollbackResult> {
  return inScope(ctx.db, ctx.scope, async (trx) => {
    const site = await writableSite(trx, ctx, siteId);
    const run = isUuid(runId) ? await trx.selectFrom('legacy_import_run as r').innerJoin('legacy_site as l', (j) => j.onRef('l.site_id', '=', 'r.site_id').onRef('l.id', '=', 'r.legacy_site_id'))
      .select(['r.id', 'r.status', 'r.started_at', 'r.heartbeat_at', 'l.code']).where('r.site_id', '=', siteId).where('r.id', '=', runId).forUpdate('r').executeTakeFirst() : undefined;
    if (!run) throw new ImportRunNotFoundError(runId);
    if (run.status === 'rolled_back') throw new RunAlreadyRolledBackError(runId);
    // A run still writing would go on adding what the rollback removes: it must end first (a dead one may go).
    if (isRunAlive(run, ctx.clock.now())) throw runningError(run, run.code);
    const created = await trx.selectFrom('legacy_item').select(['id', 'article_id']).where('site_id', '=', siteId).where('created_run_id', '=', runId).execute();
    // An article published since through the workflow is a record someone answers for (谁发布谁负责): it stays.
    const released = new Set((await trx.selectFrom('article_publication').select('article_id').where('site_id', '=', siteId)
      .where('article_id', 'in', created.map((i) => i.article_id ?? '00000000-0000-0000-0000-000000000000')).execute()).map((r) => r.article_id));
    const articleIds = created.map((i) => i.article_id).filter((id): id is string => id !== null && !released.has(id));
    const keptUpdated = await trx.selectFrom('legacy_item').select('id').where('site_id', '=', siteId)
      .where('updated_run_id', '=', runId).where('created_run_id', '!=', runId).execute();
    // The files the run stored, and the ID map rows naming them, are settled once its articles are gone (settleRunFiles).
    const ownFiles = trx.selectFrom('legacy_item').select('attachment_id').where('site_id', '=', siteId).where('created_run_id', '=', runId)
      .where('legacy_key', 'like', 'file:%').where('attachment_id', 'is not', null);
    // Entries the run made without an article (list pages, retired pages) go with their ID map rows.
    const entryIds = (await trx.selectFrom('legacy_item').select('url_path_id').where('site_id', '=', siteId).where('created_run_id', '=', runId)
      .where('article_id', 'is', null).where('url_path_id', 'is not', null)
      .where((eb) => eb.or([eb('attachment_id', 'is', null), eb('attachment_id', 'not in', ownFiles)])).execute()).map((r) => r.url_path_id!);
    // Items of later runs that only updated what this run created go with it: their articles are gone.
    await trx.deleteFrom('legacy_item').where('site_id', '=', siteId).where('created_run_id', '=', runId)
      .where((eb) => eb.or([eb('article_id', 'is', null), eb('article_id', 'not in', [...released, '00000000-0000-0000-0000-000000000000'])]))
      .where((eb) => eb.or([eb('attachment_id', 'is', null), eb('attachment_id', 'not in', ownFiles)])).execute();
    let removedEntries = 0;
    for (let i = 0; i < entryIds.length; i += 1000) {
      const removed = await trx.deleteFrom('url_path').where('site_id', '=', siteId).where('id', 'in', entryIds.slice(i, i + 1000))
        .where('legacy_site_id', 'is not', null).executeTakeFirst();
      removedEntries += Number(removed.numDeletedRows);
    }
    if (articleIds.length) {
      const entries = await trx.deleteFrom('url_path').where('site_id', '=', siteId).where('article_id', 'in', articleIds)
        .where('legacy_site_id', 'is not', null).executeTakeFirst();
      removedEntries += Number(entries.numDeletedRows);
      await removeArticles(trx, siteId, articleIds);
    }
    const files = await settleRunFiles(trx, siteId, runId);
    removedEntries += files.removedEntries;
    await trx.updateTable('legacy_import_run').set({ status: 'rolled_back', rolled_back_at: ctx.clock.now() })
      .where('site_id', '=', siteId).where('id', '=', runId).execute();
    const result = {
      runId, removedArticles: articleIds.length, removedEntries, removedFiles: files.removedFiles, keptFiles: files.keptFiles, keptUpdated: keptUpdated.length,
      keptReleased: released.size,
    };
    await writeAudit(trx, ctx.clock, ctx.actor, {
      platformId: site.platform_id, siteId, action: 'legacy_import.rollback', objectType: 'legacy_import_run', objectId: runId,
      after: { ...result, articleIds },
    });
    return result;
  });
}

/** Delete imported articles and everything that hangs off them (as the trash purge does). */
async function removeArticles(trx: Tx, siteId: string, articleIds: string[]): Promise<void> {
  await trx.updateTable('article').set({ interprets_article_id: null }).where('site_id', '=', siteId).where('interprets_article_id', 'in', articleIds).execute();
  await trx.deleteFrom('link_check').where('site_id', '=', siteId).where('article_id', 'in', articleIds).execute();
  const runs = trx.selectFrom('workflow_run').select('id').where('site_id', '=', siteId).where('article_id', 'in', articleIds);
  await trx.deleteFrom('workflow_task').where('site_id', '=', siteId).where('run_id', 'in', runs).execute();
  await trx.deleteFrom('workflow_run').where('site_id', '=', siteId).where('article_id', 'in', articleIds).execute();
  await trx.deleteFrom('article_placement').where('site_id', '=', siteId).where('article_id', 'in', articleIds).execute();
  await trx.deleteFrom('url_path').where('site_id', '=', siteId).where('article_id', 'in', articleIds).execute();
  const revisions = trx.selectFrom('article_revision').select('id').where('site_id', '=', siteId).where('article_id', 'in', articleIds);
  await trx.deleteFrom('revision_attachment').where('site_id', '=', siteId).where('revision_id', 'in', revisions).execute();
  await trx.updateTable('article').set({ latest_revision_id: null, live_revision_id: null }).where('site_id', '=', siteId).where('id', 'in', articleIds).execute();
  await trx.deleteFrom('article_revision').where('site_id', '=', siteId).where('article_id', 'in', articleIds).execute();
  await trx.deleteFrom('article').where('site_id', '=', siteId).where('id', 'in', articleIds).execute();
}
