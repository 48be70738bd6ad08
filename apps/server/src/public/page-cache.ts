/**
 * Rendered public pages, kept as Buffers with their compressed variants and their headers
 * (DESIGN.md "Cache"; STACK.md: Buffers serve ~1.6× faster than strings). Key: host + path (+ the
 * page number, the only query a page reads). Byte-capped, evicting the oldest page not hit since
 * eviction last came round to it (second chance, CLOCK); a change to a site evicts that site's
 * pages only (the database notifies, page-cache listens), never another site's.
 */
import { hash } from 'node:crypto';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { HeaderSets, Wire } from './cached-answer.js';

export interface CachedPage {
  /** The sites the page shows: its own, a sub-site's parent (its footer), and the superior and sibling sites a home links. */
  siteIds: readonly string[];
  status: number;
  contentType: string;
  cacheControl: string;
  body: Buffer;
  gzip: Buffer;
  br: Buffer;
  etag: string;
  lastModified: string;
  bytes: number;
  /** Its answer's headers, made by cached-answer.ts when first needed (fields, not a side table: a hit reads them directly). */
  headers: { plain?: HeaderSets; tls?: HeaderSets };
  /** Its whole answers per encoding, made by cached-answer.ts when first sent; each holds that encoding's Buffer as its tail. */
  wires: { identity?: Wire; gzip?: Wire; br?: Wire };
  /** Hit since eviction last came round to it (PageCache's second chance). */
  used: boolean;
}

/** A page as the route renders it, before its variants, ETag and headers are made. */
export type RenderedPage = Omit<CachedPage, 'gzip' | 'br' | 'etag' | 'bytes' | 'headers' | 'wires' | 'used'>;

export interface PageCacheStats {
  entries: number;
  bytes: number;
  hits: number;
  misses: number;
  stores: number;
  evictions: number;
  invalidations: number;
}

export class PageCache {
  readonly #entries = new Map<string, CachedPage>();
  #bytes = 0;
  /** Bumped on every invalidation: a page rendered before one is not stored after it. */
  #epoch = 0;
  readonly stats = { hits: 0, misses: 0, stores: 0, evictions: 0, invalidations: 0 };

  constructor(readonly maxBytes: number) {}

  get enabled(): boolean {
    return this.maxBytes > 0;
  }

  /** Where an invalidation is ordered: take it before rendering, hand it to `store`. */
  get epoch(): number {
    return this.#epoch;
  }

  get(key: string): CachedPage | undefined {
    const page = this.#entries.get(key);
    if (!page) {
      this.stats.misses++;
      return undefined;
    }
    this.stats.hits++;
    // Second chance (CLOCK): a hit only marks the page; eviction (store) gives a marked page one
    // more lap instead of the hit moving it in the Map. With requests spread over many pages most
    // hits moved their page (a Map delete and insert), measurably slower than marking it.
    if (!page.used) page.used = true;
    return page;
  }

  /** Would `store` keep a page rendered from `epochAtStart` (the cache is on and no site changed since)? */
  keeps(epochAtStart: number): boolean {
    return this.enabled && epochAtStart === this.#epoch;
  }

  /** Is a fresh page there (no counting, no reordering)? */
  has(key: string): boolean {
    return this.#entries.has(key);
  }

  /**
   * Store a rendered page, unless a site changed since `epochAtStart` (the page might show what
   * was there before): it will be rendered again on the next request.
   */
  store(key: string, page: RenderedPage, epochAtStart: number): CachedPage {
    // Not kept (cache off, or a site changed meanwhile): no variant is made unless this answer sends it.
    if (!this.keeps(epochAtStart)) return onDemand(page);
    const full = compressed(page);
    // One page may take at most a quarter of the cache.
    if (full.bytes > this.maxBytes / 4) return full;
    this.#drop(key);
    this.#entries.set(key, full);
    this.#bytes += full.bytes;
    this.stats.stores++;
    // From the oldest: a page hit since eviction last came round to it goes to the young end,
    // unmarked; the first unmarked one is evicted. (Map iteration reaches the re-inserted pages
    // again, unmarked, so the loop ends.) The page just stored stays.
    for (const [oldest, entry] of this.#entries) {
      if (this.#bytes <= this.maxBytes) break;
      if (entry === full) continue;
      this.#entries.delete(oldest);
      if (entry.used) {
        entry.used = false;
        this.#entries.set(oldest, entry);
        continue;
      }
      this.#bytes -= entry.bytes;
      this.stats.evictions++;
    }
    return full;
  }

  /** A site changed: drop its pages (and pages that show it), nothing else. `*` drops all. */
  invalidateSite(siteId: string): number {
    this.#epoch++;
    this.stats.invalidations++;
    let dropped = 0;
    for (const [key, entry] of this.#entries) {
      if (siteId === '*' || entry.siteIds.includes(siteId)) {
        this.#drop(key);
        dropped++;
      }
    }
    return dropped;
  }

  snapshot(): PageCacheStats {
    return { entries: this.#entries.size, bytes: this.#bytes, ...this.stats };
  }

  #drop(key: string): void {
    const old = this.#entries.get(key);
    if (!old) return;
    this.#entries.delete(key);
    this.#bytes -= old.bytes;
  }
}

const gzipOf = (body: Buffer) => gzipSync(body, { level: 6 });
// Quality 5: most of brotli's gain at a small cost, paid once per stored page.
const brotliOf = (body: Buffer) => brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } });
// One-shot crypto.hash (Node 20.12+): no Hash object per page rendered.
export const etagOf = (body: Buffer) => `"${hash('sha1', body, 'base64url').slice(0, 22)}"`;

function compressed(page: RenderedPage): CachedPage {
  const gzip = gzipOf(page.body);
  const br = brotliOf(page.body);
  // Its heads: header lists and, for the encodings clients take, the head of a wire answer (~1 KB each, the CSP most of it).
  return cachedPage(page, gzip, br, page.body.length + gzip.length + br.length + 2048);
}

/**
 * A CachedPage written out field by field, in one order: every page then has the same shape (V8
 * map), so a hit's loads of its fields stay fast. Made with `{ ...page, … }`, pages came out in
 * many shapes (8 of 49 pages shared the first one's), the loads on the hit path went megamorphic
 * and most of them missed V8's stub cache into its runtime (perf: LookupInRegularHolder).
 */
function cachedPage(page: RenderedPage, gzip: Buffer, br: Buffer, bytes: number): CachedPage {
  return {
    siteIds: page.siteIds, status: page.status, contentType: page.contentType, cacheControl: page.cacheControl,
    body: page.body, gzip, br, etag: etagOf(page.body), lastModified: page.lastModified, bytes,
    headers: {}, wires: {}, used: false,
  };
}

/**
 * A page answered once and not kept: its variants are compressed when first read, so an answer
 * sends at most the one its client accepts (the benchmark found both made for every uncached page).
 */
function onDemand(page: RenderedPage): CachedPage {
  let gzip: Buffer | undefined;
  let br: Buffer | undefined;
  return {
    siteIds: page.siteIds, status: page.status, contentType: page.contentType, cacheControl: page.cacheControl,
    body: page.body, lastModified: page.lastModified,
    etag: etagOf(page.body),
    bytes: page.body.length,
    headers: {},
    wires: {},
    used: false,
    get gzip() { return (gzip ??= gzipOf(page.body)); },
    get br() { return (br ??= brotliOf(page.body)); },
  };
}

/** The encoding to send for an Accept-Encoding header: br, then gzip, else none. */
export function pickEncoding(accept: string | undefined): 'br' | 'gzip' | null {
  if (!accept) return null;
  const offered = accept.toLowerCase().split(',').map((part) => {
    const [name, ...params] = part.trim().split(';');
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find(Boolean);
    return { name: name!.trim(), q: q === undefined ? 1 : Number(q) };
  });
  const quality = (n: string) => offered.find((o) => o.name === n)?.q ?? offered.find((o) => o.name === '*')?.q ?? 0;
  if (quality('br') > 0) return 'br';
  if (quality('gzip') > 0) return 'gzip';
  return null;
}

/** Does If-None-Match name this ETag (weak comparison, as for GET)? */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}
