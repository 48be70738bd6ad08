// sitemap.xml, robots.txt and column feeds on the demo province: what each host lists is live,
// on that host only, under the sub-site's prefix where it is mounted, with its lastmod; a
// withdrawn article drops out; a closed site is not listed; past 50,000 URLs an index.
import { JSDOM } from 'jsdom';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceContext } from '@zhanqun/audit/context';
import { createDraft, publishRevision } from '@zhanqun/content/article.service';
import { withdrawArticle } from '@zhanqun/content/publishing.service';
import { inScope } from '@zhanqun/db/scope';
import { seedDemoProvince } from '@zhanqun/demo/demo-province';
import { w3cDate } from '@zhanqun/render/feeds';
import { loadSiteScope } from '@zhanqun/render/theme-context';
import { closeSite } from '@zhanqun/tenancy/site.service';
import * as siteRepository from '@zhanqun/tenancy/site.repository';
import { columnFeedFor } from '../src/public/feed.routes.js';
import { build, type TestApp } from './helper.js';

const xml = (text: string) => new JSDOM(text, { contentType: 'application/xml' }).window.document;
const locs = (text: string) => [...xml(text).querySelectorAll('url')].map((u) => ({
  loc: u.querySelector('loc')?.textContent ?? '', lastmod: u.querySelector('lastmod')?.textContent ?? null,
}));
const XML_CACHE = 'public, max-age=0, s-maxage=60, stale-while-revalidate=300';
const RFC822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} \+0800$/;

describe('sitemaps, robots.txt and column feeds', () => {
  let h: TestApp;
  let ctx: ServiceContext;
  const site: Record<string, string> = {};
  const get = (host: string, url: string, method: 'GET' | 'HEAD' = 'GET') => h.app.inject({ method, url, headers: { host } });
  const liveArticles = (siteId: string) => h.t.db.selectFrom('article').select(['id', 'url_path', 'last_published_at'])
    .where('site_id', '=', siteId).where('live', '=', true).where('deleted_at', 'is', null).execute();
  const columnId = (siteId: string, path: string) => h.t.db.selectFrom('site_column').select('id')
    .where('site_id', '=', siteId).where('path', '=', path).executeTakeFirstOrThrow().then((c) => c.id);
  /** A column's feed as the public wildcard would produce it for `<prefix><column>rss.xml`. */
  const feed = (siteId: string, parentId: string | null, mount: { host: string; prefix: string }, relativePath: string) =>
    inScope(h.app.db, { kind: 'public', siteIds: parentId ? [siteId, parentId] : [siteId] }, async (trx) => {
      const row = (await siteRepository.findById(trx, siteId))!;
      const parent = parentId ? (await siteRepository.findById(trx, parentId)) ?? null : null;
      return columnFeedFor(trx, await loadSiteScope(trx, row, parent, mount), relativePath, `http://${mount.host}`);
    });

  beforeAll(async () => {
    h = await build();
    const seeded = await seedDemoProvince(h.t.db, h.clock);
    ctx = { db: h.t.db, clock: h.clock, actor: { userId: null, label: 'test' }, scope: { kind: 'platform', platformIds: [seeded.platformId] } };
    for (const s of await h.t.db.selectFrom('site').select(['id', 'code']).execute()) site[s.code] = s.id;
  });
  afterAll(async () => { await h?.close(); });

  it('should list the home page, the open columns and every live article of the province portal, with lastmod, on its host only', async () => {
    const res = await get('prov.localhost', '/sitemap.xml');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/xml; charset=utf-8');
    expect(res.headers['cache-control']).toBe(XML_CACHE);
    // The public pages' precomputed security headers, not helmet's per-request set.
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toBe((await get('prov.localhost', '/')).headers['content-security-policy']);
    expect(res.headers['x-dns-prefetch-control']).toBeUndefined();
    expect(xml(res.body).documentElement.localName).toBe('urlset');
    const urls = locs(res.body);
    expect(urls.every((u) => u.loc.startsWith('http://prov.localhost/'))).toBe(true);
    expect(urls.every((u) => u.lastmod && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/.test(u.lastmod))).toBe(true);
    expect(urls[0]?.loc).toBe('http://prov.localhost/');
    const articles = await liveArticles(site.prov!);
    expect(articles.length).toBeGreaterThan(20);
    for (const a of articles) expect(urls).toContainEqual({ loc: `http://prov.localhost${a.url_path}`, lastmod: w3cDate(a.last_published_at!) });
    expect(urls.filter((u) => u.loc.endsWith('.html'))).toHaveLength(articles.length);
    // A column's lastmod is its latest item's; the home page's the site's latest.
    const inTzgg = await h.t.db.selectFrom('article_placement as p').innerJoin('article as a', 'a.id', 'p.article_id')
      .select((eb) => eb.fn.max('a.last_published_at').as('latest'))
      .where('p.column_id', '=', await columnId(site.prov!, '/xwdt/tzgg/')).where('a.live', '=', true).executeTakeFirstOrThrow();
    expect(urls.find((u) => u.loc === 'http://prov.localhost/xwdt/tzgg/')?.lastmod).toBe(w3cDate(inTzgg.latest!));
    const latest = Math.max(...articles.map((a) => a.last_published_at!.getTime()));
    expect(urls[0]?.lastmod).toBe(w3cDate(new Date(latest)));
    // Another site's articles are on its own host: none of the department site's paths here.
    const other = await get('prov-jyt.localhost', '/sitemap.xml');
    expect(locs(other.body).every((u) => u.loc.startsWith('http://prov-jyt.localhost/'))).toBe(true);
    expect(locs(other.body).filter((u) => u.loc.endsWith('.html'))).toHaveLength((await liveArticles(site['prov-jyt']!)).length);
    // Every URL listed answers.
    for (const u of urls) expect([u.loc, (await get('prov.localhost', new URL(u.loc).pathname)).statusCode]).toEqual([u.loc, 200]);
    // HEAD as GET, without the body; no index below 50,000 URLs.
    const head = await get('prov.localhost', '/sitemap.xml', 'HEAD');
    expect([head.statusCode, head.headers['content-type'], head.body]).toEqual([200, 'application/xml; charset=utf-8', '']);
    expect((await get('prov.localhost', '/sitemap-1.xml')).statusCode).toBe(404);
  });

  it('should list a sub-site under its prefix on the parent host, and send its own host to the parent sitemap', async () => {
    const urls = locs((await get('anhe.localhost', '/sitemap.xml')).body);
    expect(urls.every((u) => u.loc.startsWith('http://anhe.localhost/'))).toBe(true);
    const cgz = await liveArticles(site['anhe-cgz']!);
    expect(cgz.length).toBeGreaterThan(0);
    for (const a of cgz) expect(urls).toContainEqual({ loc: `http://anhe.localhost/cgz${a.url_path}`, lastmod: w3cDate(a.last_published_at!) });
    expect(urls.map((u) => u.loc)).toContain('http://anhe.localhost/cgz/');
    expect(urls.map((u) => u.loc)).toContain('http://anhe.localhost/cgz/xwdt/tzgg/');
    expect(urls.filter((u) => u.loc.startsWith('http://anhe.localhost/cgz/') && u.loc.endsWith('.html'))).toHaveLength(cgz.length);
    expect(urls.filter((u) => u.loc.startsWith('http://anhe.localhost/jyj/'))).not.toHaveLength(0);
    for (const u of urls.filter((x) => x.loc.startsWith('http://anhe.localhost/cgz/')).slice(0, 8)) {
      expect([u.loc, (await get('anhe.localhost', new URL(u.loc).pathname)).statusCode]).toEqual([u.loc, 200]);
    }
    const own = await get('anhe-cgz.localhost', '/sitemap.xml');
    expect([own.statusCode, own.headers.location]).toEqual([301, 'http://anhe.localhost/sitemap.xml']);
  });

  it('should name the host sitemap in robots.txt and keep the plain 404 for unknown hosts', async () => {
    const res = await get('prov.localhost:3000', '/robots.txt');
    expect([res.statusCode, res.headers['content-type'], res.headers['cache-control']]).toEqual([200, 'text/plain; charset=utf-8', XML_CACHE]);
    expect(res.body).toBe('User-agent: *\nAllow: /\nDisallow: /_preview/\n\nSitemap: http://prov.localhost:3000/sitemap.xml\n');
    expect(locs((await get('prov.localhost:3000', '/sitemap.xml')).body)[0]?.loc).toBe('http://prov.localhost:3000/');
    const page = await get('nosuch.localhost', '/');
    for (const path of ['/robots.txt', '/sitemap.xml', '/sitemap-1.xml']) {
      const miss = await get('nosuch.localhost', path);
      expect([path, miss.statusCode, miss.headers['content-type'], miss.body]).toEqual([path, 404, 'text/html; charset=utf-8', page.body]);
    }
  });

  it('should give a column feed of its 20 newest live items, newest first, escaped, and drop a withdrawn one', async () => {
    const tzgg = await columnId(site.prov!, '/xwdt/tzgg/');
    const now = h.clock.now().getTime();
    const made: string[] = [];
    for (let i = 0; i < 22; i++) {
      const title = i === 0 ? '关于A&B<测试>"引号"的通知' : `反馈测试通知${i}`;
      const draft = await createDraft(ctx, site.prov!, { columnId: tzgg, title, summary: `摘要${i} & <b>说明</b>`, bodyHtml: `<p>正文${i}</p>` });
      await publishRevision(ctx, site.prov!, draft.id, { publishedAt: new Date(now - i * 60_000) });
      made.push(draft.id);
    }
    const text = (await feed(site.prov!, null, { host: 'prov.localhost', prefix: '/' }, '/xwdt/tzgg/rss.xml'))!;
    const doc = xml(text);
    expect(doc.documentElement.localName).toBe('rss');
    expect(doc.querySelector('channel > link')?.textContent).toBe('http://prov.localhost/xwdt/tzgg/');
    const items = [...doc.querySelectorAll('item')];
    expect(items).toHaveLength(20);
    const dates = items.map((i) => i.querySelector('pubDate')?.textContent ?? '');
    expect(dates.every((d) => RFC822.test(d))).toBe(true);
    const times = dates.map((d) => Date.parse(d));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(times[0]).toBe(now);
    expect(items[0]?.querySelector('title')?.textContent).toBe('关于A&B<测试>"引号"的通知');
    expect(text).toContain('<title>关于A&amp;B&lt;测试&gt;&quot;引号&quot;的通知</title>');
    // The same feed over HTTP, at <column path>rss.xml on the site's host.
    const served = await get('prov.localhost', '/xwdt/tzgg/rss.xml');
    expect([served.statusCode, served.headers['content-type']]).toEqual([200, 'application/rss+xml; charset=utf-8']);
    expect(xml(served.body).querySelectorAll('item')).toHaveLength(20);
    expect((await get('prov.localhost', '/no-such-column/rss.xml')).statusCode).toBe(404);
    expect(items[0]?.querySelector('description')?.textContent).toBe('摘要0 & <b>说明</b>');
    const first = await h.t.db.selectFrom('article').select('url_path').where('id', '=', made[0]!).executeTakeFirstOrThrow();
    expect(items[0]?.querySelector('link')?.textContent).toBe(`http://prov.localhost${first.url_path}`);
    expect(items[0]?.querySelector('guid')?.textContent).toBe(`http://prov.localhost${first.url_path}`);

    // Withdrawn: gone from the feed and the sitemap.
    await withdrawArticle(ctx, site.prov!, made[0]!, { reason: '测试撤稿' });
    const after = [...xml((await feed(site.prov!, null, { host: 'prov.localhost', prefix: '/' }, '/xwdt/tzgg/rss.xml'))!).querySelectorAll('item')];
    expect(after).toHaveLength(20);
    expect(after.map((i) => i.querySelector('link')?.textContent)).not.toContain(`http://prov.localhost${first.url_path}`);
    const sitemap = locs((await get('prov.localhost', '/sitemap.xml')).body).map((u) => u.loc);
    expect(sitemap).not.toContain(`http://prov.localhost${first.url_path}`);
    expect(sitemap).toContain(`http://prov.localhost${(await h.t.db.selectFrom('article').select('url_path').where('id', '=', made[1]!).executeTakeFirstOrThrow()).url_path}`);
  });

  it('should leave a link-only article out of the sitemap and link it straight out in the feed', async () => {
    const tzgg = await columnId(site.prov!, '/xwdt/tzgg/');
    const draft = await createDraft(ctx, site.prov!, { columnId: tzgg, title: '外链测试通知', bodyHtml: '', externalUrl: 'https://www.example.gov.cn/a?b=1&c=2' });
    await publishRevision(ctx, site.prov!, draft.id, { publishedAt: h.clock.now() });
    const { url_path } = await h.t.db.selectFrom('article').select('url_path').where('id', '=', draft.id).executeTakeFirstOrThrow();
    expect((await get('prov.localhost', url_path!)).statusCode).toBe(302);
    expect(locs((await get('prov.localhost', '/sitemap.xml')).body).map((u) => u.loc)).not.toContain(`http://prov.localhost${url_path}`);
    const item = xml((await feed(site.prov!, null, { host: 'prov.localhost', prefix: '/' }, '/xwdt/tzgg/rss.xml'))!).querySelector('item')!;
    expect([item.querySelector('title')?.textContent, item.querySelector('link')?.textContent, item.querySelector('guid')?.textContent])
      .toEqual(['外链测试通知', 'https://www.example.gov.cn/a?b=1&c=2', `http://prov.localhost${url_path}`]);
  });

  it('should give a sub-site column feed under its prefix and nothing for paths that are not feeds', async () => {
    const mount = { host: 'anhe.localhost', prefix: '/cgz/' };
    const text = (await feed(site['anhe-cgz']!, site.anhe!, mount, '/xwdt/rss.xml'))!;
    const links = [...xml(text).querySelectorAll('item > link')].map((l) => l.textContent ?? '');
    expect(links.length).toBeGreaterThan(0);
    expect(links.every((l) => l.startsWith('http://anhe.localhost/cgz/xwdt/'))).toBe(true);
    expect(text).toContain('<atom:link href="http://anhe.localhost/cgz/xwdt/rss.xml" rel="self" type="application/rss+xml"/>');
    for (const path of ['/xwdt/tzgg/', '/nosuch/rss.xml', '/rss.xml', '/xwdt/tzgg/rss.xmlx']) {
      expect([path, await feed(site['anhe-cgz']!, site.anhe!, mount, path)]).toEqual([path, null]);
    }
  });

  it('should not list a closed site', async () => {
    await closeSite(ctx, site['anhe-jyj']!);
    const urls = locs((await get('anhe.localhost', '/sitemap.xml')).body).map((u) => u.loc);
    expect(urls.filter((u) => u.startsWith('http://anhe.localhost/jyj/'))).toEqual([]);
    expect(urls).toContain('http://anhe.localhost/cgz/');
  });

  it('should split a host past 50,000 URLs into an index of files within the limit', async () => {
    const siteId = site.yunxi!;
    const column = await columnId(siteId, '/xwdt/yw/');
    const at = h.clock.now();
    // 50,000 more live articles by SQL, serials 100…50,099: blocks 0 (with the seeded ones) and 1.
    // Articles (their revision keys are checked at commit), then revisions, with ANALYZE between:
    // the foreign-key checks are then planned for the tables' new size, not for a few hundred rows.
    const articleId = sql`('00000000-0000-7000-8000-' || lpad(to_hex(n), 12, '0'))::uuid`;
    const revisionId = sql`('00000000-0000-7000-9000-' || lpad(to_hex(n), 12, '0'))::uuid`;
    await h.t.db.transaction().execute(async (trx) => {
      await sql`insert into article (id, site_id, primary_column_id, live, has_unpublished_changes, live_revision_id, latest_revision_id,
          draft_title, url_path, serial_no, first_published_at, last_published_at, published_at)
        select ${articleId}, ${siteId}, ${column}, true, false, ${revisionId}, ${revisionId},
          '批量' || n, '/xwdt/yw/202611/t20261127_' || n || '.html', n, ${at}, ${at}, ${at}
        from generate_series(100, 50099) n`.execute(trx);
      await sql`analyze article`.execute(trx);
      await sql`insert into article_revision (id, site_id, article_id, title)
        select ${revisionId}, ${siteId}, ${articleId}, '批量' || n from generate_series(100, 50099) n`.execute(trx);
      await sql`analyze article_revision`.execute(trx);
    });
    const live = (await liveArticles(siteId)).length;
    const index = await get('yunxi.localhost', '/sitemap.xml');
    expect(index.statusCode).toBe(200);
    const doc = xml(index.body);
    expect(doc.documentElement.localName).toBe('sitemapindex');
    const files = [...doc.querySelectorAll('sitemap > loc')].map((l) => l.textContent);
    expect(files).toEqual(['http://yunxi.localhost/sitemap-1.xml', 'http://yunxi.localhost/sitemap-2.xml', 'http://yunxi.localhost/sitemap-3.xml']);
    expect([...doc.querySelectorAll('sitemap > lastmod')].every((l) => /\+08:00$/.test(l.textContent ?? ''))).toBe(true);
    const all: string[] = [];
    for (const n of [1, 2, 3]) {
      const res = await get('yunxi.localhost', `/sitemap-${n}.xml`);
      expect([n, res.statusCode, res.headers['content-type']]).toEqual([n, 200, 'application/xml; charset=utf-8']);
      // jsdom takes ~10 s over a full file: the small ones are parsed, the full one read by pattern.
      const urls = res.body.length < 1_000_000 ? locs(res.body).map((u) => u.loc) : [...res.body.matchAll(/<url><loc>([^<]+)<\/loc><lastmod>[^<]+<\/lastmod><\/url>\n/g)].map((m) => m[1]!);
      expect(res.body.split('<url>').length - 1).toBe(urls.length);
      expect(urls.length).toBeLessThanOrEqual(50_000);
      all.push(...urls);
    }
    expect(all.length).toBeGreaterThan(50_000);
    expect(all[0]).toBe('http://yunxi.localhost/');
    expect(all.filter((u) => u.endsWith('.html'))).toHaveLength(live);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toContain('http://yunxi.localhost/xwdt/yw/202611/t20261127_50099.html');
    expect((await get('yunxi.localhost', '/sitemap-4.xml')).statusCode).toBe(404);
  }, 120_000);
});
