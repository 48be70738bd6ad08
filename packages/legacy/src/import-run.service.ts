/**
 * Import runs: their reports (status) and their rollback. Rollback removes exactly what a run
 * created — its articles with their revisions, placements, URLs and legacy URL entries, and their
 * ID map rows — in one audited transaction. What the run only updated (created by an earlier
 * run) stays, and is counted in the rollback's answer.
 */
import { isUuid } from '@zhanqun/core/id';
import { writeAudit } from '@zhanqun/audit/audit.writer';
import type { ServiceContext } from '@zhanqun/audit/context';
import type { LegacyImportRunRow } from '@zhanqun/db/database';
import { inScope, type Db, type Tx } from '@zhanqun/db/scope';
import { writableSite } from '@zhanqun/tenancy/site-access';
import { ImportRunNotFoundError, RunAlreadyRolledBackError } from './legacy.errors.js';

const RUN_COLUMNS = ['id', 'site_id', 'legacy_site_id', 'source_kind', 'source_name', 'operator_user_id', 'operator_label', 'status', 'report',
  'started_at', 'finished_at', 'rolled_back_at'] as const;

/**
 * End a run: its report stored with it, status finished, and one audit entry with the counts a
 * reader of the trail needs (`summary`, per importer). Every importer ends its runs here.
 */
export async function finishRun(ctx: ServiceContext, siteId: string, runId: string, report: object, summary: Record<string, unknown>): Promise<void> {
  await inScope(ctx.db, ctx.scope, async (trx) => {
    const site = await writableSite(trx, ctx, siteId);
    await trx.updateTable('legacy_import_run').set({ status: 'finished', finished_at: ctx.clock.now(), report: JSON.stringify(report) })
      .where('site_id', '=', siteId).where('id', '=', runId).execute();
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

export interface RollbackResult { runId: string; removedArticles: number; removedEntries: number; removedFiles: number; keptUpdated: number; keptReleased: number }

/** Remove what a run created (site.manage). */
export async function rollbackRun(ctx: ServiceContext, siteId: string, runId: string): Promise<RollbackResult> {
  return inScope(ctx.db, ctx.scope, async (trx) => {
    const site = await writableSite(trx, ctx, siteId);
    const run = isUuid(runId) ? await trx.selectFrom('legacy_import_run').select(['id', 'status']).where('site_id', '=', siteId).where('id', '=', runId).forUpdate().executeTakeFirst() : undefined;
    if (!run) throw new ImportRunNotFoundError(runId);
    if (run.status === 'rolled_back') throw new RunAlreadyRolledBackError(runId);
    const created = await trx.selectFrom('legacy_item').select(['id', 'article_id']).where('site_id', '=', siteId).where('created_run_id', '=', runId).execute();
    // An article published since through the workflow is a record someone answers for (谁发布谁负责): it stays.
    const released = new Set((await trx.selectFrom('article_publication').select('article_id').where('site_id', '=', siteId)
      .where('article_id', 'in', created.map((i) => i.article_id ?? '00000000-0000-0000-0000-000000000000')).execute()).map((r) => r.article_id));
    const articleIds = created.map((i) => i.article_id).filter((id): id is string => id !== null && !released.has(id));
    const keptUpdated = await trx.selectFrom('legacy_item').select('id').where('site_id', '=', siteId)
      .where('updated_run_id', '=', runId).where('created_run_id', '!=', runId).execute();
    // Files the run stored go too, unless an article of another run uses them since.
    const attachmentIds = (await trx.selectFrom('legacy_item').select('attachment_id').where('site_id', '=', siteId).where('created_run_id', '=', runId)
      .where('attachment_id', 'is not', null).execute()).map((r) => r.attachment_id!);
    // Entries the run made without an article (list pages, retired pages) go with their ID map rows.
    const entryIds = (await trx.selectFrom('legacy_item').select('url_path_id').where('site_id', '=', siteId).where('created_run_id', '=', runId)
      .where('article_id', 'is', null).where('url_path_id', 'is not', null).execute()).map((r) => r.url_path_id!);
    // Items of later runs that only updated what this run created go with it: their articles are gone.
    await trx.deleteFrom('legacy_item').where('site_id', '=', siteId).where('created_run_id', '=', runId)
      .where((eb) => eb.or([eb('article_id', 'is', null), eb('article_id', 'not in', [...released, '00000000-0000-0000-0000-000000000000'])])).execute();
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
    let removedFiles = 0;
    for (let i = 0; i < attachmentIds.length; i += 1000) {
      const part = attachmentIds.slice(i, i + 1000);
      const removed = await trx.deleteFrom('attachment').where('site_id', '=', siteId).where('id', 'in', part)
        .where(({ not, exists, selectFrom }) => not(exists(selectFrom('revision_attachment as ra').select('ra.attachment_id')
          .whereRef('ra.site_id', '=', 'attachment.site_id').whereRef('ra.attachment_id', '=', 'attachment.id'))))
        .where(({ not, exists, selectFrom }) => not(exists(selectFrom('article_revision as r').select('r.id')
          .whereRef('r.site_id', '=', 'attachment.site_id').whereRef('r.cover_attachment_id', '=', 'attachment.id'))))
        .executeTakeFirst();
      removedFiles += Number(removed.numDeletedRows);
    }
    await trx.updateTable('legacy_import_run').set({ status: 'rolled_back', rolled_back_at: ctx.clock.now() })
      .where('site_id', '=', siteId).where('id', '=', runId).execute();
    const result = { runId, removedArticles: articleIds.length, removedEntries, removedFiles, keptUpdated: keptUpdated.length, keptReleased: released.size };
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
