/**
 * The crawler (issue 7, source 1): a live legacy site fetched over HTTP from its start URL into
 * a mirror on disk (`<dir>/<host>/<path>`, as `wget --mirror` leaves it), which the mirror import
 * then reads by its profile. Only the site's own hosts; robots.txt respected unless the site's
 * owner asks otherwise; a few requests at a time at a bounded rate; bounded by pages and depth;
 * every fetch through page-fetch.ts (public addresses only, size and time caps). Interrupted, it
 * resumes from its state file: pages already on disk are not fetched again.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { decodePage } from '../extract/decode.js';
import { attr, elements, parseHtml } from '../mirror/html-tree.js';
import { fetchPage, type FetchOptions } from './page-fetch.js';
import { ALLOW_ALL, parseRobots, type Robots } from './robots.js';

export interface CrawlOptions {
  start: string;
  /** Where the mirror goes (`<dir>/<host>/…`) with the crawl's state file. */
  dir: string;
  /** Other host names of the same site. */
  aliases?: readonly string[];
  maxPages?: number;
  maxDepth?: number;
  concurrency?: number;
  /** Requests per second at most. */
  rate?: number;
  /** The site's owner overrides its robots.txt for their own site. */
  ignoreRobots?: boolean;
  maxBytes?: number;
  timeoutMs?: number;
  /** TEST ONLY (see page-fetch.ts). */
  unsafeAllowAddressesForTests?: readonly string[];
  resolve?: FetchOptions['resolve'];
  onProgress?: (fetched: number, queued: number) => void;
}

export interface CrawlReport {
  /** The mirror's root for the start host. */
  root: string;
  fetched: number;
  /** Pages fetched by earlier runs of this crawl (resumed). */
  alreadyDone: number;
  /** Still queued when a bound stopped the crawl (a later run resumes them). */
  remaining: number;
  disallowed: string[];
  failed: { url: string; error: string; status?: number }[];
  pagesPerSecond: number;
}

interface State { start: string; queue: { url: string; depth: number }[]; done: string[] }

const STATE = '.zhanqun-crawl.json';
const AGENT = 'zhanqun-legacy-crawler';
const PAGE_TYPES = /text\/html|application\/xhtml/i;

/** Where a URL's body is kept in the mirror (a directory's page as index.html; the query in the name, as wget does). */
export function mirrorFile(root: string, url: URL): string {
  let path = decodeURIComponent(url.pathname);
  if (path.endsWith('/')) path += 'index.html';
  return join(root, `${path.slice(1)}${url.search}`);
}

/** Crawl a site into a mirror; resumes when its state file is there. */
export async function crawl(options: CrawlOptions): Promise<CrawlReport> {
  const start = new URL(options.start);
  const hosts = new Set([start.hostname.toLowerCase(), ...(options.aliases ?? []).map((a) => a.toLowerCase())]);
  const root = join(options.dir, start.hostname.toLowerCase());
  const statePath = join(options.dir, STATE);
  const saved: State | null = existsSync(statePath) ? JSON.parse(readFileSync(statePath, 'utf8')) as State : null;
  const state: State = saved && saved.start === start.href ? saved : { start: start.href, queue: [{ url: start.href, depth: 0 }], done: [] };
  const done = new Set(state.done);
  const seen = new Set([...done, ...state.queue.map((q) => q.url)]);
  const fetchOptions: FetchOptions = {
    hosts, maxBytes: options.maxBytes ?? 20 * 1024 * 1024, timeoutMs: options.timeoutMs ?? 15_000, userAgent: `${AGENT}/1.0`,
    ...(options.unsafeAllowAddressesForTests ? { unsafeAllowAddressesForTests: options.unsafeAllowAddressesForTests } : {}),
    ...(options.resolve ? { resolve: options.resolve } : {}),
  };
  const report: CrawlReport = { root, fetched: 0, alreadyDone: done.size, remaining: 0, disallowed: [], failed: [], pagesPerSecond: 0 };
  const robots = options.ignoreRobots ? ALLOW_ALL : await loadRobots(start, root, fetchOptions);
  const maxPages = options.maxPages ?? 10_000;
  const maxDepth = options.maxDepth ?? 20;
  const interval = 1000 / (options.rate ?? 10);
  let nextSlot = Date.now();
  const started = performance.now();
  const save = () => {
    mkdirSync(options.dir, { recursive: true });
    writeFileSync(`${statePath}.tmp`, JSON.stringify({ ...state, done: [...done] }));
    renameSync(`${statePath}.tmp`, statePath);
  };

  const worker = async () => {
    for (;;) {
      if (report.fetched >= maxPages) return;
      const next = state.queue.shift();
      if (!next) return;
      const url = new URL(next.url);
      if (!robots.isAllowed(`${url.pathname}${url.search}`)) {
        report.disallowed.push(next.url);
        done.add(next.url);
        continue;
      }
      // A bounded rate over all workers: each takes the next free slot.
      const wait = nextSlot - Date.now();
      nextSlot = Math.max(nextSlot, Date.now()) + interval;
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const result = await fetchPage(next.url, fetchOptions);
      done.add(next.url);
      if (!result.ok) {
        report.failed.push({ url: next.url, error: result.error, ...(result.status ? { status: result.status } : {}) });
        continue;
      }
      report.fetched += 1;
      const file = mirrorFile(root, url);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, result.bytes);
      if (next.depth < maxDepth && (PAGE_TYPES.test(result.contentType ?? '') || /\.(s?html?|jsp|aspx?|php)$|\/$/i.test(url.pathname))) {
        for (const link of linksOf(result.bytes, result.contentType, result.url)) {
          if (!hosts.has(link.hostname.toLowerCase()) || seen.has(link.href)) continue;
          seen.add(link.href);
          state.queue.push({ url: link.href, depth: next.depth + 1 });
        }
      }
      if (report.fetched % 25 === 0) save();
      options.onProgress?.(report.fetched, state.queue.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  report.remaining = state.queue.length;
  report.pagesPerSecond = Math.round((report.fetched / Math.max((performance.now() - started) / 1000, 0.001)) * 10) / 10;
  save();
  return report;
}

async function loadRobots(start: URL, root: string, fetchOptions: FetchOptions): Promise<Robots> {
  const result = await fetchPage(new URL('/robots.txt', start).href, fetchOptions);
  if (!result.ok) return ALLOW_ALL; // none, or unreachable: nothing is disallowed
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'robots.txt'), result.bytes);
  return parseRobots(result.bytes.toString('utf8'), AGENT);
}

/** Links and images of a page, absolute, without fragments. */
function linksOf(bytes: Buffer, contentType: string | null, base: string): URL[] {
  const doc = parseHtml(decodePage(bytes, contentType).text);
  const out: URL[] = [];
  for (const el of elements(doc)) {
    const value = el.tagName === 'a' ? attr(el, 'href') : el.tagName === 'img' ? attr(el, 'src') : el.tagName === 'iframe' || el.tagName === 'frame' ? attr(el, 'src') : null;
    if (!value || /^(#|mailto:|tel:|javascript:|data:)/i.test(value.trim())) continue;
    try {
      const url = new URL(value.trim(), base);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') continue;
      url.hash = '';
      out.push(url);
    } catch {
      // an address that does not parse is no link
    }
  }
  return out;
}
