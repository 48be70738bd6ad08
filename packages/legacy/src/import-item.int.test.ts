// Writing imported items in a batch (importItems): a batch that fails writes nothing and leaves
// the run's link targets as they were, so later bodies never link to URLs that were not written;
// the same batch without its bad item writes and teaches them.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '@zhanqun/core/id';
import { revisionContent, type CreateDraftInput } from '@zhanqun/content/article.service';
import type { LegacySiteRow } from '@zhanqun/db/database';
import { inScope } from '@zhanqun/db/scope';
import { createTestDatabase, type TestDatabase } from '@zhanqun/testing/db';
import { importItems, keepingLinksOnFailure, type BatchedItem } from './import-item.js';
import { beginRun, finishRun } from './import-run.service.js';
import { legacyWorld, type LegacyWorld } from './legacy.fixture.js';
import { createLegacySite } from './legacy-site.service.js';
import { loadLinkTargets, type LinkTargets } from './wxr/link-rewrite.js';

describe('importItems in a batch', () => {
  let t: TestDatabase;
  let w: LegacyWorld;
  let legacy: LegacySiteRow;
  const OLD = 'old-batch.gov.cn';

  beforeAll(async () => {
    t = await createTestDatabase();
    w = await legacyWorld(t, 'iib');
    legacy = await createLegacySite(w.ctx, w.siteId, { code: 'old-batch', name: OLD, hosts: [OLD] });
  });
  afterAll(async () => { await t.destroy(); });

  const item = (n: number, extra: Partial<CreateDraftInput> = {}): BatchedItem => {
    const draft: CreateDraftInput = { columnId: w.columnId, title: `第${n}号通知`, bodyHtml: `<p>正文${n}，见<a href="http://${OLD}/art/${n - 1}.html">上一号</a></p>`, ...extra };
    const url = `http://${OLD}/art/${n}.html`;
    return { draft, content: revisionContent(draft), plan: { key: `/art/${n}.html`, hash: `h${n}`, publish: true, publishedAt: new Date('2019-03-05T02:00:00Z'), legacyUrl: url, legacyUrls: [url] } };
  };
  const count = async () => Number((await sql<{ n: string }>`select count(*) as n from article where site_id = ${w.siteId}`.execute(t.db)).rows[0]!.n);
  const write = (runId: string, links: LinkTargets, items: BatchedItem[]) => keepingLinksOnFailure(links, legacy, items,
    () => inScope(t.db, w.ctx.scope, (trx) => importItems(trx, w.ctx, w.siteId, legacy, runId, items, false, links)));

  it('should write nothing and forget the batch\'s URLs when one item fails, and write and learn them without it', async () => {
    const runId = newId();
    await inScope(t.db, w.ctx.scope, (trx) => beginRun(trx, w.ctx, w.siteId, { id: runId, legacySiteId: legacy.id, sourceKind: 'mirror', sourceName: 'batch test' }));
    const links = await inScope(t.db, w.ctx.scope, (trx) => loadLinkTargets(trx, w.siteId, legacy));
    const before = await count();
    // 2019-02-30 passes the form's check but not Postgres's: the batch fails after its URLs were planned and learnt.
    const bad = item(3, { dateWritten: '2019-02-30' });
    await expect(write(runId, links, [item(1), item(2), bad])).rejects.toThrow(/date/);
    expect(await count()).toBe(before);
    expect([...links.live.keys(), ...links.known]).toEqual([]);

    const results = await write(runId, links, [item(1), item(2)]);
    expect(results.map((r) => r.result)).toEqual(['imported', 'imported']);
    expect(await count()).toBe(before + 2);
    expect([...links.live.keys()].sort()).toEqual(['/art/1.html', '/art/2.html']);
    // Item 2 links item 1 of the same batch: at its new URL from the start.
    const body = await t.db.selectFrom('article as a').innerJoin('article_revision as r', 'r.id', 'a.live_revision_id').select('r.body_html')
      .where('a.site_id', '=', w.siteId).where('r.title', '=', '第2号通知').executeTakeFirstOrThrow();
    expect(body.body_html).toContain(`href="${links.live.get('/art/1.html')}"`);
    await finishRun(w.ctx, w.siteId, runId, {}, {});
  });

  it('should not let another site\'s account write a batch into this site', async () => {
    const other = { ...w.ctx, scope: { kind: 'sites', siteIds: [w.otherSiteId] } as const };
    const links = await inScope(t.db, w.ctx.scope, (trx) => loadLinkTargets(trx, w.siteId, legacy));
    await expect(inScope(t.db, other.scope, (trx) => importItems(trx, other, w.siteId, legacy, newId(), [item(9)], false, links))).rejects.toBeTruthy();
    expect(links.live.has('/art/9.html')).toBe(false);
  });
});
