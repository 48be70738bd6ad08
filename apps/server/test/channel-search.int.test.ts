// Channel landing pages (频道), interaction columns (互动交流) and the site's simple search, in both
// packs: a channel shows a block per sub-column; an interaction column its items, the section's
// other interaction columns and the site's contact; the search finds live titles of this site only
// (sub-sites under their prefix), takes % and _ literally, and is never cached.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoProvince } from '@zhanqun/demo/demo-province';
import { pageCacheKey } from '../src/public/cached-answer.js';
import { build, type TestApp } from './helper.js';

describe('channel and search pages', () => {
  let h: TestApp;
  const get = async (host: string, url: string) => {
    const res = await h.app.inject({ method: 'GET', url, headers: { host } });
    return { status: res.statusCode, html: res.body.replaceAll('&#x3D;', '=') };
  };
  /** A live article title of a site, and a word of it (its first four characters). */
  async function liveTitle(code: string): Promise<string> {
    const row = await h.t.db.selectFrom('article as a').innerJoin('site as s', 's.id', 'a.site_id')
      .innerJoin('article_revision as r', 'r.id', 'a.live_revision_id')
      .select('r.title').where('s.code', '=', code).where('a.live', '=', true).orderBy('a.published_at', 'desc').executeTakeFirstOrThrow();
    return row.title;
  }

  beforeAll(async () => {
    h = await build();
    await seedDemoProvince(h.t.db, h.clock);
  });
  afterAll(async () => { await h.close(); });

  it('should land on a channel with a block per open sub-column, in both packs, and list it all with ?page', async () => {
    for (const host of ['prov.localhost', 'anhe.localhost']) {
      const { status, html } = await get(host, '/xwdt/');
      expect(status, host).toBe(200);
      expect(html, host).toContain('<h1>新闻动态</h1>');
      expect(html, host).toMatch(/<h2><a href="\/xwdt\/yw\/">/);
      expect(html, host).toMatch(/href="\/xwdt\/tzgg\/"/);
      const all = await get(host, '/xwdt/?page=1');
      expect(all.status).toBe(200);
      expect(all.html).toContain('class="column-page"');
    }
  });

  it('should show an interaction column with the section\'s other interaction columns, the site\'s contact and its items, in both packs', async () => {
    for (const [host, code] of [['prov.localhost', 'prov'], ['anhe.localhost', 'anhe']] as const) {
      const site = await h.t.db.selectFrom('site').select(['name', 'sponsor', 'contact']).where('code', '=', code).executeTakeFirstOrThrow();
      const { status, html } = await get(host, '/hdjl/ldxx/');
      expect(status, host).toBe(200);
      expect(html, host).toContain('class="column-page interaction-page"');
      expect(html, host).toContain('<h1>领导信箱</h1>');
      expect(html, host).toMatch(/<a href="\/hdjl\/ldxx\/" aria-current="page">领导信箱<\/a>/);
      expect(html, host).toMatch(/<a href="\/hdjl\/yjzj\/">意见征集<\/a>/);
      expect(html, host).toContain(`主办单位：${site.sponsor ?? site.name}`);
      if (site.contact) expect(html, host).toContain(`联系方式：${site.contact}`);
      // Other kinds of columns keep the column page.
      expect((await get(host, '/xwdt/tzgg/')).html, host).not.toContain('interaction-page');
    }
  });

  it('should find this site\'s live titles only, with its count, and a hint without words', async () => {
    const title = await liveTitle('prov');
    const word = title.slice(0, 4);
    const found = await get('prov.localhost', `/_search/?q=${encodeURIComponent(word)}`);
    expect(found.status).toBe(200);
    expect(found.html).toContain(`value="${word}"`);
    expect(found.html).toMatch(/共找到 [1-9]\d* 条/);
    expect(found.html).toContain(`>${title}</a>`);
    // Another tenant's search never shows it, whatever the words.
    const elsewhere = await get('qingchuan.localhost', `/_search/?q=${encodeURIComponent(title)}`);
    expect(elsewhere.html).not.toContain(`>${title}</a>`);
    expect((await get('prov.localhost', '/_search/')).html).toContain('请输入关键词，查找本站已发布信息的标题。');
    // % and _ are characters, not wildcards.
    expect((await get('prov.localhost', '/_search/?q=%25')).html).toMatch(/共找到 0 条/);
  });

  it('should search a sub-site under its prefix and point its search box there', async () => {
    const title = await liveTitle('anhe-cgz');
    const { html } = await get('anhe.localhost', `/cgz/_search/?q=${encodeURIComponent(title)}`);
    expect(html).toContain(`>${title}</a>`);
    expect(html).toContain('action="/cgz/_search/"');
    expect((await get('anhe.localhost', `/_search/?q=${encodeURIComponent(title)}`)).html).not.toContain(`>${title}</a>`);
  });

  it('should never put a search answer in the page cache', () => {
    expect(pageCacheKey('prov.localhost', '/_search/?q=x')).toBeNull();
    expect(pageCacheKey('anhe.localhost', '/cgz/_search/?q=x&page=2')).toBeNull();
    expect(pageCacheKey('prov.localhost', '/xwdt/?page=2')).toBe('prov.localhost/xwdt/?page=2');
  });
});
