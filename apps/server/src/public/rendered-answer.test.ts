// Pages rendered and not kept, answered as one Buffer made in a reused scratch buffer
// (rendered-answer.ts): over real sockets, the answer must be the one the kept-page path
// (writeCachedPage) gives for the same page, and the scratch must never be written again while
// an answer still waiting to go out holds it.
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepAliveLines, writeCachedPage } from './cached-answer.js';
import { PageCache } from './page-cache.js';
import { answerRendered, renderedAnswerStats, type RenderedText } from './rendered-answer.js';
import { exchangeOn, get, parseAnswers, type Answer } from '../../test/raw-http.js';

const META: RenderedText = {
  siteIds: ['a'], status: 200, contentType: 'text/html; charset=utf-8', cacheControl: 'public, max-age=0, s-maxage=60',
  lastModified: 'Fri, 27 Nov 2026 08:00:00 GMT',
};
/** Page n: Chinese text of a size of its own, so an answer written over another's shows. */
const textOf = (n: number) => `<!doctype html><title>第${n}页</title><p>${`关于印发第${n}号通知的通知。`.repeat(100 + n * 37)}</p>`;
/** A page of ~240 KB, as large as the scratch takes: a client that reads nothing soon fills the socket's buffers. */
const bigTextOf = (n: number) => `<!doctype html><title>第${n}页</title><p>${String(n % 10).repeat(10)}${'政务公开'.repeat(19_990)}</p>`;

describe('rendered pages answered as one Buffer', () => {
  let server: Server;
  let port: number;
  /** How each request was answered: 'one' (one Buffer) or 'writeHead' (the kept page's way). */
  const paths: string[] = [];
  const exchange = (text: string, heads: boolean[], then?: string) => exchangeOn(port, text, heads, then);
  const stable = (a: Answer) => { const { date: _d, connection: _c, 'keep-alive': _k, ...rest } = a.headers; return rest; };

  beforeAll(async () => {
    const notKept = new PageCache(0);
    server = createServer((req, res) => {
      const [, kind, n] = /^\/(slow|page|node|big)\/(\d+)$/.exec(req.url ?? '') ?? [];
      const text = kind === 'big' ? bigTextOf(Number(n)) : textOf(Number(n));
      const answer = () => {
        const tls = req.headers['x-forwarded-proto'] === 'https';
        if (kind !== 'node' && answerRendered(req, res, META, text, tls, keepAliveLines(server))) {
          paths.push('one');
          return;
        }
        paths.push('writeHead');
        writeCachedPage(req, res, notKept.store('', { ...META, body: Buffer.from(text) }, -1), tls);
      };
      // A slow page: answers pipelined behind it wait in Node's queue for the socket.
      if (kind === 'slow') setTimeout(answer, 40);
      else answer();
    });
    server.keepAliveTimeout = 72_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }));

  it('should send the head and body the kept page\'s way sends, and reuse its scratch for the next page', async () => {
    const { answers: [viaNode] } = await exchange(get('a.gov.cn', '/node/1'), [false]);
    paths.length = 0;
    const before = { ...renderedAnswerStats };
    // The second request after the first answer, on the same connection.
    const { answers: [one], more: [two], closed } = await exchange(get('a.gov.cn', '/page/1'), [false], get('a.gov.cn', '/page/2'));
    expect(paths).toEqual(['one', 'one']);
    expect(one!.status).toBe(200);
    expect(one!.body.equals(Buffer.from(textOf(1)))).toBe(true);
    expect(one!.body.equals(viaNode!.body)).toBe(true);
    expect(stable(one!)).toEqual(stable(viaNode!));
    expect([one!.headers.connection, one!.headers['keep-alive']]).toEqual([viaNode!.headers.connection, viaNode!.headers['keep-alive']]);
    expect(one!.headers['strict-transport-security']).toBeUndefined();
    expect(two!.body.equals(Buffer.from(textOf(2)))).toBe(true);
    expect(closed).toBe(false);
    expect(renderedAnswerStats.answered).toBe(before.answered + 2);
    // The socket took each answer at once: the scratch went back for the next page.
    expect(renderedAnswerStats.reused).toBe(before.reused + 2);
    const tls = await exchange(get('a.gov.cn', '/page/3', 'X-Forwarded-Proto: https\r\n'), [false]);
    expect(tls.answers[0]!.headers['strict-transport-security']).toContain('max-age=');
  });

  it('should leave pipelined answers waiting behind a slow one to Node\'s queue, and keep every answer whole', async () => {
    paths.length = 0;
    const before = { ...renderedAnswerStats };
    const text = get('a.gov.cn', '/slow/4') + get('a.gov.cn', '/page/5') + get('a.gov.cn', '/page/6') + get('a.gov.cn', '/page/7');
    const { answers } = await exchange(text, [false, false, false, false]);
    // 5, 6 and 7 were answered while 4 was still to come: Node queues them (their responses have
    // no socket yet), so they go the kept page's way and none holds the scratch; 4 then takes it.
    expect(paths).toEqual(['writeHead', 'writeHead', 'writeHead', 'one']);
    expect(answers.map((a) => a.body.toString())).toEqual([textOf(4), textOf(5), textOf(6), textOf(7)]);
    expect(answers.every((a) => Number(a.headers['content-length']) === a.body.length)).toBe(true);
    expect(renderedAnswerStats.answered).toBe(before.answered + 1);
    expect(renderedAnswerStats.reused).toBe(before.reused + 1);
  });

  it('should take a new scratch while a slow client has not yet taken an answer written in the last one', async () => {
    const before = { ...renderedAnswerStats };
    const held = () => (renderedAnswerStats.answered - before.answered) - (renderedAnswerStats.reused - before.reused);
    const slow = connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => slow.once('connect', resolve));
    slow.pause(); // reads nothing: the server's writes back up
    let n = 0;
    // One request at a time, each after the last was answered, until an answer could not be written whole at once.
    while (n < 200 && held() === 0) {
      const answered = renderedAnswerStats.answered;
      slow.write(get('a.gov.cn', `/big/${n++}`));
      for (let i = 0; i < 200 && renderedAnswerStats.answered === answered; i++) await new Promise((r) => setTimeout(r, 2));
    }
    expect(held()).toBe(1);
    // Meanwhile another client's pages: written in a scratch of their own, whole.
    const other = await exchange(get('a.gov.cn', '/big/150'), [false], get('a.gov.cn', '/page/10'));
    expect(other.answers[0]!.body.toString() === bigTextOf(150)).toBe(true);
    expect(other.more[0]!.body.toString()).toBe(textOf(10));
    // Now the slow client reads: every answer is whole and its own, the one held while the other client's were written too.
    const want = Array.from({ length: n }, (_, i) => Buffer.byteLength(bigTextOf(i))).reduce((x, y) => x + y, 0);
    const heads = Array.from({ length: n }, () => false);
    const bytes = await new Promise<Buffer>((resolve) => {
      const parts: Buffer[] = [];
      let length = 0;
      const done = () => resolve(Buffer.concat(parts));
      // Done when all n answers are in (past the bodies' bytes, their heads are counted by parsing).
      slow.on('data', (chunk: Buffer) => {
        parts.push(chunk);
        length += chunk.length;
        if (length >= want && parseAnswers(Buffer.concat(parts), heads).answers.length === n) done();
      });
      slow.on('end', done);
      setTimeout(done, 3_000);
      slow.resume();
    });
    slow.destroy();
    const { answers } = parseAnswers(bytes, heads);
    expect(answers.length).toBe(n);
    answers.forEach((answer, i) => expect(answer.body.toString() === bigTextOf(i), `answer ${i}`).toBe(true));
  }, 15_000);

  it('should leave to the kept page\'s way HEAD, 304, compressed answers, HTTP/1.0 and Connection: close', async () => {
    const { answers: [first] } = await exchange(get('a.gov.cn', '/page/8'), [false]);
    paths.length = 0;
    const head = await exchange(get('a.gov.cn', '/page/8', '', 'HEAD'), [true]);
    expect(Number(head.answers[0]!.headers['content-length'])).toBe(Buffer.byteLength(textOf(8)));
    const revalidated = await exchange(get('a.gov.cn', '/page/8', `If-None-Match: ${first!.headers.etag}\r\n`), [false]);
    expect(revalidated.answers[0]!.status).toBe(304);
    const gzip = await exchange(get('a.gov.cn', '/page/8', 'Accept-Encoding: gzip\r\n'), [false]);
    expect(gzip.answers[0]!.headers['content-encoding']).toBe('gzip');
    const old = await exchange(get('a.gov.cn', '/page/8', '', 'GET', '1.0'), [false]);
    expect(old.closed).toBe(true);
    const close = await exchange(get('a.gov.cn', '/page/8', 'Connection: close\r\n'), [false]);
    expect(close.answers[0]!.body.equals(first!.body)).toBe(true);
    expect(paths).toEqual(['writeHead', 'writeHead', 'writeHead', 'writeHead', 'writeHead']);
    // Each of them left the scratch as it was: the next page still answers as one Buffer, intact.
    const { answers: [next] } = await exchange(get('a.gov.cn', '/page/9'), [false]);
    expect(paths.at(-1)).toBe('one');
    expect(next!.body.toString()).toBe(textOf(9));
  });
});
