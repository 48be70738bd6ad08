// Column pages numbered from the oldest end (DESIGN.md, Cache): an older page's URL keeps its
// items as new ones are published; only the labels (第 n 页) move. The page cache is off here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceContext } from '@zhanqun/audit/context';
import { createDraft, publishRevision } from '@zhanqun/content/article.service';
import { placeArticle } from '@zhanqun/content/placement.service';
import { withdrawArticle } from '@zhanqun/content/publishing.service';
import { CARRY_SCOPE } from '@zhanqun/db/scope';
import { seedDemoProvince } from '@zhanqun/demo/demo-province';
import { createColumn } from '@zhanqun/tenancy/column.service';
import { platformAdminScope } from '@zhanqun/tenancy/platform.service';
import { build, type TestApp } from './helper.js';

describe('column pages', () => {
  let h: TestApp;
  let ctx: ServiceContext;
  let siteId: string;
  let columnId: string;
  /** Statements the app sends while `counting` (the database handle's hook; the job queue's left out). */
  let counting = false;
  const statements: string[] = [];
  const titles = (html: string) => [...html.matchAll(/<a href="[^"]*\/t\d{8}_[^"]*"[^>]*>([^<]+)<\/a>/g)].map((m) => m[1]!);
  const get = async (url: string) => (await h.app.inject({ method: 'GET', url, headers: { host: 'prov.localhost' } })).body.replaceAll('&#x3D;', '=');
  let n = 0;
  async function publish(count: number) {
    for (let i = 0; i < count; i++) {
      h.clock.advance(60_000); // one a minute, in order
      const a = await createDraft(ctx, siteId, { columnId, title: `分页测试第${String(++n).padStart(3, '0')}条`, bodyHtml: '<p>x</p>' });
      await publishRevision(ctx, siteId, a.id, { publishedAt: h.clock.now() });
    }
  }

  beforeAll(async () => {
    h = await build({}, { onStatement: (sql) => { if (counting && !sql.includes('pgboss')) statements.push(sql); } });
    await seedDemoProvince(h.t.db, h.clock);
    const site = await h.t.db.selectFrom('site').select(['id', 'platform_id']).where('code', '=', 'prov').executeTakeFirstOrThrow();
    siteId = site.id;
    ctx = { db: h.t.db, clock: h.clock, actor: { userId: null, label: 'test' }, scope: await platformAdminScope(h.t.db, site.platform_id) };
    columnId = (await createColumn(ctx, siteId, { slug: 'fenye', name: '分页测试', kind: 'news' })).id;
  });
  afterAll(async () => { await h.close(); });

  it('should keep an older page\'s items when new ones arrive, and link pages newest first', async () => {
    await publish(45); // 2 blocks: the column's page shows the newest 25, ?page=1 the oldest 20
    const front = await get('/fenye/');
    expect(front).toContain('第 1 页 / 共 2 页');
    expect(titles(front)).toHaveLength(25);
    expect(titles(front)[0]).toBe('分页测试第045条');
    expect(front).toContain('href="/fenye/?page=1" rel="next"');
    const oldest = await get('/fenye/?page=1');
    expect(oldest).toContain('第 2 页 / 共 2 页');
    expect(titles(oldest)).toEqual(Array.from({ length: 20 }, (_, i) => `分页测试第${String(20 - i).padStart(3, '0')}条`));
    expect(oldest).toContain('href="/fenye/" rel="prev"');

    await publish(20); // 65: three blocks; ?page=1 is unchanged, ?page=2 is new
    const again = await get('/fenye/?page=1');
    expect(titles(again)).toEqual(titles(oldest));
    expect(again).toContain('第 3 页 / 共 3 页');
    expect(again).toContain('href="/fenye/?page=2" rel="prev"');
    const middle = await get('/fenye/?page=2');
    expect(titles(middle)[0]).toBe('分页测试第040条');
    expect(titles(middle).at(-1)).toBe('分页测试第021条');
    // A withdrawn article leaves the lists and the count at once (placements follow their article: migration 120000).
    const [first] = await h.t.db.selectFrom('article').select('id').where('draft_title', '=', '分页测试第065条').execute();
    await withdrawArticle(ctx, siteId, first!.id, { reason: '测试撤稿' });
    expect(titles(await get('/fenye/'))[0]).toBe('分页测试第064条');
    expect(await get('/fenye/?page=1')).toContain('第 3 页 / 共 3 页');
    await publish(1); // back to 65 listed
    // Out of range or junk: the column's own page.
    expect(titles(await get('/fenye/?page=3'))).toEqual(titles(await get('/fenye/')));
    expect(titles(await get('/fenye/?page=x'))).toEqual(titles(await get('/fenye/')));
  });

  it('should count and page in one statement, deep pages and the column\'s own page alike, pinned items first', async () => {
    const statementsOf = async (url: string) => {
      statements.length = 0;
      counting = true;
      const body = await get(url);
      counting = false;
      // The site directory's loads come first, each in its own transaction; the page reads in its scope (readInScope) after them.
      return { body, sent: statements.slice(statements.findLastIndex((q) => q === CARRY_SCOPE)) };
    };
    // 65 unpinned: blocks 1–2 from the oldest end are ?page=1 and ?page=2; the column's page shows the newest 25.
    const deep = await statementsOf('/fenye/?page=1');
    expect(deep.sent.map((q) => q.slice(0, 40))).toEqual([CARRY_SCOPE, expect.stringMatching(/^with "c" as/)]);
    expect(titles(deep.body)).toHaveLength(20);
    const front = await statementsOf('/fenye/');
    expect(front.sent).toHaveLength(2);
    expect(titles(front.body)).toHaveLength(25);
    // Out of range: the count says so, and the column's own page follows in a second statement.
    expect((await statementsOf('/fenye/?page=3')).sent).toHaveLength(3);

    // A pinned item leads the column's page, as many unpinned items still follow it, and block pages do not show it.
    const [oldest] = await h.t.db.selectFrom('article').select('id').where('draft_title', '=', '分页测试第001条').execute();
    await placeArticle(ctx, siteId, oldest!.id, columnId, { pinned: true });
    const pinned = titles(await get('/fenye/'));
    expect(pinned[0]).toBe('分页测试第001条');
    expect(pinned).toHaveLength(1 + 25 - 1); // 64 unpinned now: the newest 24 after the pinned one
    expect(await get('/fenye/')).toContain('第 1 页 / 共 3 页');
    expect(titles(await get('/fenye/?page=1'))).not.toContain('分页测试第001条');
    expect(titles(await get('/fenye/?page=1')).at(-1)).toBe('分页测试第002条');
  });
});
