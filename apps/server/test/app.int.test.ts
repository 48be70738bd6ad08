import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inScope } from '@zhanqun/db/scope';
import { DEMO_ADMIN, seedDemoProvince } from '@zhanqun/demo/demo-province';
import { createOrgUnit } from '@zhanqun/tenancy/org-unit.service';
import { createPlatform } from '@zhanqun/tenancy/platform.service';
import { createSite } from '@zhanqun/tenancy/site.service';
import { build, loginAs, type TestApp } from './helper.js';

const CHINESE = /[\u4e00-\u9fff]{4,}/;

describe('the server on a seeded demo province', () => {
  let h: TestApp;
  let seeded: Awaited<ReturnType<typeof seedDemoProvince>>;
  const get = (host: string, url: string, cookies?: Record<string, string>) =>
    h.app.inject({ method: 'GET', url, headers: { host: `${host}:3000` }, ...(cookies ? { cookies } : {}) });

  beforeAll(async () => {
    h = await build();
    seeded = await seedDemoProvince(h.t.db, h.clock);
  });
  afterAll(async () => { await h.close(); });

  it('should declare a permission on every route', () => {
    expect(h.app.routeTable.length).toBeGreaterThan(5);
    const missing = h.app.routeTable.filter((r) => !r.permission);
    expect(missing).toEqual([]);
    // Only the sign-in steps may change state without a signed-in user.
    const openWrites = h.app.routeTable.filter((r) => !['GET', 'HEAD'].includes(r.method) && r.permission === 'public').map((r) => r.url);
    expect(openWrites.sort()).toEqual(['/login', '/login/totp', '/logout']);
  });

  it('should answer 200 with Chinese content on every demo site, sub-sites under their prefix', async () => {
    expect(seeded.sites).toHaveLength(11);
    for (const s of seeded.sites) {
      const res = await get(s.host, s.prefix);
      expect([s.code, res.statusCode]).toEqual([s.code, 200]);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.body).toMatch(CHINESE);
      expect(res.body).toContain(s.name);
      expect(res.body).toContain('网站标识码');
    }
  });

  it('should seed only once', async () => {
    const count = async () => (await h.t.db.selectFrom('article').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
    const before = Number(await count());
    const again = await seedDemoProvince(h.t.db, h.clock);
    expect(again.created).toBe(false);
    expect(Number(await count())).toBe(before);
    expect(before).toBeGreaterThan(150);
  });

  it('should mark as pinned (置顶) only what is pinned', async () => {
    const home = await get('prov.localhost', '/');
    expect(home.body).not.toContain('class="pin"');
  });

  it('should render an article with the standard meta tags and the government-information box', async () => {
    const home = await get('prov.localhost', '/');
    const link = /href="(\/zwgk\/zcwj\/gfxwj\/\d{6}\/t\d{8}_\d+\.html)"/.exec(home.body)?.[1];
    expect(link).toBeDefined();
    const res = await get('prov.localhost', link!);
    expect(res.statusCode).toBe(200);
    for (const name of ['SiteName', 'SiteDomain', 'SiteIDCode', 'ColumnName', 'ArticleTitle', 'PubDate', 'ContentSource', 'Url']) {
      expect(res.body).toContain(`<meta name="${name}"`);
    }
    expect(res.body).toMatch(/<meta name="PubDate" content="\d{4}-\d{2}-\d{2} \d{2}:\d{2}">/);
    expect(res.body).toContain('索引号');
    expect(res.body).toContain('发文字号');
    // The same path is nobody's on another site.
    expect((await get('qingchuan.localhost', link!)).statusCode).toBe(404);
  });

  it('should show a sub-site with its parent footer, and redirect its own dev host there', async () => {
    const res = await get('anhe.localhost', '/cgz/');
    expect(res.body).toContain('城关镇');
    expect(res.body).toContain('9901210001'); // 安和县's site identification code
    const alias = await get('anhe-cgz.localhost', '/xwdt/');
    expect(alias.statusCode).toBe(301);
    expect(alias.headers.location).toBe('http://anhe.localhost:3000/cgz/xwdt/');
    expect((await get('anhe.localhost', '/cgz')).headers.location).toBe('/cgz/');
  });

  it('should answer columns, trailing-slash redirects and themed 404s', async () => {
    expect((await get('yunxi.localhost', '/xwdt/tzgg/')).statusCode).toBe(200);
    const noSlash = await get('yunxi.localhost', '/xwdt/tzgg');
    expect([noSlash.statusCode, noSlash.headers.location]).toEqual([301, '/xwdt/tzgg/']);
    const missing = await get('yunxi.localhost', '/no/such/page.html');
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toContain('您访问的页面不存在');
    expect(missing.body).toContain('云溪市');
  });

  it('should answer an unknown host with a plain bilingual 404 and no site', async () => {
    const res = await get('unknown.example.cn', '/');
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain('站点不存在');
    expect(res.body).toContain('Site not found');
    expect(res.body).not.toContain('网站标识码');
  });

  it('should never serve the console on a tenant host, nor public pages on the admin host', async () => {
    const login = await get('prov.localhost', '/login');
    expect(login.statusCode).toBe(404);
    expect(login.body).not.toContain('name="password"');
    expect((await get('prov.localhost', '/api/v1/sites')).statusCode).toBe(404);
    expect((await get('admin.localhost', '/_public/xwdt/')).statusCode).toBe(404);
  });

  it('should keep a site in provisioning off the public web', async () => {
    const scope = { kind: 'platform', platformIds: [seeded.platformId] } as const;
    const ctx = { db: h.t.db, clock: h.clock, actor: { userId: null, label: 'test' }, scope };
    const unit = await inScope(h.t.db, scope, (trx) => trx.selectFrom('org_unit').select('id').where('name', '=', '青川市人民政府').executeTakeFirstOrThrow());
    const dept = await createOrgUnit(ctx, { platformId: seeded.platformId, parentId: unit.id, level: 'department', name: '青川市统计局' });
    await createSite(ctx, { platformId: seeded.platformId, orgUnitId: dept.id, kind: 'department', code: 'qingchuan-tjj', name: '青川市统计局' });
    const res = await get('qingchuan-tjj.localhost', '/');
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('青川市统计局');
  });

  it('should sign a platform admin in through the form and show the sites', async () => {
    const form = await get('admin.localhost', '/login');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('登录管理后台');
    expect(form.body).toMatch(/name="_csrf" value="[^"]+"/);
    await expect(loginAs(h.app, DEMO_ADMIN.username, 'wrong-password-123')).rejects.toThrow(/401/);
    const cookies = await loginAs(h.app, DEMO_ADMIN.username, DEMO_ADMIN.password);
    expect(cookies.zq_session).toMatch(/^[a-z2-7]{32}$/);
    const stored = await h.t.db.selectFrom('session').select('id').execute();
    expect(stored.map((s) => s.id)).not.toContain(cookies.zq_session); // only the hash is stored
    const dash = await get('admin.localhost', '/', cookies);
    expect(dash.statusCode).toBe(200);
    expect(dash.body).toContain('安和县人民政府（演示）');
    expect(dash.body).toContain('http://anhe.localhost:3000/cgz/');
    const api = await get('admin.localhost', '/api/v1/sites', cookies);
    expect(api.json().sites).toHaveLength(12);
  });

  it('should refuse a login post without its CSRF token, and the console without a session', async () => {
    const res = await h.app.inject({
      method: 'POST', url: '/login', headers: { host: 'admin.localhost', 'content-type': 'application/x-www-form-urlencoded' },
      payload: `username=${DEMO_ADMIN.username}&password=${DEMO_ADMIN.password}`,
    });
    expect(res.statusCode).toBe(403);
    const dash = await get('admin.localhost', '/');
    expect([dash.statusCode, dash.headers.location]).toEqual([303, '/login']);
    const api = await get('admin.localhost', '/api/v1/sites');
    expect(api.statusCode).toBe(401);
    expect(api.json()).toMatchObject({ code: 'ZQ_IDENTITY_UNAUTHENTICATED' });
  });

  it('should not show one platform the sites of another', async () => {
    const other = await createPlatform(h.t.db, h.clock, { userId: null, label: 'test' }, { code: 'other', name: '另一平台' });
    const scope = { kind: 'platform', platformIds: [other.id] } as const;
    const rows = await inScope(h.t.db, scope, (trx) => trx.selectFrom('site').select('id').execute());
    expect(rows).toEqual([]);
    const articles = await inScope(h.t.db, scope, (trx) => trx.selectFrom('article').select('id').execute());
    expect(articles).toEqual([]);
  });

  it('should be ready', async () => {
    const res = await get('anything', '/readyz');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ready' });
  });
});
