// The plan of legacy sites (state, deadline, overdue, entries and hits) and the check of where
// each URL entry leads, on the real database; another site sees none of it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inScope } from '@zhanqun/db/scope';
import { createTestDatabase, type TestDatabase } from '@zhanqun/testing/db';
import { legacyWorld, type LegacyWorld } from './legacy.fixture.js';
import { legacyPlan, verifyLegacySite } from './legacy-plan.service.js';
import { createLegacySite } from './legacy-site.service.js';
import { importEntriesCsv } from './legacy-url.service.js';

describe('legacy plan and verify', () => {
  let t: TestDatabase;
  let w: LegacyWorld;
  let legacyId: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    w = await legacyWorld(t, 'lgp');
    legacyId = (await createLegacySite(w.ctx, w.siteId, { code: 'old-a', name: '甲旧站', hosts: ['old-a.gov.cn'], state: 'imported', deadline: '2026-06-30' })).id;
    await createLegacySite(w.ctx, w.otherSiteId, { code: 'old-b', name: '乙旧站', state: 'cut_over', deadline: '2026-01-31' });
    await createLegacySite(w.ctx, w.otherSiteId, { code: 'old-c', name: '丙旧站', deadline: '2028-12-31' });
    const csv = 'Old Url,New Url,Status\nhttp://old-a.gov.cn/a.html,/tzgg/,301\nhttp://old-a.gov.cn/b.html,/nosuch/,301\nhttp://old-a.gov.cn/c.html,,410\nhttp://old-a.gov.cn/d.html,https://www.jx.gov.cn/,301\n';
    expect((await importEntriesCsv(w.ctx, w.siteId, 'old-a', csv)).errors).toEqual([]);
    await t.db.updateTable('url_path').set({ hits: 7 }).where('path', '=', '/a.html').execute();
  });
  afterAll(async () => { await t?.destroy(); });

  it('should list every legacy site of the platform by deadline, flagging the overdue', async () => {
    w.clock.set('2026-05-01T00:00:00Z');
    const plan = await inScope(t.db, w.ctx.scope, (trx) => legacyPlan(trx, w.clock));
    expect(plan.map((p) => [p.legacyCode, p.state, p.overdue, p.entries, p.hits])).toEqual([
      ['old-b', 'cut_over', false, 0, 0], ['old-a', 'imported', false, 4, 7], ['old-c', 'planned', false, 0, 0],
    ]);
    w.clock.set('2026-07-01T00:00:00Z');
    expect((await inScope(t.db, w.ctx.scope, (trx) => legacyPlan(trx, w.clock))).find((p) => p.legacyCode === 'old-a')?.overdue).toBe(true);
  });

  it('should say where every entry leads, and which redirects lead nowhere', async () => {
    const report = await inScope(t.db, w.ctx.scope, (trx) => verifyLegacySite(trx, w.siteId, legacyId));
    expect(report).toEqual({ entries: 4, redirects: 3, gone: 1, awaiting: 0, external: 1, deadRedirects: [{ path: '/b.html', target: '/nosuch/' }] });
  });

  it('should not show another site\'s legacy sites', async () => {
    const plan = await inScope(t.db, { kind: 'sites', siteIds: [w.otherSiteId] }, (trx) => legacyPlan(trx, w.clock));
    expect(plan.map((p) => p.legacyCode).sort()).toEqual(['old-b', 'old-c']);
  });
});
