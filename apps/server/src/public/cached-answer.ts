/**
 * Cache hits answered before Fastify (issue 6, Speed): the HTTP server hands every request to
 * `answerFromCache` first; a rendered public page in the cache is written straight from its
 * Buffers with headers computed once per page, and anything else goes on to Fastify. A hit costs
 * no routing, no hooks, no request object and no log line (the cache counts it instead).
 *
 * Only pages the public route stored are ever found here, under the key it stored them with
 * (pageCacheKey over the normalised Host): the admin host, health checks, assets and files are
 * never stored, so they always reach Fastify.
 */
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { FastifyServerOptions } from 'fastify';
import { normaliseHost } from '@zhanqun/tenancy/host';
import { etagMatches, pickEncoding, type CachedPage, type PageCache } from './page-cache.js';
import { HSTS, PUBLIC_SECURITY_HEADERS } from './security-headers.js';

/**
 * Cache keys of public requests: the host (normalised) and the path, plus the page number, the only
 * query a cached page reads (so random query strings cannot fill the cache); null: never cached.
 */
export function pageCacheKey(host: string | null, rawUrl: string): string | null {
  if (!host) return null;
  const q = rawUrl.indexOf('?');
  const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
  // Attachments (checked on every request) and search answers (one per query) are never cached.
  if (path.includes('/_files/') || path.includes('/_search/')) return null;
  const page = q === -1 ? null : new URLSearchParams(rawUrl.slice(q + 1)).get('page');
  return `${host}${path}${page && /^\d{1,6}$/.test(page) ? `?page=${page}` : ''}`;
}

type Variant = 'identity' | 'gzip' | 'br';
/**
 * Headers as Node's writeHead takes them flat: [name, value, name, value, …]. Given an object,
 * Node enumerates its keys with for…in and hasOwnProperty on every answer; given this list it
 * walks an array. A bare server answering 2,000 pages with these 13 headers served ~25 % more
 * per second so; on the whole hit path the gain is within a 5-second run's noise (the writev of
 * the answer dominates), but it costs nothing.
 */
type HeaderList = string[];
export interface HeaderSets {
  /** No length, no encoding: for Fastify's own reply (a page just rendered). */
  bare: OutgoingHttpHeaders;
  /** Per variant, and `bare` for 304: for writeHead; each made when first sent (listFor). */
  lists: Partial<Record<Variant | 'bare', HeaderList>>;
}

/**
 * The headers of a cached page, made once per page as they are first needed and kept on the page
 * itself: its own, then the public security headers (and HSTS over TLS), so a hit builds nothing
 * and looks nothing up but the page's fields (a page rendered with the cache off builds only what
 * its answer sends).
 */
export function pageHeaders(page: CachedPage, tls: boolean): HeaderSets {
  const made = page.headers;
  return tls ? (made.tls ??= headerSets(page, { 'strict-transport-security': HSTS })) : (made.plain ??= headerSets(page, {}));
}

function headerSets(page: CachedPage, extra: OutgoingHttpHeaders): HeaderSets {
  const bare: OutgoingHttpHeaders = {
    'content-type': page.contentType, 'cache-control': page.cacheControl, etag: page.etag,
    'last-modified': page.lastModified, vary: 'Accept-Encoding', ...PUBLIC_SECURITY_HEADERS, ...extra,
  };
  return { bare, lists: {} };
}

/** The flat header list of one variant of the page (or `bare`, for 304), made when first asked for. */
function listFor(page: CachedPage, tls: boolean, variant: Variant | 'bare'): HeaderList {
  const sets = pageHeaders(page, tls);
  const made = sets.lists[variant];
  if (made) return made;
  // The compressed ones too only when sent: a page answered once and not kept compresses only the variant it sends (page-cache.ts).
  const more: OutgoingHttpHeaders = variant === 'bare' ? {}
    : variant === 'identity' ? { 'content-length': page.body.length }
      : { 'content-encoding': variant, 'content-length': page[variant].length };
  const list = Object.entries({ ...sets.bare, ...more }).flatMap(([name, value]) => [name, String(value)]);
  sets.lists[variant] = list;
  return list;
}

// Clients send few distinct Accept-Encoding values: parse each once (bounded, so odd values cannot grow it).
const encodings = new Map<string, ReturnType<typeof pickEncoding>>();
function encodingFor(accept: string | undefined): ReturnType<typeof pickEncoding> {
  if (!accept) return null;
  let chosen = encodings.get(accept);
  if (chosen === undefined) {
    chosen = pickEncoding(accept);
    if (encodings.size < 64) encodings.set(accept, chosen);
  }
  return chosen;
}

/**
 * A request header read from the raw list as the parser gave it (`lower`: its name in lower
 * case; repeated ones joined with ", " as Node joins them, or the first alone). Node builds
 * `req.headers` from that list the first time it is read, lower-casing every name; a cache hit
 * reads three headers and need not build it. Reading a header a request lacks from `req.headers`
 * was also a slow lookup of a missing property on every hit (perf).
 */
export function rawHeader(req: IncomingMessage, lower: string, first = false): string | undefined {
  const raw = req.rawHeaders;
  let found: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length !== lower.length || (name !== lower && name.toLowerCase() !== lower)) continue;
    if (first) return raw[i + 1];
    found = found === undefined ? raw[i + 1] : `${found}, ${raw[i + 1]}`;
  }
  return found;
}

/** What to answer with a rendered page: 304 on a matching ETag, else the best encoding the client takes. */
export function pageAnswer(req: IncomingMessage, page: CachedPage): { status: number; variant: Variant | null; body: Buffer | null } {
  const ifNoneMatch = rawHeader(req, 'if-none-match');
  if (ifNoneMatch !== undefined && etagMatches(ifNoneMatch, page.etag)) return { status: 304, variant: null, body: null };
  const encoding = encodingFor(rawHeader(req, 'accept-encoding'));
  if (encoding === 'br') return { status: page.status, variant: 'br', body: page.br };
  if (encoding === 'gzip') return { status: page.status, variant: 'gzip', body: page.gzip };
  return { status: page.status, variant: 'identity', body: page.body };
}

/** Write a cached page to a raw response (headers only for HEAD and 304). */
export function writeCachedPage(req: IncomingMessage, res: ServerResponse, page: CachedPage, tls: boolean): void {
  const { status, variant, body } = pageAnswer(req, page);
  res.writeHead(status, listFor(page, tls, variant ?? 'bare'));
  res.end(req.method === 'HEAD' || !body ? undefined : body);
}

export interface CachedAnswerOptions {
  cache: PageCache;
  adminHost: string;
  /** The TRUST_PROXY setting: with `true` X-Forwarded-Proto says whether the client used TLS. */
  trustProxy: boolean | string;
}

// Host headers as sent → normalised hosts, kept for the few thousand hosts a province has (bounded:
// when full it starts again, so junk Host values cannot grow it).
const hosts = new Map<string, string | null>();
function hostOf(raw: string | undefined): string | null {
  if (!raw) return null;
  let host = hosts.get(raw);
  if (host === undefined) {
    host = normaliseHost(raw);
    if (hosts.size >= 20_000) hosts.clear();
    hosts.set(raw, host);
  }
  return host;
}

/**
 * The answer-from-cache step: true when the request was answered. Requests it cannot judge
 * alone (a list of trusted proxies, whose addresses Fastify checks) go on to Fastify, which
 * serves the same hit more slowly.
 */
export function answerFromCache(opts: CachedAnswerOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const { cache, adminHost, trustProxy } = opts;
  return (req, res) => {
    if (!cache.enabled || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
    if (typeof trustProxy === 'string') return false;
    const host = hostOf(rawHeader(req, 'host', true)); // Node, too, keeps the first Host
    if (!host || host === adminHost) return false;
    const key = pageCacheKey(host, req.url ?? '/');
    const page = key === null ? undefined : cache.get(key);
    if (!page) return false;
    // The server is plain HTTP (cacheFirstServerFactory): TLS is the client's only behind a trusted proxy that says so.
    const forwarded = trustProxy ? rawHeader(req, 'x-forwarded-proto') : undefined;
    const tls = forwarded !== undefined && forwarded.split(',')[0]!.trim() === 'https';
    writeCachedPage(req, res, page, tls);
    return true;
  };
}

/**
 * Fastify's serverFactory: an HTTP/1 server that tries the cache before Fastify, with the
 * timeouts Fastify would have set on its own server.
 */
export function cacheFirstServerFactory(tryCache: (req: IncomingMessage, res: ServerResponse) => boolean) {
  return (handler: (req: IncomingMessage, res: ServerResponse) => void, options: FastifyServerOptions): Server => {
    const server = createServer((req, res) => {
      if (!tryCache(req, res)) handler(req, res);
    });
    if (options.keepAliveTimeout !== undefined) server.keepAliveTimeout = options.keepAliveTimeout;
    if (options.requestTimeout !== undefined) server.requestTimeout = options.requestTimeout;
    if (options.connectionTimeout !== undefined) server.setTimeout(options.connectionTimeout);
    if (options.maxRequestsPerSocket) server.maxRequestsPerSocket = options.maxRequestsPerSocket;
    return server;
  };
}
