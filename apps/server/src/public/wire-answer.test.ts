// Cache hits written as one Buffer (cached-answer.ts, Wire): over real sockets, the bytes must be
// what Node's own writeHead path sends for the same page, keep-alive and pipelining must behave as
// Node's, and every answer the wire form cannot give goes through writeHead.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { answerFromCache, cacheFirstServerFactory, httpDate, pageCacheKey } from './cached-answer.js';
import { PageCache, type CachedPage } from './page-cache.js';
import { exchangeOn, get, type Answer } from '../../test/raw-http.js';

describe('cache hits as one Buffer on the wire', () => {
  const cache = new PageCache(4 * 1024 * 1024);
  const pages: Record<string, CachedPage> = {};
  const bodies: Record<string, Buffer> = {};
  let server: Server;
  let port: number;
  const exchange = (text: string, heads: boolean[], then?: string) => exchangeOn(port, text, heads, then);

  const stable = (a: Answer) => { const { date: _d, connection: _c, 'keep-alive': _k, ...rest } = a.headers; return rest; };

  beforeAll(async () => {
    const store = (host: string, path: string, siteId: string, text: string) => {
      const body = Buffer.from(`<!doctype html><title>${text}</title><p>${text.repeat(200)}</p>`);
      bodies[`${host}${path}`] = Buffer.from(body);
      pages[`${host}${path}`] = cache.store(pageCacheKey(host, path)!, {
        siteIds: [siteId], status: 200, contentType: 'text/html; charset=utf-8', cacheControl: 'public, max-age=0, s-maxage=60',
        body, lastModified: 'Fri, 27 Nov 2026 08:00:00 GMT',
      }, cache.epoch);
    };
    store('a.gov.cn', '/x.html', 'a', '要闻');
    store('a.gov.cn', '/y.html', 'a', '通知公告');
    store('a.gov.cn', '/tls.html', 'a', '政务公开');
    store('b.gov.cn', '/only-b.html', 'b', '互动交流');
    const factory = cacheFirstServerFactory(answerFromCache({ cache, adminHost: 'admin.gov.cn', trustProxy: true }));
    // What reaches "Fastify": Node's own answer, late enough that hits pipelined after it must wait for it.
    server = factory((req, res) => {
      setTimeout(() => { res.writeHead(404, { 'content-type': 'text/plain', 'content-length': '4' }); res.end('miss'); }, 20);
    }, { keepAliveTimeout: 72_000 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }));

  it('should send the head and body writeHead sends, with a current Date and the Keep-Alive Node writes', async () => {
    const viaNode = (await exchange(get('a.gov.cn', '/x.html', 'Connection: close\r\n'), [false])).answers[0]!; // writeHead
    expect(pages['a.gov.cn/x.html']!.wires.identity).toBeUndefined();
    const before = Date.now();
    const { answers: [wire], closed } = await exchange(get('a.gov.cn', '/x.html'), [false]);
    expect(pages['a.gov.cn/x.html']!.wires.identity).toBeDefined();
    expect(wire!.status).toBe(200);
    expect(wire!.body.equals(bodies['a.gov.cn/x.html']!)).toBe(true);
    expect(wire!.body.equals(viaNode.body)).toBe(true);
    expect(stable(wire!)).toEqual(stable(viaNode));
    expect(wire!.headers['content-security-policy']).toContain("frame-ancestors 'self'");
    expect(wire!.headers['strict-transport-security']).toBeUndefined();
    expect([httpDate(before), httpDate()]).toContain(wire!.headers.date);
    expect(closed).toBe(false);
    // The Connection and Keep-Alive lines are the ones Node writes on its own kept-alive answers (the miss).
    const { answers: [miss] } = await exchange(get('a.gov.cn', '/nothing.html'), [false]);
    expect(miss!.status).toBe(404);
    expect([wire!.headers.connection, wire!.headers['keep-alive']]).toEqual([miss!.headers.connection, miss!.headers['keep-alive']]);
    expect(wire!.headers['keep-alive']).toBe('timeout=72');
  });

  it('should keep each body once: the page\'s Buffer becomes the tail of its wire answer', async () => {
    await exchange(get('a.gov.cn', '/y.html'), [false]);
    const page = pages['a.gov.cn/y.html']!;
    const wire = page.wires.identity!;
    expect(page.body.buffer).toBe(wire.bytes.buffer);
    expect(page.body.byteOffset + page.body.length).toBe(wire.bytes.byteOffset + wire.bytes.length);
    expect(page.body.equals(bodies['a.gov.cn/y.html']!)).toBe(true);
  });

  it('should answer pipelined requests in order, hits queued behind a slow miss, and keep the connection', async () => {
    const text = get('a.gov.cn', '/x.html') + get('a.gov.cn', '/missing.html') + get('a.gov.cn', '/y.html')
      + get('a.gov.cn', '/x.html', '', 'HEAD') + get('a.gov.cn', '/y.html', 'Accept-Encoding: gzip\r\n');
    const { answers, closed, more } = await exchange(text, [false, false, false, true, false], get('A.GOV.CN:80', '/y.html'));
    expect(answers.map((a) => a.status)).toEqual([200, 404, 200, 200, 200]);
    expect(answers[0]!.body.equals(bodies['a.gov.cn/x.html']!)).toBe(true);
    expect(answers[1]!.body.toString()).toBe('miss');
    expect(answers[2]!.body.equals(bodies['a.gov.cn/y.html']!)).toBe(true);
    expect(answers[3]!.body.length).toBe(0);
    expect(Number(answers[3]!.headers['content-length'])).toBe(bodies['a.gov.cn/x.html']!.length);
    expect(answers[4]!.headers['content-encoding']).toBe('gzip');
    expect(answers[4]!.body.equals(pages['a.gov.cn/y.html']!.gzip)).toBe(true);
    expect(closed).toBe(false);
    expect(more[0]!.body.equals(bodies['a.gov.cn/y.html']!)).toBe(true); // the same connection, after all of them
  });

  it('should answer through writeHead what one Buffer cannot: HTTP/1.0, Connection: close, 304 and the other kind of client', async () => {
    const old = await exchange(get('a.gov.cn', '/x.html', '', 'GET', '1.0'), [false]);
    expect(old.answers[0]!.head.startsWith('HTTP/1.1 200')).toBe(true);
    expect(old.answers[0]!.headers.connection).toBe('close');
    expect(old.closed).toBe(true);
    const close = await exchange(get('a.gov.cn', '/x.html', 'Connection: close\r\n'), [false]);
    expect(close.answers[0]!.headers.connection).toBe('close');
    expect(close.closed).toBe(true);
    const etag = pages['a.gov.cn/x.html']!.etag;
    const revalidated = await exchange(get('a.gov.cn', '/x.html', `If-None-Match: ${etag}\r\n`), [false]);
    expect(revalidated.answers[0]!.status).toBe(304);
    expect(revalidated.answers[0]!.body.length).toBe(0);
    // A TLS client (through the trusted proxy) first: its wire answer carries HSTS; a plain client of the same page never gets it.
    const tls = await exchange(get('a.gov.cn', '/tls.html', 'X-Forwarded-Proto: https\r\n'), [false]);
    expect(tls.answers[0]!.headers['strict-transport-security']).toContain('max-age=');
    expect(pages['a.gov.cn/tls.html']!.wires.identity!.tls).toBe(true);
    const plain = await exchange(get('a.gov.cn', '/tls.html'), [false]);
    expect(plain.answers[0]!.headers['strict-transport-security']).toBeUndefined();
    expect(plain.answers[0]!.body.equals(bodies['a.gov.cn/tls.html']!)).toBe(true);
    // And the other way round: x's wire answer is plain.
    const xTls = await exchange(get('a.gov.cn', '/x.html', 'X-Forwarded-Proto: https\r\n'), [false]);
    expect(xTls.answers[0]!.headers['strict-transport-security']).toContain('max-age=');
  });

  it('should never answer one site\'s page for another host', async () => {
    const { answers } = await exchange(get('a.gov.cn', '/only-b.html') + get('b.gov.cn', '/x.html') + get('b.gov.cn', '/only-b.html'), [false, false, false]);
    expect(answers.map((a) => a.status)).toEqual([404, 404, 200]);
    expect(answers[2]!.body.equals(bodies['b.gov.cn/only-b.html']!)).toBe(true);
  });

  it('should write the current second into a wire answer made in an earlier one', async () => {
    await exchange(get('b.gov.cn', '/only-b.html'), [false]); // the wire exists
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 3_600_000);
      const { answers: [later] } = await exchange(get('b.gov.cn', '/only-b.html'), [false]);
      expect(later!.headers.date).toBe(httpDate());
      expect(later!.body.equals(bodies['b.gov.cn/only-b.html']!)).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
