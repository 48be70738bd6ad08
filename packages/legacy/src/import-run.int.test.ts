// Interrupted import runs (issue 7, "an interrupted run resumes"), on the real database: a run
// that fails part way is marked interrupted, and the next run of its legacy site resumes it —
// what the first wrote counts as unchanged, nothing is written twice; rolling back an interrupted
// run removes exactly what it wrote; a second run of a legacy site is refused while the first is
// alive (and so is rolling the live one back), a dead one is told apart by its heartbeat.
// (A run killed outright, kill -9 and Ctrl-C, is the CLI's test: apps/cli legacy-cli.int.test.ts.)
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inScope } from '@zhanqun/db/scope';
import { createTestDatabase, type TestDatabase } from '@zhanqun/testing/db';
import { findRun, isRunAlive, listRuns, rollbackRun, runStatus, runWrites, STALE_MS } from './import-run.service.js';
import { legacyWorld, type LegacyWorld } from './legacy.fixture.js';
import { importItems, ITEMS_FORMAT } from './items/items-import.service.js';

const HOST = 'www.old-resume.gov.cn';
/** A JSON items export of `n` published notices. */
const itemsFile = (n: number, host = HOST) => JSON.stringify({
  format: ITEMS_FORMAT,
  site: { host, name: '旧网站' },
  items: Array.from({ length: n }, (_, i) => ({
    id: String(i + 1), url: `http://${host}/art/${i + 1}.html`, column: '/tzgg/', title: `通知第${i + 1}号`,
    body_html: `<p>正文 ${i + 1}</p>`, published_at: `2019-03-${String((i % 28) + 1).padStart(2, '0')} 10:20`,
  })),
});
const FILE = itemsFile(30);
/** An onProgress that fails before item `at` (0-based): items before it are written, the run stops there. */
const failAt = (at: number) => (done: number) => { if (done === at) throw new Error('the operator\'s terminal went away'); };

describe('interrupted import runs', () => {
  let t: TestDatabase;
  let w: LegacyWorld;
  const census = async () => {
    const n = async (table: string) => Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)} where site_id = ${w.siteId}`.execute(t.db)).rows[0]!.n);
    return { article: await n('article'), article_revision: await n('article_revision'), url_path: await n('url_path'), legacy_item: await n('legacy_item') };
  };
  const run = (id: string) => inScope(t.db, w.ctx.scope, (trx) => findRun(trx, w.siteId, id)).then((r) => r!);
  const lastRun = async () => (await inScope(t.db, w.ctx.scope, (trx) => listRuns(trx, w.siteId, 1)))[0]!;

  beforeAll(async () => {
    t = await createTestDatabase();
    w = await legacyWorld(t, 'rsm');
  });
  afterAll(async () => { await t?.destroy(); });

  let before: Awaited<ReturnType<typeof census>>;

  it('should mark a run that fails part way interrupted, and roll it back to exactly the site as it was', async () => {
    before = await census();
    await expect(importItems(w.ctx, w.siteId, { json: FILE, sourceName: 'a.json', onProgress: failAt(12) })).rejects.toThrow('terminal went away');
    const first = await lastRun();
    expect(first).toMatchObject({ status: 'interrupted', finished_at: null, source_name: 'a.json' });
    expect(await inScope(t.db, w.ctx.scope, (trx) => runWrites(trx, w.siteId, first.id))).toEqual({ created: 12, updated: 0 });
    expect((await census()).article).toBe(before.article + 12);
    const audit = await t.db.selectFrom('audit_log_entry').select(['action', 'after']).where('object_id', '=', first.id).execute();
    expect(audit).toEqual([expect.objectContaining({ action: 'legacy_import.interrupt', after: expect.objectContaining({ reason: 'the operator\'s terminal went away' }) })]);

    const rolled = await rollbackRun(w.ctx, w.siteId, first.id);
    expect(rolled).toMatchObject({ removedArticles: 12, keptUpdated: 0 });
    expect(await census()).toEqual(before);
    expect((await run(first.id)).status).toBe('rolled_back');
  });

  it('should resume an interrupted run: what it wrote counts unchanged, the rest is imported, nothing twice', async () => {
    await expect(importItems(w.ctx, w.siteId, { json: FILE, sourceName: 'a.json', onProgress: failAt(12) })).rejects.toThrow();
    const interrupted = await lastRun();
    expect(interrupted.status).toBe('interrupted');

    const { runId, report } = await importItems(w.ctx, w.siteId, { json: FILE, sourceName: 'a.json' });
    expect(report).toMatchObject({ resumes: interrupted.id, found: 30, unchanged: 12, imported: 18, updated: 0, failed: [] });
    expect(await run(runId)).toMatchObject({ status: 'finished', resumes_run_id: interrupted.id, report: expect.objectContaining({ resumes: interrupted.id }) });
    expect((await run(interrupted.id)).status).toBe('interrupted');
    // One article per item and one ID map row per key: the interrupted run's twelve were not written again.
    const items = await t.db.selectFrom('legacy_item').select(['legacy_key', 'article_id', 'created_run_id']).where('site_id', '=', w.siteId).execute();
    expect(items).toHaveLength(30);
    expect(new Set(items.map((i) => i.article_id)).size).toBe(30);
    expect(items.filter((i) => i.created_run_id === interrupted.id)).toHaveLength(12);
    expect((await census()).article).toBe(before.article + 30);
    const titles = await t.db.selectFrom('article_revision').select('title').where('site_id', '=', w.siteId).where('title', 'like', '通知第%').execute();
    expect(titles).toHaveLength(30);

    // A run after a finished one resumes nothing, and changes nothing.
    const again = await importItems(w.ctx, w.siteId, { json: FILE, sourceName: 'a.json' });
    expect(again.report).toMatchObject({ resumes: null, unchanged: 30, imported: 0 });

    // Rolling back the interrupted run removes its twelve and nothing of the run that resumed it.
    const rolled = await rollbackRun(w.ctx, w.siteId, interrupted.id);
    expect(rolled.removedArticles).toBe(12);
    expect((await census()).article).toBe(before.article + 18);
    expect(await t.db.selectFrom('legacy_item').select('id').where('site_id', '=', w.siteId).where('created_run_id', '=', runId).execute()).toHaveLength(18);
  });

  it('should refuse a second run of the same legacy site, and rolling back the first, while the first is alive', async () => {
    const runsBefore = (await inScope(t.db, w.ctx.scope, (trx) => listRuns(trx, w.siteId))).length;
    let probe: Promise<{ second: unknown; rollback: unknown; other: unknown }> | undefined;
    const file = itemsFile(60);
    const { runId, report } = await importItems(w.ctx, w.siteId, {
      json: file, sourceName: 'first.json',
      onProgress: (done) => {
        if (done !== 2) return;
        probe = (async () => {
          const second = await importItems(w.ctx, w.siteId, { json: file, sourceName: 'second.json' }).catch((e: unknown) => e);
          const live = await t.db.selectFrom('legacy_import_run').select('id').where('site_id', '=', w.siteId).where('status', '=', 'running').executeTakeFirstOrThrow();
          const rollback = await rollbackRun(w.ctx, w.siteId, live.id).catch((e: unknown) => e);
          // Another legacy site of the same site is not held up.
          const other = (await importItems(w.ctx, w.siteId, { json: itemsFile(2, 'www.other-old.gov.cn'), sourceName: 'other.json' })).report;
          return { second, rollback, other };
        })();
      },
    });
    const { second, rollback, other } = await probe!;
    expect(second).toMatchObject({ code: 'ZQ_LEGACY_RUN_RUNNING', statusCode: 409, message: expect.stringContaining(`Import run ${runId} of legacy site www-old-resume-gov-cn is still running`) });
    expect(rollback).toMatchObject({ code: 'ZQ_LEGACY_RUN_RUNNING' });
    expect(other).toMatchObject({ imported: 2 });
    expect(report).toMatchObject({ found: 60, failed: [] });
    const runs = await inScope(t.db, w.ctx.scope, (trx) => listRuns(trx, w.siteId));
    expect(runs.map((r) => r.source_name).sort()).toEqual(expect.arrayContaining(['first.json', 'other.json']));
    expect(runs.map((r) => r.source_name)).not.toContain('second.json');
    expect(runs).toHaveLength(runsBefore + 2);
    expect((await run(runId)).status).toBe('finished');
  });

  it('should take a running run not heard of for STALE_MS for dead, and show it interrupted before the next run marks it', async () => {
    const now = w.clock.now();
    const started = new Date(now.getTime() - STALE_MS - 1000);
    const alive = { status: 'running' as const, started_at: started, heartbeat_at: new Date(now.getTime() - STALE_MS + 1000) };
    expect(isRunAlive(alive, now)).toBe(true);
    expect(runStatus(alive, now)).toBe('running');
    const dead = { ...alive, heartbeat_at: new Date(now.getTime() - STALE_MS) };
    expect(isRunAlive(dead, now)).toBe(false);
    expect(runStatus(dead, now)).toBe('interrupted');
    expect(runStatus({ ...dead, heartbeat_at: null }, now)).toBe('interrupted'); // no beat since its start
    expect(runStatus({ ...dead, status: 'finished' }, now)).toBe('finished');
  });

  it('should not show another site\'s runs, nor let another site\'s account start one', async () => {
    const other = { ...w.ctx, scope: { kind: 'sites' as const, siteIds: [w.otherSiteId] } };
    expect(await inScope(t.db, other.scope, (trx) => listRuns(trx, w.siteId))).toEqual([]);
    await expect(importItems(other, w.siteId, { json: FILE, sourceName: 'x.json' })).rejects.toMatchObject({ statusCode: 404 });
  });
});
