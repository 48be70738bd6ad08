/**
 * The machine-readable public outputs (issue 6, Pages): sitemap.xml (a plain urlset, or an index
 * split at 50,000 URLs), robots.txt and a column's RSS 2.0 feed. Pure functions from rows to
 * strings; the queries are in @zhanqun/content/feed.repository and the routes in apps/server.
 * Times: sitemaps use W3C datetimes and feeds RFC 822 dates, both in the platform zone
 * (Asia/Shanghai, +08:00), as every date a reader sees on the sites (DESIGN.md, Time).
 */
import { zonedParts } from '@zhanqun/core/time';

/** The most URLs one sitemap file may hold (sitemaps.org); past this /sitemap.xml is an index. */
export const SITEMAP_MAX_URLS = 50_000;

// Characters XML 1.0 cannot carry at all, even escaped: a stray control character in a title
// would make the whole file unreadable to a crawler, so it is dropped.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Text or attribute value as XML: the five entities escaped, characters XML forbids dropped. */
export function escapeXml(value: string): string {
  return value.replace(NOT_XML_CHAR, '').replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

const pad = (n: number) => String(n).padStart(2, '0');
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** W3C datetime in the platform zone: `2026-11-27T10:00:00+08:00`. */
export function w3cDate(date: Date): string {
  const p = zonedParts(date);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}+08:00`;
}

/** RFC 822 date (RSS 2.0) in the platform zone: `Fri, 27 Nov 2026 10:00:00 +0800`. */
export function rfc822Date(date: Date): string {
  const p = zonedParts(date);
  const weekday = new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay();
  return `${DAYS[weekday]}, ${pad(p.day)} ${MONTHS[p.month - 1]} ${p.year} ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)} +0800`;
}

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
const SITEMAP_NS = 'http://www.sitemaps.org/schemas/sitemap/0.9';

/** One `<url>` of a sitemap: an absolute URL and when its page last changed. */
export interface SitemapUrl { loc: string; lastmod: Date | null }

/** One `<sitemap>` of a sitemap index. */
export interface SitemapRef { loc: string; lastmod: Date | null }

function entry(tag: 'url' | 'sitemap', loc: string, lastmod: Date | null): string {
  return `<${tag}><loc>${escapeXml(loc)}</loc>${lastmod ? `<lastmod>${w3cDate(lastmod)}</lastmod>` : ''}</${tag}>\n`;
}

/** A `<urlset>`; refuses more URLs than one file may hold (the caller should have planned an index). */
export function renderUrlset(urls: Iterable<SitemapUrl>): string {
  const parts = [XML_DECLARATION, `<urlset xmlns="${SITEMAP_NS}">\n`];
  let n = 0;
  for (const u of urls) {
    if (++n > SITEMAP_MAX_URLS) throw new Error(`a sitemap file holds at most ${SITEMAP_MAX_URLS} URLs`);
    parts.push(entry('url', u.loc, u.lastmod));
  }
  parts.push('</urlset>\n');
  return parts.join('');
}

/** A `<sitemapindex>` naming the files of a split sitemap. */
export function renderSitemapIndex(refs: readonly SitemapRef[]): string {
  return `${XML_DECLARATION}<sitemapindex xmlns="${SITEMAP_NS}">\n${refs.map((r) => entry('sitemap', r.loc, r.lastmod)).join('')}</sitemapindex>\n`;
}

/** A host's robots.txt: everything may be crawled but the paths listed; the sitemap is named. */
export function renderRobots(sitemapUrl: string, disallow: readonly string[] = []): string {
  return ['User-agent: *', 'Allow: /', ...disallow.map((p) => `Disallow: ${p}`), '', `Sitemap: ${sitemapUrl}`, ''].join('\n');
}

// ## Splitting a host's sitemap
//
// Articles are split by their per-site serial number (the `<no>` of their URL, unique in a site
// and assigned with the URL at first publish) in blocks of SITEMAP_MAX_URLS numbers: a block
// can never hold more URLs than a file may, and each file is read by a range scan of the
// (site_id, serial_no) index, without OFFSET, however deep it is. A block's file keeps its
// articles as new ones arrive (they take higher numbers). Home and column pages come first.

/** The block of serial numbers an article's sitemap file covers. */
export function serialBlockOf(serial: number, size = SITEMAP_MAX_URLS): number {
  return Math.floor(serial / size);
}

/** The serial numbers `[from, to)` of a block. */
export function serialBlockRange(block: number, size = SITEMAP_MAX_URLS): { from: number; to: number } {
  return { from: block * size, to: (block + 1) * size };
}

/** How many live articles a block of a site holds, and the newest change among them. */
export interface SerialBlockCount { siteId: string; block: number; count: number; lastmod: Date | null }

/** One file of a split sitemap: a slice of the home and column pages, or one serial block of a site's articles. */
export type SitemapFile =
  | { kind: 'pages'; from: number; to: number; lastmod: Date | null }
  | { kind: 'articles'; siteId: string; block: number; lastmod: Date | null };

/** One urlset with everything, or an index of files each within SITEMAP_MAX_URLS. */
export type SitemapPlan = { kind: 'urlset'; total: number } | { kind: 'index'; total: number; files: SitemapFile[] };

const newest = (a: Date | null, b: Date | null) => (a && b ? (a > b ? a : b) : (a ?? b));

/**
 * Plan a host's sitemap from `pageCount` home and column pages (newest change `pagesLastmod`)
 * and the article blocks of its sites, given in the order of the sites on the host. Files are
 * numbered from 1 in the order returned.
 */
export function planSitemap(pageCount: number, pagesLastmod: Date | null, blocks: readonly SerialBlockCount[], max = SITEMAP_MAX_URLS): SitemapPlan {
  const total = pageCount + blocks.reduce((n, b) => n + b.count, 0);
  if (total <= max) return { kind: 'urlset', total };
  const files: SitemapFile[] = [];
  for (let from = 0; from < pageCount; from += max) files.push({ kind: 'pages', from, to: Math.min(pageCount, from + max), lastmod: pagesLastmod });
  for (const b of blocks) {
    if (b.count > max) throw new Error(`serial block ${b.block} of site ${b.siteId} holds ${b.count} articles, more than ${max}`);
    if (b.count > 0) files.push({ kind: 'articles', siteId: b.siteId, block: b.block, lastmod: b.lastmod });
  }
  return { kind: 'index', total, files };
}

/** The newest lastmod of a list (for an index entry or a home page). */
export function latestOf(dates: Iterable<Date | null>): Date | null {
  let latest: Date | null = null;
  for (const d of dates) latest = newest(latest, d);
  return latest;
}

// ## RSS 2.0

export interface FeedChannel {
  title: string;
  /** The column page (absolute). */
  link: string;
  description: string;
  language: string;
  /** The feed's own URL (atom:link rel="self"). */
  selfUrl: string;
}

export interface FeedItem {
  title: string;
  /** Where the item takes readers: its page, or the address a link-only article links to. */
  link: string;
  /** The article's absolute URL: stored at first publish and never recomputed. */
  guid: string;
  summary: string | null;
  /** PubDate as readers see it on the page. */
  pubDate: Date;
  /** When it last went live (lastBuildDate is the newest of these). */
  updated: Date | null;
}

/** An RSS 2.0 feed, items in the order given (newest first). */
export function renderRss(channel: FeedChannel, items: readonly FeedItem[]): string {
  const built = latestOf(items.map((i) => i.updated ?? i.pubDate));
  const head = [
    `<title>${escapeXml(channel.title)}</title>`,
    `<link>${escapeXml(channel.link)}</link>`,
    `<description>${escapeXml(channel.description)}</description>`,
    `<language>${escapeXml(channel.language)}</language>`,
    `<atom:link href="${escapeXml(channel.selfUrl)}" rel="self" type="application/rss+xml"/>`,
    ...(built ? [`<lastBuildDate>${rfc822Date(built)}</lastBuildDate>`] : []),
  ];
  const body = items.map((i) => [
    '<item>',
    `<title>${escapeXml(i.title)}</title>`,
    `<link>${escapeXml(i.link)}</link>`,
    `<guid isPermaLink="true">${escapeXml(i.guid)}</guid>`,
    `<pubDate>${rfc822Date(i.pubDate)}</pubDate>`,
    ...(i.summary ? [`<description>${escapeXml(i.summary)}</description>`] : []),
    '</item>',
  ].join('\n'));
  return `${XML_DECLARATION}<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">\n<channel>\n${[...head, ...body].join('\n')}\n</channel>\n</rss>\n`;
}
