import Fastify from 'fastify';
import { Writable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { lazyChild } from './lazy-logger.js';

/** A Fastify app whose log lines land in `lines`, with request loggers made as app.ts makes them. */
async function appAt(level: string) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done(); } });
  const app = Fastify({ logger: { level, stream } });
  app.setChildLoggerFactory((logger, bindings, opts, raw) => lazyChild(logger, { ...bindings, host: raw.headers.host }, opts));
  app.get('/quiet', async (request) => ({ level: request.log.level, info: (request.log as unknown as { isLevelEnabled(l: string): boolean }).isLevelEnabled('info') }));
  app.get('/warns', async (request) => {
    request.log.warn({ what: 'odd' }, 'something odd');
    request.log.child({ part: 'inner' }).error('inner failure');
    return 'ok';
  });
  app.get('/debug', { logLevel: 'debug' }, async (request) => {
    request.log.debug('a debug line');
    return 'ok';
  });
  await app.ready();
  return { app, lines };
}

describe('request loggers made when first written to', () => {
  it('should write nothing and make nothing for a request that logs nothing at warn', async () => {
    const { app, lines } = await appAt('warn');
    const made = vi.spyOn(app.log, 'child');
    const res = await app.inject({ url: '/quiet', headers: { host: 'www.a.gov.cn' } });
    expect(res.json()).toEqual({ level: 'warn', info: false });
    expect(lines).toEqual([]);
    expect(made).not.toHaveBeenCalled();
    await app.inject({ url: '/warns', headers: { host: 'www.a.gov.cn' } });
    // Its first line makes the request's logger (the second call is that logger making its own child).
    expect(made.mock.contexts.filter((self) => self === app.log)).toHaveLength(1);
    await app.close();
  });

  it("should write a request's own lines with its id and host bound, its children's too", async () => {
    const { app, lines } = await appAt('warn');
    await app.inject({ url: '/warns', headers: { host: 'www.a.gov.cn', 'x-request-id': 'ignored-here' } });
    expect(lines.map((l) => [l.msg, l.host, typeof l.reqId, l.what, l.part])).toEqual([
      ['something odd', 'www.a.gov.cn', 'string', 'odd', undefined],
      ['inner failure', 'www.a.gov.cn', 'string', undefined, 'inner'],
    ]);
    expect(lines[0]!.reqId).toBe(lines[1]!.reqId);
    await app.close();
  });

  it("should log each request's start and end at info, as before", async () => {
    const { app, lines } = await appAt('info');
    await app.inject({ url: '/quiet', headers: { host: 'www.b.gov.cn' } });
    expect(lines.map((l) => [l.msg, l.host])).toEqual([['incoming request', 'www.b.gov.cn'], ['request completed', 'www.b.gov.cn']]);
    expect((lines[1]!.res as { statusCode: number }).statusCode).toBe(200);
    await app.close();
  });

  it("should keep a route's own log level", async () => {
    const { app, lines } = await appAt('warn');
    await app.inject({ url: '/debug', headers: { host: 'www.c.gov.cn' } });
    expect(lines.map((l) => [l.msg, l.host])).toContainEqual(['a debug line', 'www.c.gov.cn']);
    await app.close();
  });
});
