// Cached public pages on the demo province: the second request is a cache hit (Buffers, ETag,
// 304, gzip and brotli); a publish in one site shows on its next request, through the database's
// NOTIFY, while another site's pages stay cached.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { Writable } from 'node:stream';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync } from 'node:zlib';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { ServiceContext } from '@zhanqun/audit/context';
import { createDraft, publishRevision } from '@zhanqun/content/article.service';
import { platformAdminScope } from '@zhanqun/tenancy/platform.service';
import { seedDemoProvince } from '@zhanqun/demo/demo-province';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'node:http';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { renderedAnswerStats } from '../src/public/rendered-answer.js';
import { build, type TestApp } from './helper.js';

describe('the public page cache', () => {
  let h: TestApp;
  const hosts: Record<string, string> = {};
  const get = (host: string, url: string, headers: Record<string, string> = {}) => h.app.inject({ method: 'GET', url, headers: { host, ...headers } });
  const stats = () => h.app.pageCache.snapshot();

  async function until(what: () => boolean): Promise<void> {
    for (let i = 0; i < 100 && !what(); i++) await new Promise((r) => setTimeout(r, 20));
    expect(what()).toBe(true);
  }

  beforeAll(async () => {
    h = await build({ PAGE_CACHE_MB: '64', SITE_CACHE: '1' });
    await seedDemoProvince(h.t.db, h.clock);
    for (const code of ['prov', 'qingchuan']) {
      const site = await h.t.db.selectFrom('site').select('id').where('code', '=', code).executeTakeFirstOrThrow();
      hosts[code] = (await h.t.db.selectFrom('site_domain').select('host').where('site_id', '=', site.id).where('role', '=', 'primary').executeTakeFirstOrThrow()).host;
    }
  });
  afterAll(async () => { await h.close(); });

  it('should serve the second request from memory, with ETag, 304 and compressed variants', async () => {
    const first = await get(hosts.prov!, '/', { 'accept-encoding': 'gzip, br' });
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-encoding']).toBe('br');
    const html = brotliDecompressSync(first.rawPayload).toString('utf8');
    expect(html).toContain('演示省人民政府');
    const before = stats();
    const second = await get(hosts.prov!, '/');
    expect(second.body).toBe(html);
    expect(second.headers.etag).toBe(first.headers.etag);
    expect(stats().hits).toBe(before.hits + 1);
    const notModified = await get(hosts.prov!, '/', { 'if-none-match': first.headers.etag as string });
    expect(notModified.statusCode).toBe(304);
    expect(notModified.body).toBe('');
    expect((await get(hosts.prov!, '/', { 'accept-encoding': 'gzip' })).headers['content-encoding']).toBe('gzip');
    // Security headers from one precomputed set (helmet works per request on the admin host only).
    expect(second.headers).toMatchObject({
      'content-security-policy': expect.stringContaining("script-src 'self'"), 'x-content-type-options': 'nosniff',
      'referrer-policy': 'strict-origin-when-cross-origin', 'x-frame-options': 'SAMEORIGIN',
    });
    expect(second.headers['content-security-policy']).toContain("frame-ancestors 'self'");
    expect(second.headers['x-dns-prefetch-control']).toBeUndefined();
    expect(second.headers['strict-transport-security']).toBeUndefined();
    expect((await get(hosts.prov!, '/', { 'x-forwarded-proto': 'https' })).headers['strict-transport-security']).toBeUndefined(); // proxies are not trusted by default
    // A random query string does not make a new page (nor fill the cache).
    const entries = stats().entries;
    await get(hosts.prov!, '/?utm=spam123');
    expect(stats().entries).toBe(entries);
  });

  it('should show a publish on the next request of that site, and keep other sites cached', async () => {
    await get(hosts.prov!, '/');
    await get(hosts.qingchuan!, '/');
    const site = await h.t.db.selectFrom('site').select(['id', 'platform_id']).where('code', '=', 'prov').executeTakeFirstOrThrow();
    const column = await h.t.db.selectFrom('site_column').select('id').where('site_id', '=', site.id).where('path', '=', '/xwdt/yw/').executeTakeFirstOrThrow();
    const ctx: ServiceContext = { db: h.t.db, clock: h.clock, actor: { userId: null, label: 'test' }, scope: await platformAdminScope(h.t.db, site.platform_id) };
    const before = stats().invalidations;
    const article = await createDraft(ctx, site.id, { columnId: column.id, title: '缓存测试：刚刚发布的要闻', bodyHtml: '<p>x</p>' });
    await publishRevision(ctx, site.id, article.id, { publishedAt: h.clock.now() });
    await until(() => stats().invalidations > before);

    const hits = stats().hits;
    const other = await get(hosts.qingchuan!, '/');
    expect(stats().hits).toBe(hits + 1); // another site's page was not evicted
    expect(other.statusCode).toBe(200);
    const home = await get(hosts.prov!, '/');
    expect(home.body).toContain('缓存测试：刚刚发布的要闻');
    expect(stats().hits).toBe(hits + 1); // the changed site's page was rendered again
  });

  it('should evict the homes that link a renamed or moved site, and only those', async () => {
    // County-pack homes link their superior and sibling sites: 安和县 and 青川市发改委 show 青川市 as a superior,
    // 卫健委's home shows 演示省 and its sibling 教育厅; the province's home (default pack) links none.
    const homes = { anhe: 'anhe.localhost', cgz: 'anhe.localhost/cgz/', fgw: 'qingchuan-fgw.localhost', wjw: 'prov-wjw.localhost', prov: hosts.prov! };
    const split = (home: string) => (home.includes('/') ? [home.slice(0, home.indexOf('/')), home.slice(home.indexOf('/'))] : [home, '/']) as [string, string];
    const cached = () => Object.fromEntries(Object.entries(homes).map(([k, home]) => [k, h.app.pageCache.has(split(home).join(''))]));
    const fill = async () => {
      for (const home of Object.values(homes)) expect((await get(...split(home))).statusCode).toBe(200);
      expect(Object.values(cached()).every(Boolean)).toBe(true);
    };
    const siteId = async (code: string) => (await h.t.db.selectFrom('site').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;
    await fill();
    let before = stats().invalidations;
    await sql`update site set name = '青川市人民政府（新名称）' where code = 'qingchuan'`.execute(h.t.db);
    await until(() => stats().invalidations > before);
    expect(cached()).toEqual({ anhe: false, cgz: false, fgw: false, wjw: true, prov: true });
    expect((await get('anhe.localhost', '/')).body).toContain('>青川市人民政府（新名称）</a>');
    expect((await get('anhe.localhost', '/cgz/')).body).toContain('>青川市人民政府（新名称）</a>');

    // A new host of a sibling: the home linking it shows the new address; the county's home stays cached.
    await fill();
    before = stats().invalidations;
    await sql`update site_domain set host = 'jyt.example.gov.cn' where site_id = ${await siteId('prov-jyt')} and role = 'primary'`.execute(h.t.db);
    await until(() => stats().invalidations > before);
    expect(cached()).toEqual({ anhe: true, cgz: true, fgw: true, wjw: false, prov: true });
    expect((await get('prov-wjw.localhost', '/')).body).toContain('<a href="//jyt.example.gov.cn/">演示省教育厅（演示）</a>');

    // A sibling closed, then live again: it leaves and rejoins the lists at once, though no cached home named it
    // while it was closed; every home listing the platform's directory goes, the province's (none) stays.
    await fill();
    before = stats().invalidations;
    await sql`update site set status = 'closed' where code = 'prov-jyt'`.execute(h.t.db);
    await until(() => stats().invalidations > before);
    expect(cached()).toEqual({ anhe: false, cgz: false, fgw: false, wjw: false, prov: true });
    expect((await get('prov-wjw.localhost', '/')).body).not.toContain('演示省教育厅（演示）');
    await fill();
    before = stats().invalidations;
    await sql`update site set status = 'live' where code = 'prov-jyt'`.execute(h.t.db);
    await until(() => stats().invalidations > before);
    expect(cached()).toEqual({ anhe: false, cgz: false, fgw: false, wjw: false, prov: true });
    expect((await get('prov-wjw.localhost', '/')).body).toContain('<a href="//jyt.example.gov.cn/">演示省教育厅（演示）</a>');
    // A change that moves nothing in the directory evicts only the site's own pages (and its sub-site's, which show its footer).
    await fill();
    before = stats().invalidations;
    await sql`update site set updated_at = now() where code = 'anhe'`.execute(h.t.db);
    await until(() => stats().invalidations > before);
    expect(cached()).toEqual({ anhe: false, cgz: false, fgw: true, wjw: true, prov: true });
  });

  it('should answer hits over HTTP before Fastify, with the same bytes and headers as the first answer', async () => {
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = h.app.server.address() as AddressInfo;
    const raw = (host: string, path: string, headers: Record<string, string> = {}, method = 'GET') =>
      new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, path, method, headers: { host, ...headers }, agent: false }, (res) => {
          const parts: Buffer[] = [];
          res.on('data', (b: Buffer) => parts.push(b));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
        });
        req.on('error', reject);
        req.end();
      });
    const path = '/xwdt/yw/';
    const site = await h.t.db.selectFrom('site').select('id').where('code', '=', 'qingchuan').executeTakeFirstOrThrow();
    h.app.pageCache.invalidateSite(site.id);
    let requests = 0;
    const handled = () => { requests++; }; // Fastify publishes each route handler's start here
    subscribe('tracing:fastify.request.handler:start', handled);
    onTestFinished(() => { unsubscribe('tracing:fastify.request.handler:start', handled); });
    const miss = await raw(hosts.qingchuan!, path);
    expect(miss.status).toBe(200);
    expect(requests).toBe(1);
    const hits = stats().hits;
    const hit = await raw(`${hosts.qingchuan!.toUpperCase()}:${port}`, path); // the same host, written differently
    expect(requests).toBe(1); // answered before Fastify
    expect(stats().hits).toBe(hits + 1);
    expect(hit.body.equals(miss.body)).toBe(true);
    const comparable = (hd: IncomingHttpHeaders) => { const { date: _d, connection: _c, 'keep-alive': _k, ...rest } = hd; return rest; };
    expect(comparable(hit.headers)).toEqual(comparable(miss.headers));
    expect(hit.headers['content-security-policy']).toContain("frame-ancestors 'self'");
    // 304, HEAD and encodings from the same Buffers.
    expect((await raw(hosts.qingchuan!, path, { 'if-none-match': hit.headers.etag! })).status).toBe(304);
    const head = await raw(hosts.qingchuan!, path, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(Number(head.headers['content-length'])).toBe(miss.body.length);
    const br = await raw(hosts.qingchuan!, path, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.body).equals(miss.body)).toBe(true);
    // Not on the admin host, not for other methods, never another host's page.
    expect((await raw(`admin.${hosts.qingchuan!}`, path)).status).toBe(404);
    expect((await raw(hosts.prov!, path)).body.equals(miss.body)).toBe(false);
    const post = await raw(hosts.qingchuan!, path, { 'content-type': 'application/x-www-form-urlencoded' }, 'POST');
    expect(post.status).toBe(404); // Fastify's answer: public sites take no posts here
  });

  it('should send HSTS on hits answered before Fastify exactly when a trusted proxy says the client used TLS', async () => {
    const proxied = await build({ PAGE_CACHE_MB: '16', SITE_CACHE: '1', TRUST_PROXY: '1' });
    onTestFinished(() => proxied.close());
    await seedDemoProvince(proxied.t.db, proxied.clock);
    await proxied.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = proxied.app.server.address() as AddressInfo;
    const hsts = (headers: Record<string, string>) => new Promise<string | undefined>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/', headers: { host: 'prov.localhost', ...headers }, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.headers['strict-transport-security'] as string | undefined));
      });
      req.on('error', reject);
      req.end();
    });
    expect(await hsts({ 'x-forwarded-proto': 'https' })).toContain('max-age='); // the miss, through Fastify
    const hits = proxied.app.pageCache.snapshot().hits;
    expect(await hsts({ 'x-forwarded-proto': 'https' })).toContain('max-age='); // the hit, before Fastify
    expect(await hsts({})).toBeUndefined();
    expect(await hsts({ 'x-forwarded-proto': 'http' })).toBeUndefined();
    expect(proxied.app.pageCache.snapshot().hits).toBe(hits + 3);
  });

  it('should log a page it renders, as Fastify logs a request, and nothing for a hit', async () => {
    const lines: { msg: string; host?: string; res?: { statusCode: number } }[] = [];
    const stream = new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done(); } });
    const logged = await build({ PAGE_CACHE_MB: '64', SITE_CACHE: '1' }, { logger: { level: 'info', stream } });
    onTestFinished(() => logged.close());
    await seedDemoProvince(logged.t.db, logged.clock);
    const page = () => logged.app.inject({ method: 'GET', url: '/', headers: { host: hosts.prov! } });
    expect((await page()).statusCode).toBe(200);
    const requests = () => lines.filter((l) => l.msg === 'incoming request' || l.msg === 'request completed');
    expect(requests().map((l) => [l.msg, l.host, l.res?.statusCode])).toEqual([
      ['incoming request', hosts.prov, undefined], ['request completed', hosts.prov, 200],
    ]);
    expect((await page()).statusCode).toBe(200);
    expect(requests()).toHaveLength(2); // the hit: no line (the cache counts it)
    expect(logged.app.pageCache.snapshot().hits).toBe(1);
  });

  it('should answer pages it does not keep in one Buffer over kept-alive HTTP, as it answers them otherwise', async () => {
    // The cache off, on the same database: every page is rendered for its request and not kept.
    const lines: { msg: string; res?: { statusCode: number } }[] = [];
    const stream = new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done(); } });
    const blobDir = mkdtempSync(join(tmpdir(), 'zq-blobs-'));
    const config = loadConfig({ SEED_DEMO: '0', BLOB_DIR: blobDir, PAGE_CACHE_MB: '0', SITE_CACHE: '1' });
    const off = await buildApp({ config, dbHandle: h.t, clock: h.clock, logger: { level: 'info', stream } });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    onTestFinished(async () => { agent.destroy(); await off.close(); rmSync(blobDir, { recursive: true, force: true }); });
    await off.listen({ port: 0, host: '127.0.0.1' });
    const { port } = off.server.address() as AddressInfo;
    const kept = (path: string) => new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path, headers: { host: hosts.qingchuan! }, agent }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (b: Buffer) => parts.push(b));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
      });
      req.on('error', reject);
      req.end();
    });
    const comparable = (hd: IncomingHttpHeaders | Record<string, unknown>) => { const { date: _d, connection: _c, 'keep-alive': _k, ...rest } = hd; return rest; };
    const home = await off.inject({ method: 'GET', url: '/', headers: { host: hosts.qingchuan! } });
    const article = /href="(\/[^"]+\.html)"/.exec(home.body)![1]!;
    const before = { ...renderedAnswerStats };
    const logged = lines.length;
    for (const path of ['/', '/xwdt/yw/', article, '/']) {
      const wire = await kept(path);
      const injected = await off.inject({ method: 'GET', url: path, headers: { host: hosts.qingchuan! } }); // writeHead's way
      expect(wire.status).toBe(200);
      expect(wire.body.equals(injected.rawPayload)).toBe(true);
      expect(comparable(wire.headers)).toEqual(comparable(injected.headers));
      expect(wire.headers['content-security-policy']).toContain("frame-ancestors 'self'");
      expect(wire.headers.connection).toBe('keep-alive');
    }
    expect(renderedAnswerStats.answered).toBe(before.answered + 4);
    expect(renderedAnswerStats.reused).toBe(before.reused + 4);
    expect(off.pageCache.snapshot().entries).toBe(0);
    // Fastify logs each of them as it logs any request (4 over HTTP, 4 injected).
    expect(lines.slice(logged).filter((l) => l.msg === 'request completed' && l.res?.statusCode === 200)).toHaveLength(8);
  });
});
