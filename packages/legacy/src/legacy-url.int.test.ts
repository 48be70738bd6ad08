// Legacy sites and their URL entries on the real database: mapping CSVs all or nothing with the
// line and field of every bad row, re-imports that change nothing, exact batched hit counts, and
// another tenant kept out.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceContext } from '@zhanqun/audit/context';
import { inScope } from '@zhanqun/db/scope';
import { createTestDatabase, type TestDatabase } from '@zhanqun/testing/db';
import { HitCounter } from './hit-counter.js';
import { legacyWorld, type LegacyWorld } from './legacy.fixture.js';
import { resolveLegacy } from './legacy-resolve.js';
import { createLegacySite } from './legacy-site.service.js';
import { countEntries, importEntriesCsv, listEntries } from './legacy-url.service.js';

const CSV = `Old Url,New Url,Status,Suggested Link,Archive Link
http://www.anhe.gov.cn/art/2019/3/5/art_1_2.html,/xwdt/tzgg/,301
http://www.anhe.gov.cn/col/col12/index.html?uid=7&x=1,https://www.jx.gov.cn/zwgk/,301,,
http://www.anhe.gov.cn/zwgk/old.jsp?id=9,,410,http://www.anhe.gov.cn/zwgk/,http://archive.example.gov.cn/2019/http://www.anhe.gov.cn/zwgk/old.jsp?id=9
http://www.anhe.gov.cn/module/download.jsp,/xwdt/,418
`;

describe('legacy URL entries', () => {
  let t: TestDatabase;
  let w: LegacyWorld;
  let legacyId: string;
  let other: ServiceContext;

  beforeAll(async () => {
    t = await createTestDatabase();
    w = await legacyWorld(t, 'lgu', ['www.anhe.gov.cn']);
    legacyId = (await createLegacySite(w.ctx, w.siteId, { code: 'anhe-old', name: '安和县旧网站', hosts: ['www.anhe.gov.cn'], queryParams: ['id', 'uid'] })).id;
    other = { ...w.ctx, scope: { kind: 'sites', siteIds: [w.otherSiteId] } };
  });
  afterAll(async () => { await t?.destroy(); });

  const legacyRows = () => sql<{ n: string }>`select count(*) as n from url_path where legacy_site_id is not null`.execute(t.db).then((r) => Number(r.rows[0]!.n));

  it('should refuse a file with bad rows, naming line and field, and write nothing', async () => {
    const bad = `${CSV}http://www.anhe.gov.cn/a,/b,302
ftp://www.anhe.gov.cn/x,/y,301
http://www.anhe.gov.cn/c,http://evil.example.com/,301
http://www.anhe.gov.cn/Art/2019/3/5/art_1_2.html/,/other/,301
`;
    const result = await importEntriesCsv(w.ctx, w.siteId, 'anhe-old', bad);
    expect(result.errors.map((e) => [e.line, e.field])).toEqual([[6, 'status'], [7, 'old url'], [8, 'new url'], [9, 'old url']]);
    expect(result.errors[2]!.message).toContain('evil.example.com');
    expect(await legacyRows()).toBe(0);
  });

  it('should import a mapping file under canonical keys, and change nothing when imported again', async () => {
    const first = await importEntriesCsv(w.ctx, w.siteId, 'anhe-old', CSV);
    expect(first).toMatchObject({ inserted: 4, updated: 0, unchanged: 0, errors: [] });
    const paths = (await inScope(t.db, w.ctx.scope, (trx) => listEntries(trx, w.siteId, legacyId))).map((e) => e.path).sort();
    expect(paths).toEqual(['/art/2019/3/5/art_1_2.html', '/col/col12/index.html?uid=7', '/module/download.jsp', '/zwgk/old.jsp?id=9']);
    const again = await importEntriesCsv(w.ctx, w.siteId, 'anhe-old', CSV);
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 4 });
    expect(await inScope(t.db, w.ctx.scope, (trx) => countEntries(trx, w.siteId, legacyId))).toEqual({ legacy: 2, gone: 1, awaiting: 1 });
  });

  it('should answer a request in another spelling of a legacy URL', async () => {
    const resolved = await inScope(t.db, { kind: 'public', siteIds: [w.siteId] }, (trx) =>
      resolveLegacy(trx, w.siteId, { host: 'www.anhe.gov.cn', rawPathAndQuery: '/COL/col12/index.html/?x=2&UID=7' }));
    expect(resolved?.decision).toMatchObject({ type: 'redirect', location: 'https://www.jx.gov.cn/zwgk/' });
    const gone = await inScope(t.db, { kind: 'public', siteIds: [w.siteId] }, (trx) =>
      resolveLegacy(trx, w.siteId, { host: 'www.anhe.gov.cn', rawPathAndQuery: '/zwgk/old.jsp?id=9&from=x' }));
    expect(gone?.decision).toMatchObject({ type: 'gone', suggestedText: 'www.anhe.gov.cn/zwgk', archiveUrl: expect.stringContaining('archive.example.gov.cn') });
  });

  it('should send an awaiting entry on once the page it waits for is live', async () => {
    const ask = () => inScope(t.db, { kind: 'public', siteIds: [w.siteId] }, (trx) =>
      resolveLegacy(trx, w.siteId, { host: 'www.anhe.gov.cn', rawPathAndQuery: '/module/download.jsp' }));
    expect((await ask())?.decision).toMatchObject({ type: 'awaiting' });
    const csv = 'Old Url,New Url,Status\nhttp://www.anhe.gov.cn/module/download.jsp,/tzgg/,418\n'; // the site's 通知公告 column
    expect((await importEntriesCsv(w.ctx, w.siteId, 'anhe-old', csv)).updated).toBe(1);
    expect((await ask())?.decision).toMatchObject({ type: 'redirect', location: '/tzgg/' });
  });

  it('should count hits exactly, in one write per flush, and keep them when a write fails', async () => {
    const entries = await inScope(t.db, w.ctx.scope, (trx) => listEntries(trx, w.siteId, legacyId));
    const counter = new HitCounter(t.db, w.clock);
    for (let i = 0; i < 1000; i++) counter.record(w.siteId, entries[i % entries.length]!.id);
    expect(counter.pending).toBe(1000);
    const [a, b] = await Promise.all([counter.flush(), counter.flush()]);
    expect(a + b).toBe(1000);
    const after = await inScope(t.db, w.ctx.scope, (trx) => listEntries(trx, w.siteId, legacyId));
    expect(after.reduce((n, e) => n + e.hits, 0)).toBe(1000);
    expect(after.every((e) => e.hits === 250 && e.lastHitAt?.toISOString() === w.clock.now().toISOString())).toBe(true);
    // A write that fails (here: an id that is no uuid) puts every count back for the next flush.
    counter.record(w.siteId, entries[0]!.id);
    counter.record(w.siteId, 'not-a-uuid');
    await expect(counter.flush()).rejects.toThrow();
    expect(counter.pending).toBe(2);
  });

  it('should not import into, list or resolve a legacy site of another site', async () => {
    await expect(importEntriesCsv(other, w.siteId, 'anhe-old', CSV)).rejects.toMatchObject({ statusCode: 404 });
    expect(await inScope(t.db, other.scope, (trx) => listEntries(trx, w.siteId, legacyId))).toEqual([]);
    expect(await inScope(t.db, { kind: 'public', siteIds: [w.otherSiteId] }, (trx) =>
      resolveLegacy(trx, w.siteId, { host: 'www.anhe.gov.cn', rawPathAndQuery: '/zwgk/old.jsp?id=9' }))).toBeNull();
    await expect(createLegacySite(other, w.siteId, { code: 'x', name: 'x' })).rejects.toMatchObject({ statusCode: 404 });
  });
});
