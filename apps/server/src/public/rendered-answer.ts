/**
 * A page rendered for one request and not kept (cache off, or a site changed while it rendered),
 * answered in one Buffer as a cache hit's wire answer is (issue 6, Speed): the head, then the page
 * encoded as UTF-8 straight after it, made in a scratch buffer that the next page reuses once the
 * socket has taken these bytes.
 *
 * Why: answered as a kept page is, each page was encoded into a Buffer of its own and its header
 * list built, then Node's writeHead validated and joined that list and the socket wrote the head
 * string and the body as two chunks. With the server's other work taken away (the same rendered
 * text sent again and again), that path cost ~45 µs of CPU a page against ~30 µs for a ready
 * Buffer; most of the difference was the fresh ~10 KB Buffer per page, whose memory V8 counts
 * and collects.
 *
 * Only a kept-alive HTTP/1.1 GET that takes the page uncompressed and does not already hold it
 * (If-None-Match) is answered here; anything else goes the kept page's way (page-cache.ts
 * compresses on demand, writeHead writes HEAD and 304).
 */
import { Socket } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { answerHeaders, encodingFor, endWithWire, freshResponse, headLines, httpDate, statusLine } from './cached-answer.js';
import { etagMatches, etagOf, type RenderedPage } from './page-cache.js';
import { HSTS, PUBLIC_SECURITY_HEADERS } from './security-headers.js';
import { SCRATCH_BYTES } from './utf8.js';

/** Room before the body for the head (its lines are ~1 KB, the CSP most of it). */
const HEAD_ROOM = 4096;

/** The scratch buffer, while no answer still being written holds it. */
let scratch: Buffer | null = null;

/** How often the scratch buffer was taken fresh and how often reused (tests check the reuse happens). */
export const renderedAnswerStats = { answered: 0, reused: 0 };

/** A rendered page's fields other than its bytes. */
export type RenderedText = Omit<RenderedPage, 'body'>;

// The head lines every page of one content type, cache policy and scheme shares, validated once.
const sharedLines = new Map<string, string>();
function linesFor(page: RenderedText, tls: boolean): string {
  const key = `${tls ? 's' : ''}\n${page.contentType}\n${page.cacheControl}`;
  let lines = sharedLines.get(key);
  if (lines === undefined) {
    const headers: Record<string, string> = {
      'content-type': page.contentType, 'cache-control': page.cacheControl, vary: 'Accept-Encoding',
      ...PUBLIC_SECURITY_HEADERS, ...(tls ? { 'strict-transport-security': HSTS } : {}),
    };
    lines = headLines(Object.entries(headers).flat());
    if (sharedLines.size < 64) sharedLines.set(key, lines);
  }
  return lines;
}

/**
 * Answer `text` as the page `page` describes, in one Buffer. False when this answer is not one for
 * this path (see above): nothing was written, and the caller answers the usual way.
 * `connection`: the server's Connection and Keep-Alive lines (keepAliveLines), null for none.
 */
export function answerRendered(req: IncomingMessage, res: ServerResponse, page: RenderedText, text: string, tls: boolean, connection: string | null): boolean {
  if (connection === null || req.method !== 'GET' || !res.shouldKeepAlive || req.httpVersionMajor !== 1 || req.httpVersionMinor !== 1) return false;
  // A real socket only: an injected request (light-my-request) reads the head from the response's fields, not its bytes.
  const socket = res.socket;
  if (!(socket instanceof Socket) || !freshResponse(res)) return false;
  if (text.length * 3 > SCRATCH_BYTES - HEAD_ROOM) return false;
  const headers = answerHeaders(req);
  if (encodingFor(headers.acceptEncoding) !== null) return false;

  const bytes = scratch ?? Buffer.allocUnsafeSlow(SCRATCH_BYTES);
  scratch = null;
  const length = bytes.write(text, HEAD_ROOM, 'utf8');
  const etag = etagOf(bytes.subarray(HEAD_ROOM, HEAD_ROOM + length));
  const head = `${statusLine(page.status)}Date: ${httpDate()}\r\n${linesFor(page, tls)}etag: ${etag}\r\nlast-modified: ${page.lastModified}\r\ncontent-length: ${length}\r\n${connection}\r\n`;
  if ((headers.ifNoneMatch !== undefined && etagMatches(headers.ifNoneMatch, etag)) || head.length > HEAD_ROOM) {
    scratch = bytes;
    return false;
  }
  // ETag, Last-Modified and the Date are Latin-1: one byte a character.
  const start = HEAD_ROOM - head.length;
  bytes.write(head, start, 'latin1');
  endWithWire(res, bytes.subarray(start, HEAD_ROOM + length), page.status);
  renderedAnswerStats.answered++;
  // The socket took every byte now (nothing queued on it, nothing waiting behind an earlier
  // pipelined answer): the scratch is free again. Otherwise the queued write keeps this one, and
  // the next page takes a new one.
  if ((res as unknown as { outputData?: unknown[] }).outputData?.length === 0 && socket.writableLength === 0) {
    scratch = bytes;
    renderedAnswerStats.reused++;
  }
  return true;
}
