/**
 * Cache hits answered before Fastify (issue 6, Speed): the HTTP server hands every request to
 * `answerFromCache` first; a rendered public page in the cache is written straight from its
 * Buffers with headers computed once per page (a kept-alive GET: its whole answer, one Buffer,
 * `Wire`), and anything else goes on to Fastify. A hit costs no routing, no hooks, no request
 * object and no log line (the cache counts it instead).
 *
 * Only pages the public route stored are ever found here, under the key it stored them with
 * (pageCacheKey over the normalised Host): the admin host, health checks, assets and files are
 * never stored, so they always reach Fastify.
 */
import {
  createServer, STATUS_CODES, validateHeaderName, validateHeaderValue,
  type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse,
} from 'node:http';
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
export function encodingFor(accept: string | undefined): ReturnType<typeof pickEncoding> {
  if (!accept) return null;
  let chosen = encodings.get(accept);
  if (chosen === undefined) {
    chosen = pickEncoding(accept);
    if (encodings.size < 64) encodings.set(accept, chosen);
  }
  return chosen;
}

/** The request headers an answer from the cache reads. */
export interface AnswerHeaders {
  /** The first Host, as Node keeps it. */
  host: string | undefined;
  ifNoneMatch: string | undefined;
  acceptEncoding: string | undefined;
  forwardedProto: string | undefined;
}

/** Is `name` (a header name as sent, as long as `lower`) `lower` in any case? Token characters only: `| 0x20` lowers a letter and keeps `-`. */
function sameName(name: string, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) if ((name.charCodeAt(i) | 0x20) !== lower.charCodeAt(i)) return false;
  return true;
}

const joined = (found: string | undefined, value: string) => (found === undefined ? value : `${found}, ${value}`);

/**
 * The four headers an answer reads, in one pass over the raw list as the parser gave it (repeats
 * joined with ", " as Node joins them). Node builds `req.headers` from that list the first time it
 * is read, lower-casing every name; a hit need not build it. Names differ in length, so each is
 * compared with the one name of its length.
 */
export function answerHeaders(req: IncomingMessage): AnswerHeaders {
  const raw = req.rawHeaders;
  const found: AnswerHeaders = { host: undefined, ifNoneMatch: undefined, acceptEncoding: undefined, forwardedProto: undefined };
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    switch (name.length) {
      case 4: if (found.host === undefined && sameName(name, 'host')) found.host = value; break;
      case 13: if (sameName(name, 'if-none-match')) found.ifNoneMatch = joined(found.ifNoneMatch, value); break;
      case 15: if (sameName(name, 'accept-encoding')) found.acceptEncoding = joined(found.acceptEncoding, value); break;
      case 17: if (sameName(name, 'x-forwarded-proto')) found.forwardedProto = joined(found.forwardedProto, value); break;
    }
  }
  return found;
}

/** What to answer with a rendered page: 304 on a matching ETag, else the best encoding the client takes. */
export function pageAnswer(headers: AnswerHeaders, page: CachedPage): { status: number; variant: Variant | null; body: Buffer | null } {
  if (headers.ifNoneMatch !== undefined && etagMatches(headers.ifNoneMatch, page.etag)) return { status: 304, variant: null, body: null };
  const encoding = encodingFor(headers.acceptEncoding);
  if (encoding === 'br') return { status: page.status, variant: 'br', body: page.br };
  if (encoding === 'gzip') return { status: page.status, variant: 'gzip', body: page.gzip };
  return { status: page.status, variant: 'identity', body: page.body };
}

/** Write a cached page through Node's writeHead (headers only for HEAD and 304). */
export function writeCachedPage(req: IncomingMessage, res: ServerResponse, page: CachedPage, tls: boolean, headers = answerHeaders(req)): void {
  const { status, variant, body } = pageAnswer(headers, page);
  res.writeHead(status, listFor(page, tls, variant ?? 'bare'));
  res.end(req.method === 'HEAD' || !body ? undefined : body);
}

// ---- answers as they go on the wire ---------------------------------------------------------

/**
 * A page's whole answer in one Buffer, as it goes on the wire: status line, Date, the page's
 * headers, Connection and Keep-Alive, a blank line, then the body. Made when a keep-alive GET first
 * asks for the page in that encoding; the page's Buffer of that encoding becomes its tail, so the
 * body is kept once.
 *
 * Why: Node's writeHead validates and joins the headers into a string on every answer, and the
 * socket then writes that string and the body as two chunks (a writev that copies the string out
 * first). One Buffer is one plain write. Over 10,000 pages in a bare server: 21.5 µs of CPU a hit
 * through writeHead, 17.1 µs as one Buffer (the bare Fastify ceiling: 16.4 µs).
 */
export interface Wire {
  readonly bytes: Buffer;
  /** Where the Date's 29 characters sit in `bytes`, and what they say now. */
  readonly dateAt: number;
  date: string;
  /** Made with HSTS (the client used TLS); an answer for the other kind goes through writeHead. */
  readonly tls: boolean;
  /** The Connection and Keep-Alive lines it was made with (its server's). */
  readonly connection: string;
}

/** The variant's Buffer field on a page. */
const FIELD = { identity: 'body', gzip: 'gzip', br: 'br' } as const;

let dateSecond = -1;
let dateText = '';
/** The Date header's value (IMF-fixdate, always 29 characters), made once a second as Node makes its own. */
export function httpDate(now = Date.now()): string {
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(now).toUTCString();
  }
  return dateText;
}

/** Header lines as a head carries them (`name: value` and CRLF each), validated as Node's writeHead validates them. */
export function headLines(list: HeaderList): string {
  let lines = '';
  for (let i = 0; i < list.length; i += 2) {
    validateHeaderName(list[i]!);
    validateHeaderValue(list[i]!, list[i + 1]!);
    lines += `${list[i]}: ${list[i + 1]}\r\n`;
  }
  return lines;
}

/** The wire form of a page in one encoding, made now: the headers Node's writeHead would send, validated once as it would validate them. */
function makeWire(page: CachedPage, variant: Variant, tls: boolean, connection: string): Wire {
  const list = listFor(page, tls, variant);
  let head = `${statusLine(page.status)}Date: `;
  const dateAt = head.length;
  const date = httpDate();
  head += `${date}\r\n${headLines(list)}${connection}\r\n`;
  // Validated values hold Latin-1 only: one byte a character, so offsets in the text are offsets in the bytes.
  const body = page[FIELD[variant]];
  const bytes = Buffer.allocUnsafeSlow(head.length + body.length);
  bytes.write(head, 0, 'latin1');
  body.copy(bytes, head.length);
  page[FIELD[variant]] = bytes.subarray(head.length);
  return { bytes, dateAt, date, tls, connection };
}

/**
 * The fields of Node's ServerResponse (OutgoingMessage) that say whether and what head was sent.
 * Node reads `_header` only for its truth (headersSent, no second head): a hit's status line stands for its head.
 */
interface SentHead { _header: string | null; _headerSent: boolean }

const statusLines = new Map<number, string>();
/** `HTTP/1.1 200 OK` and its CRLF, made once a status. */
export function statusLine(status: number): string {
  let line = statusLines.get(status);
  if (line === undefined) statusLines.set(status, (line = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'unknown'}\r\n`));
  return line;
}

/**
 * Send a wire answer as the response's head and body: Node's response takes it as if writeHead had
 * stored that head and the head had gone out, and end() writes the one Buffer and finishes the
 * response as usual (keep-alive, the next pipelined answer, 'finish'). Only on a fresh response:
 * where those fields are not as Node 20 leaves a new response (another Node, or a head already
 * stored), false, and the caller answers through writeHead.
 */
function sendWire(res: ServerResponse, wire: Wire, status: number): boolean {
  if (!freshResponse(res)) return false;
  const date = httpDate();
  // In place: a Buffer still queued on a slow socket then goes out with the newer second, never a torn one.
  if (wire.date !== date) {
    wire.bytes.write(date, wire.dateAt, 'latin1');
    wire.date = date;
  }
  endWithWire(res, wire.bytes, status);
  return true;
}

/** Has nothing of the response's head been stored or sent (as Node 20 leaves a new response)? */
export function freshResponse(res: ServerResponse): boolean {
  const sent = res as unknown as SentHead;
  return sent._header === null && sent._headerSent === false;
}

/** End a fresh response with `bytes`, its whole answer (head and body). */
export function endWithWire(res: ServerResponse, bytes: Buffer, status: number): void {
  const sent = res as unknown as SentHead;
  res.statusCode = status;
  sent._header = statusLine(status);
  sent._headerSent = true;
  res.end(bytes);
}

/**
 * The Connection and Keep-Alive lines Node's server writes on a kept-alive answer; null where the
 * server counts requests per socket (its answers may have to say close): hits then go through
 * writeHead.
 */
export function keepAliveLines(server: Server): string | null {
  if (server.maxRequestsPerSocket) return null;
  const seconds = Math.floor(server.keepAliveTimeout / 1000);
  return `Connection: keep-alive\r\n${server.keepAliveTimeout ? `Keep-Alive: timeout=${seconds}\r\n` : ''}`;
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

/** Answer from the cache: true when the request was answered. `connection`: keepAliveLines of the server, null for no wire answers. */
export type CacheAnswer = (req: IncomingMessage, res: ServerResponse, connection: string | null) => boolean;

/**
 * The answer-from-cache step. Requests it cannot judge alone (a list of trusted proxies, whose
 * addresses Fastify checks) go on to Fastify, which serves the same hit more slowly. A kept-alive
 * HTTP/1.1 GET is answered with the page's wire Buffer; HEAD, 304, a closing connection and HTTP/1.0
 * through writeHead, whose Connection handling is Node's own.
 */
export function answerFromCache(opts: CachedAnswerOptions): CacheAnswer {
  const { cache, adminHost, trustProxy } = opts;
  return (req, res, connection) => {
    if (!cache.enabled || typeof trustProxy === 'string') return false;
    const method = req.method;
    if (method !== 'GET' && method !== 'HEAD') return false;
    const headers = answerHeaders(req);
    const host = hostOf(headers.host);
    if (!host || host === adminHost) return false;
    const url = req.url ?? '/';
    // Pages under /_files/ and /_search/ are never stored (pageCacheKey): without a query the key is host and path.
    const key = url.indexOf('?') === -1 ? host + url : pageCacheKey(host, url);
    const page = key === null ? undefined : cache.get(key);
    if (!page) return false;
    // The server is plain HTTP (cacheFirstServerFactory): TLS is the client's only behind a trusted proxy that says so.
    const forwarded = trustProxy ? headers.forwardedProto : undefined;
    const tls = forwarded !== undefined && forwarded.split(',')[0]!.trim() === 'https';
    if (connection !== null && method === 'GET' && res.shouldKeepAlive && req.httpVersionMajor === 1 && req.httpVersionMinor === 1) {
      const { status, variant } = pageAnswer(headers, page);
      if (variant !== null) {
        let wire = page.wires[variant];
        if (!wire || wire.connection !== connection) wire = page.wires[variant] = makeWire(page, variant, tls, connection);
        if (wire.tls === tls && sendWire(res, wire, status)) return true;
      }
    }
    writeCachedPage(req, res, page, tls, headers);
    return true;
  };
}

/**
 * Fastify's serverFactory: an HTTP/1 server that tries the cache before Fastify, with the
 * timeouts Fastify would have set on its own server.
 */
export function cacheFirstServerFactory(tryCache: CacheAnswer) {
  return (handler: (req: IncomingMessage, res: ServerResponse) => void, options: FastifyServerOptions): Server => {
    let connection: string | null = null;
    const server = createServer((req, res) => {
      if (!tryCache(req, res, connection)) handler(req, res);
    });
    if (options.keepAliveTimeout !== undefined) server.keepAliveTimeout = options.keepAliveTimeout;
    if (options.requestTimeout !== undefined) server.requestTimeout = options.requestTimeout;
    if (options.connectionTimeout !== undefined) server.setTimeout(options.connectionTimeout);
    if (options.maxRequestsPerSocket) server.maxRequestsPerSocket = options.maxRequestsPerSocket;
    connection = keepAliveLines(server);
    return server;
  };
}
