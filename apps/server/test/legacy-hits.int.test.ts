// Legacy URLs on the public routes, beside the site's own pages: the order live → redirect/gone →
// legacy → themed 404; hits counted per entry in memory and written in one batch (exact, with
// concurrent requests), without evicting the site's cached pages; what is pending is written
// when the server closes; another site's legacy entries never answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDraft, publishRevision } from '@zhanqun/content/article.service';
import { withdrawArticle } from '@zhanqun/content/publishing.service';
import { SITE_CHANGED } from '@zhanqun/db/connect';
import { legacyWorld, type LegacyWorld } from '@zhanqun/legacy/legacy.fixture';
import { createLegacySite } from '@zhanqun/legacy/legacy-site.service';
import { importEntriesCsv } from '@zhanqun/legacy/legacy-url.service';
import { legacyHitsOf } from '../src/public/legacy-answer.js';
import { build, type TestApp } from './helper.js';

describe('legacy URLs on a public host', () => {
  let h: TestApp;
  let w: LegacyWorld;
  let articleUrl: string;
  const HOST = 'www.anhe.gov.cn';
  const get = (url: string, host = HOST) => h.app.inject({ method: 'GET', url, headers: { host } });
  const hitsOf = async (path: string) => Number((await h.t.db.selectFrom('url_path').select('hits').where('path', '=', path).executeTakeFirstOrThrow()).hits);

  beforeAll(async () => {
    h = await build();
    w = await legacyWorld(h.t, 'lgh', [HOST], ['old.yishi.gov.cn']);
    const article = await createDraft(w.ctx, w.siteId, { columnId: w.columnId, title: '关于开展安全检查的通知', bodyHtml: '<p>正文</p>' });
    articleUrl = (await publishRevision(w.ctx, w.siteId, article.id)).url_path!;
    await createLegacySite(w.ctx, w.siteId, { code: 'anhe-old', name: '安和县旧网站', hosts: [HOST], queryParams: ['id'], state: 'cut_over' });
    const csv = `Old Url,New Url,Status
http://${HOST}/art/2019/3/5/art_1_2.html,${articleUrl},301
http://${HOST}/zwgk/old.jsp?id=9,,410
`;
    // A legacy URL that is, canonically, a path of the site's own pages is refused: live first.
    const clash = await importEntriesCsv(w.ctx, w.siteId, 'anhe-old', `${csv}http://${HOST}${articleUrl.toUpperCase()},/somewhere-else/,301\n`);
    expect(clash.errors).toEqual([{ line: 4, field: 'old url', message: expect.stringContaining('live first') }]);
    expect((await importEntriesCsv(w.ctx, w.siteId, 'anhe-old', csv)).errors).toEqual([]);
    await createLegacySite(w.ctx, w.otherSiteId, { code: 'yishi-old', name: '乙市旧网站', hosts: ['old.yishi.gov.cn'] });
    expect((await importEntriesCsv(w.ctx, w.otherSiteId, 'yishi-old', 'Old Url,New Url,Status\nhttp://old.yishi.gov.cn/secret.html,/tzgg/,301\n')).errors).toEqual([]);
  });
  afterAll(async () => { await h?.close(); });

  it('should answer the site\'s own pages first, then legacy URLs in any spelling, then the themed 404', async () => {
    expect((await get(articleUrl)).statusCode).toBe(200); // live first, though a legacy key matches its lower-case form
    const moved = await get('/ART/2019/3/5/art_1_2.html/?utm_source=x');
    expect([moved.statusCode, moved.headers.location]).toEqual([301, articleUrl]);
    const gone = await get('/zwgk/old.jsp?from=a&id=9');
    expect(gone.statusCode).toBe(410);
    expect(gone.body).toContain('安和县旧网站');
    expect((await get('/zwgk/old.jsp?id=10')).statusCode).toBe(404);
  });

  it('should count every hit once, written in one batch that evicts no cached page', async () => {
    const counter = legacyHitsOf(h.app);
    await counter.stop(); // no periodic flush from here: the test flushes (closing the server still does)
    const before = await hitsOf('/art/2019/3/5/art_1_2.html');
    const responses = await Promise.all(Array.from({ length: 200 }, (_, i) => get(i % 2 ? '/art/2019/3/5/art_1_2.html' : '/Art/2019/3/5/ART_1_2.html/')));
    expect(responses.every((r) => r.statusCode === 301)).toBe(true);
    expect(await hitsOf('/art/2019/3/5/art_1_2.html')).toBe(before); // not one write per request
    const notified: string[] = [];
    const stop = await h.t.listen(SITE_CHANGED, (id) => notified.push(id));
    try {
      expect(await counter.flush()).toBe(200);
      expect(await hitsOf('/art/2019/3/5/art_1_2.html')).toBe(before + 200);
      await h.t.db.updateTable('url_path').set({ target: '/xwdt/' }).where('path', '=', '/zwgk/old.jsp?id=9').execute();
      await new Promise((r) => setTimeout(r, 300));
      // Only the change of an entry's answer notified the site; the counts did not.
      expect(notified).toEqual([w.siteId]);
    } finally {
      await stop();
    }
  });

  it('should count hits only once the site is cut over (before, the old site still answers its own URLs)', async () => {
    const counter = legacyHitsOf(h.app);
    await counter.stop();
    await h.t.db.updateTable('legacy_site').set({ state: 'parallel_run' }).where('code', '=', 'anhe-old').execute();
    try {
      await counter.flush();
      const before = await hitsOf('/art/2019/3/5/art_1_2.html');
      expect((await get('/art/2019/3/5/art_1_2.html')).statusCode).toBe(301);
      expect(await counter.flush()).toBe(0);
      expect(await hitsOf('/art/2019/3/5/art_1_2.html')).toBe(before);
    } finally {
      await h.t.db.updateTable('legacy_site').set({ state: 'cut_over' }).where('code', '=', 'anhe-old').execute();
    }
    expect((await get('/art/2019/3/5/art_1_2.html')).statusCode).toBe(301);
    expect(await counter.flush()).toBe(1);
  });

  it('should answer 410 for the old URL of an article withdrawn since', async () => {
    const draft = await createDraft(w.ctx, w.siteId, { columnId: w.columnId, title: '即将撤下的通知', bodyHtml: '<p>正文</p>' });
    const url = (await publishRevision(w.ctx, w.siteId, draft.id)).url_path!;
    expect((await importEntriesCsv(w.ctx, w.siteId, 'anhe-old', `Old Url,New Url,Status\nhttp://${HOST}/art/2019/3/6/art_1_3.html,${url},301\n`)).errors).toEqual([]);
    await h.t.db.updateTable('url_path').set({ article_id: draft.id }).where('path', '=', '/art/2019/3/6/art_1_3.html').execute();
    expect((await get('/art/2019/3/6/art_1_3.html')).statusCode).toBe(301);
    await withdrawArticle(w.ctx, w.siteId, draft.id, { reason: '测试撤稿' });
    expect((await get('/art/2019/3/6/art_1_3.html')).statusCode).toBe(410);
  });

  it('should not answer a legacy URL of another site', async () => {
    expect((await get('/secret.html')).statusCode).toBe(404);
    expect((await get('/secret.html', 'old.yishi.gov.cn')).statusCode).toBe(301);
  });

  it('should write pending hits when the server closes', async () => {
    await legacyHitsOf(h.app).flush();
    const before = await hitsOf('/zwgk/old.jsp?id=9');
    for (let i = 0; i < 3; i++) expect((await get('/zwgk/old.jsp?id=9')).statusCode).toBe(410);
    await h.app.close();
    expect(await hitsOf('/zwgk/old.jsp?id=9')).toBe(before + 3);
  });
});
