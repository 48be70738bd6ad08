import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import {
  escapeXml, planSitemap, renderRobots, renderRss, renderSitemapIndex, renderUrlset, rfc822Date, serialBlockOf, serialBlockRange,
  SITEMAP_MAX_URLS, w3cDate, type SerialBlockCount, type SitemapUrl,
} from './feeds.js';

/** Parse as XML (jsdom throws on a document that is not well-formed). */
const xml = (text: string) => new JSDOM(text, { contentType: 'application/xml' }).window.document;

/** Live articles as the database would hold them: serial numbers with gaps (withdrawn, deleted). */
function generatedArticles(n: number, siteId: string, seed = 7): { siteId: string; serial: number; lastmod: Date }[] {
  const rows = [];
  let serial = 0;
  let h = seed;
  for (let i = 0; i < n; i++) {
    h = (h * 1103515245 + 12345) >>> 0;
    serial += 1 + (h % 10 === 0 ? (h >>> 8) % 5 : 0); // every tenth leaves a gap of up to 4
    rows.push({ siteId, serial, lastmod: new Date(Date.UTC(2020, 0, 1) + serial * 60_000) });
  }
  return rows;
}

/** What the database's count by serial block (feed.repository) returns for these rows. */
function countBlocks(rows: { siteId: string; serial: number; lastmod: Date }[]): SerialBlockCount[] {
  const byKey = new Map<string, SerialBlockCount>();
  for (const r of rows) {
    const block = serialBlockOf(r.serial);
    const key = `${r.siteId}/${block}`;
    const b = byKey.get(key) ?? { siteId: r.siteId, block, count: 0, lastmod: null };
    b.count++;
    if (!b.lastmod || r.lastmod > b.lastmod) b.lastmod = r.lastmod;
    byKey.set(key, b);
  }
  return [...byKey.values()];
}

describe('sitemap split at 50,000 URLs', () => {
  it('should make one urlset while the host has at most 50,000 URLs', () => {
    const rows = generatedArticles(SITEMAP_MAX_URLS - 40, 'a');
    expect(planSitemap(40, null, countBlocks(rows))).toEqual({ kind: 'urlset', total: SITEMAP_MAX_URLS });
  });

  it('should make an index past 50,000, every file within the limit and every article in exactly one file', () => {
    const rows = [...generatedArticles(120_001, 'a'), ...generatedArticles(3_000, 'b', 11)];
    const blocks = countBlocks(rows);
    const plan = planSitemap(120, new Date('2026-01-01T00:00:00Z'), blocks);
    expect(plan.kind).toBe('index');
    if (plan.kind !== 'index') return;
    expect(plan.total).toBe(120 + 123_001);
    expect(plan.files[0]).toEqual({ kind: 'pages', from: 0, to: 120, lastmod: new Date('2026-01-01T00:00:00Z') });
    let listed = 0;
    for (const file of plan.files.slice(1)) {
      expect(file.kind).toBe('articles');
      if (file.kind !== 'articles') continue;
      // What the file's range query (serial in [from, to)) reads.
      const { from, to } = serialBlockRange(file.block);
      const inFile = rows.filter((r) => r.siteId === file.siteId && r.serial >= from && r.serial < to);
      expect(inFile.length).toBeGreaterThan(0);
      expect(inFile.length).toBeLessThanOrEqual(SITEMAP_MAX_URLS);
      expect(file.lastmod).toEqual(new Date(Math.max(...inFile.map((r) => r.lastmod.getTime()))));
      listed += inFile.length;
    }
    expect(listed).toBe(rows.length);
    expect(plan.files.map((f) => (f.kind === 'articles' ? `${f.siteId}${f.block}` : f.kind))).toEqual(['pages', 'a0', 'a1', 'a2', 'b0']);
  });

  it('should split the pages themselves when a host has more than 50,000 of them', () => {
    const plan = planSitemap(SITEMAP_MAX_URLS + 1, null, []);
    expect(plan.kind === 'index' && plan.files.map((f) => (f.kind === 'pages' ? [f.from, f.to] : null))).toEqual([[0, SITEMAP_MAX_URLS], [SITEMAP_MAX_URLS, SITEMAP_MAX_URLS + 1]]);
  });

  it('should render a full file of 50,000 URLs well-formed and refuse one more', () => {
    const urls: SitemapUrl[] = Array.from({ length: SITEMAP_MAX_URLS }, (_, i) => ({ loc: `https://a.example.cn/x/t_${i}.html?a=1&b=2`, lastmod: new Date(i * 1000) }));
    const text = renderUrlset(urls);
    expect(text.match(/<url>/g)).toHaveLength(SITEMAP_MAX_URLS);
    expect(text).toContain('<loc>https://a.example.cn/x/t_0.html?a=1&amp;b=2</loc><lastmod>1970-01-01T08:00:00+08:00</lastmod>');
    expect(() => renderUrlset([...urls, { loc: 'https://a.example.cn/', lastmod: null }])).toThrow(/at most 50000/);
    const index = xml(renderSitemapIndex([{ loc: 'https://a.example.cn/sitemap-1.xml', lastmod: new Date('2026-11-27T02:00:00Z') }]));
    expect(index.documentElement.localName).toBe('sitemapindex');
    expect(index.querySelector('lastmod')?.textContent).toBe('2026-11-27T10:00:00+08:00');
  });
});

describe('XML escaping and dates', () => {
  it('should escape the five XML characters and drop those XML cannot carry', () => {
    expect(escapeXml(`a & b <c> "d" 'e'\u0001\u0008\uFFFE f`)).toBe('a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos; f');
    expect(escapeXml('县政府 😀')).toBe('县政府 😀');
  });

  it('should give W3C and RFC 822 dates in the platform zone, whatever the machine zone', () => {
    const d = new Date('2026-11-27T17:05:09Z'); // Saturday 01:05:09 in Shanghai
    expect(w3cDate(d)).toBe('2026-11-28T01:05:09+08:00');
    expect(rfc822Date(d)).toBe('Sat, 28 Nov 2026 01:05:09 +0800');
    expect(rfc822Date(new Date('2026-03-01T00:00:00Z'))).toBe('Sun, 01 Mar 2026 08:00:00 +0800');
  });

  it('should write a well-formed RSS feed with escaped titles and summaries', () => {
    const text = renderRss(
      { title: '通知公告 - 甲省', link: 'https://a.example.cn/xwdt/tzgg/', selfUrl: 'https://a.example.cn/xwdt/tzgg/rss.xml', description: '通知 & 公告', language: 'zh-CN' },
      [{ title: '关于<统计>&"核查"的通知', link: 'https://a.example.cn/xwdt/tzgg/202611/t20261127_1.html', guid: 'https://a.example.cn/xwdt/tzgg/202611/t20261127_1.html', summary: '摘要 <b>粗</b>', pubDate: new Date('2026-11-27T02:00:00Z'), updated: null }],
    );
    const doc = xml(text);
    expect(doc.querySelector('item > title')?.textContent).toBe('关于<统计>&"核查"的通知');
    expect(doc.querySelector('item > description')?.textContent).toBe('摘要 <b>粗</b>');
    expect(doc.querySelector('item > pubDate')?.textContent).toBe('Fri, 27 Nov 2026 10:00:00 +0800');
    expect(doc.querySelector('item > guid')?.getAttribute('isPermaLink')).toBe('true');
    expect(doc.querySelector('channel > lastBuildDate')?.textContent).toBe('Fri, 27 Nov 2026 10:00:00 +0800');
  });

  it('should name the sitemap in robots.txt', () => {
    expect(renderRobots('https://a.example.cn/sitemap.xml', ['/_preview/'])).toBe(
      'User-agent: *\nAllow: /\nDisallow: /_preview/\n\nSitemap: https://a.example.cn/sitemap.xml\n',
    );
  });
});
