import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ADMIN, seedDemoProvince } from '@zhanqun/demo/demo-province';
import { createPlatformAdmin } from '@zhanqun/identity/user.service';
import { createPlatform } from '@zhanqun/tenancy/platform.service';
import { build, loginAs, type TestApp } from './helper.js';

type Json = Record<string, unknown> & { id: string };
const ADMIN = 'admin.localhost';
const OTHER_ADMIN = { username: 'other-admin', password: 'another-platform-2026', displayName: '另一平台管理员' };

describe('the JSON API /api/v1', () => {
  let h: TestApp;
  let ours: Record<string, string>;
  let theirs: Record<string, string>;
  const ids: Record<string, string> = {};

  const call = (method: InjectOptions['method'], url: string, payload?: object, cookies = ours, headers: Record<string, string> = {}) =>
    h.app.inject({ method, url: `/api/v1${url}`, headers: { host: `${ADMIN}:3000`, ...headers }, cookies, ...(payload ? { payload } : {}) });
  /** A call that must succeed with `status`; returns the parsed body. */
  const ok = async <T = Json>(status: number, method: InjectOptions['method'], url: string, payload?: object, cookies = ours): Promise<T> => {
    const res = await call(method, url, payload, cookies);
    expect([method, url, res.statusCode, res.statusCode >= 400 ? res.body : '']).toEqual([method, url, status, '']);
    return (res.body ? res.json() : undefined) as T;
  };
  /** A call that must be refused: the status, the code and (when the rule is about one field) the field. */
  const refused = async (expected: { status: number; code: string; field?: string }, method: InjectOptions['method'], url: string, payload?: object, cookies = ours) => {
    const res = await call(method, url, payload, cookies);
    expect({ status: res.statusCode, ...res.json() }).toMatchObject(expected);
    expect(res.json().message).toEqual(expect.any(String));
  };
  const publicGet = (host: string, url: string) => h.app.inject({ method: 'GET', url, headers: { host: `${host}:3000` } });

  beforeAll(async () => {
    h = await build();
    await seedDemoProvince(h.t.db, h.clock);
    ours = await loginAs(h.app, DEMO_ADMIN.username, DEMO_ADMIN.password);
    const actor = { userId: null, label: 'test' };
    const other = await createPlatform(h.t.db, h.clock, actor, { code: 'other', name: '另一平台' });
    await createPlatformAdmin(h.t.db, h.clock, actor, { platformId: other.id, ...OTHER_ADMIN });
    theirs = await loginAs(h.app, OTHER_ADMIN.username, OTHER_ADMIN.password);
    // The other platform provisions its own province and portal through the API too.
    const root = await ok(201, 'POST', '/org-units', { level: 'province', name: '他省人民政府' }, theirs);
    const site = await ok(201, 'POST', '/sites', { orgUnitId: root.id, kind: 'portal', code: 'tasheng', name: '他省人民政府', hosts: ['www.tasheng.gov.cn'] }, theirs);
    ids.theirSite = site.id;
    ids.theirRoot = root.id;
  });
  afterAll(async () => { await h.close(); });

  it('should provision a city site with a domain and an alias that answer on their hosts', async () => {
    const { orgUnits } = await ok<{ orgUnits: Json[] }>(200, 'GET', '/org-units');
    const province = orgUnits.find((u) => u.level === 'province')!;
    const city = await ok(201, 'POST', '/org-units', { parentId: province.id, level: 'city', name: '测试市人民政府', shortName: '测试市', divisionCode: '990300' });
    expect(city).toMatchObject({ parentId: province.id, level: 'city', divisionCode: '990300', oversightUnitId: null });
    ids.city = city.id;
    const site = await ok(201, 'POST', '/sites', {
      orgUnitId: city.id, kind: 'portal', code: 'ceshi', name: '测试市人民政府', siteIdCode: '9903000001',
      sponsor: '测试市人民政府办公室', hosts: ['www.ceshi.gov.cn'],
    });
    expect(site).toMatchObject({ code: 'ceshi', kind: 'portal', status: 'provisioning', siteIdCode: '9903000001', parentSiteId: null });
    ids.citySite = site.id;
    const alias = await ok(201, 'POST', `/sites/${site.id}/domains`, { host: 'CeShi.Gov.Cn.', role: 'alias' });
    expect(alias).toMatchObject({ host: 'ceshi.gov.cn', role: 'alias', pathPrefix: '/', siteId: site.id });
    const applied = await ok<{ sites: { siteId: string; added: string[] }[] }>(200, 'POST', '/templates/standard/apply', { siteIds: [site.id] });
    expect(applied.sites[0]?.added).toContain('/xwdt/tzgg/');
    expect(await ok(200, 'POST', `/sites/${site.id}/status`, { status: 'live' })).toMatchObject({ status: 'live' });

    const home = await publicGet('www.ceshi.gov.cn', '/');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('测试市人民政府');
    expect((await publicGet('www.ceshi.gov.cn', '/xwdt/tzgg/')).statusCode).toBe(200);
    const redirect = await publicGet('ceshi.gov.cn', '/xwdt/');
    expect([redirect.statusCode, redirect.headers.location]).toEqual([301, 'http://www.ceshi.gov.cn:3000/xwdt/']);

    const { domains } = await ok<{ domains: Json[] }>(200, 'GET', `/sites/${site.id}/domains`);
    expect(domains.map((d) => [d.host, d.role])).toEqual([['www.ceshi.gov.cn', 'primary'], ['ceshi.gov.cn', 'alias']]);
    const { sites, total } = await ok<{ sites: Json[]; total: number }>(200, 'GET', '/sites?q=ceshi');
    expect(total).toBe(1);
    expect(sites[0]).toMatchObject({ id: site.id, host: 'www.ceshi.gov.cn', pathPrefix: '/', orgUnitName: '测试市人民政府' });
  });

  it('should provision a department site and a township sub-site under a county portal', async () => {
    const dept = await ok(201, 'POST', '/org-units', { parentId: ids.city, level: 'department', name: '测试市教育局' });
    const deptSite = await ok(201, 'POST', '/sites', { orgUnitId: dept.id, kind: 'department', code: 'ceshi-jyj', name: '测试市教育局', siteIdCode: 'bm99030001' });
    await ok(200, 'POST', `/sites/${deptSite.id}/status`, { status: 'live' });
    expect((await publicGet('ceshi-jyj.localhost', '/')).statusCode).toBe(200);

    const county = await ok(201, 'POST', '/org-units', { parentId: ids.city, level: 'county', name: '测试县人民政府', divisionCode: '990321' });
    const town = await ok(201, 'POST', '/org-units', { parentId: county.id, level: 'township', name: '测试县城关镇' });
    Object.assign(ids, { county: county.id, town: town.id });
    const countySite = await ok(201, 'POST', '/sites', { orgUnitId: county.id, kind: 'portal', code: 'ceshixian', name: '测试县人民政府', siteIdCode: '9903210001' });
    const sub = await ok(201, 'POST', '/sites', { orgUnitId: town.id, kind: 'sub_site', code: 'ceshixian-cgz', name: '城关镇', parentSiteId: countySite.id, pathPrefix: 'cgz' });
    expect(sub).toMatchObject({ kind: 'sub_site', parentSiteId: countySite.id, siteIdCode: null });
    ids.countySite = countySite.id;
    for (const s of [countySite, sub]) await ok(200, 'POST', `/sites/${s.id}/status`, { status: 'live' });
    const page = await publicGet('ceshixian.localhost', '/cgz/');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('城关镇');
    expect(page.body).toContain('9903210001'); // the parent's site identification code in the footer
    const { sites } = await ok<{ sites: Json[] }>(200, 'GET', `/sites?orgUnitId=${county.id}&kind=sub_site`);
    expect(sites.map((s) => [s.code, s.host, s.pathPrefix])).toEqual([['ceshixian-cgz', 'ceshixian.localhost', '/cgz/']]);
  });

  it('should switch the primary host, remove an alias, and keep the primary', async () => {
    const domains = `/sites/${ids.citySite}/domains`;
    const mobile = await ok(201, 'POST', domains, { host: 'm.ceshi.gov.cn' });
    expect(mobile).toMatchObject({ role: 'alias' });
    expect(await ok(200, 'POST', `${domains}/${mobile.id}/primary`)).toMatchObject({ host: 'm.ceshi.gov.cn', role: 'primary' });
    const www = (await publicGet('www.ceshi.gov.cn', '/xwdt/'));
    expect([www.statusCode, www.headers.location]).toEqual([301, 'http://m.ceshi.gov.cn:3000/xwdt/']);
    const before = (await ok<{ domains: Json[] }>(200, 'GET', domains)).domains;
    const wwwId = before.find((d) => d.host === 'www.ceshi.gov.cn')!.id;
    await ok(200, 'POST', `${domains}/${wwwId}/primary`);
    await ok(204, 'DELETE', `${domains}/${mobile.id}`);
    await refused({ status: 400, code: 'ZQ_VALIDATION', field: 'domainId' }, 'DELETE', `${domains}/${wwwId}`);
    const after = (await ok<{ domains: Json[] }>(200, 'GET', domains)).domains;
    expect(after.map((d) => [d.host, d.role])).toEqual([['www.ceshi.gov.cn', 'primary'], ['ceshi.gov.cn', 'alias']]);
    expect((await publicGet('www.ceshi.gov.cn', '/')).statusCode).toBe(200);
  });

  it('should rename a unit, keep its former name, and record a vertical-management overseer', async () => {
    const { orgUnits } = await ok<{ orgUnits: Json[] }>(200, 'GET', '/org-units');
    const provinceBureau = orgUnits.find((u) => u.name === '演示省教育厅')!;
    const cityBureau = orgUnits.find((u) => u.name === '测试市教育局')!;
    expect(await ok(200, 'PATCH', `/org-units/${cityBureau.id}`, { name: '测试市教育体育局' })).toMatchObject({ name: '测试市教育体育局', validFrom: '2026-11-27' });
    expect(await ok(200, 'PATCH', `/org-units/${cityBureau.id}`, { oversightUnitId: provinceBureau.id })).toMatchObject({ oversightUnitId: provinceBureau.id });
    await refused({ status: 400, code: 'ZQ_VALIDATION', field: 'oversightUnitId' }, 'PATCH', `/org-units/${cityBureau.id}`, { oversightUnitId: cityBureau.id });
    expect(await ok(200, 'PATCH', `/org-units/${cityBureau.id}`, { oversightUnitId: null })).toMatchObject({ oversightUnitId: null });
  });

  it('should refuse bad sites, hosts and units with a code and the field', async () => {
    const site = (extra: object) => ({ orgUnitId: ids.city, kind: 'portal', code: 'ceshi2', name: '测试', ...extra });
    await refused({ status: 409, code: 'ZQ_TENANCY_HOST_TAKEN', field: 'hosts' }, 'POST', '/sites', site({ hosts: ['www.ceshi.gov.cn'] }));
    await refused({ status: 409, code: 'ZQ_TENANCY_SITE_CODE_TAKEN', field: 'code' }, 'POST', '/sites', site({ code: 'ceshi' }));
    await refused({ status: 400, code: 'ZQ_VALIDATION', field: 'code' }, 'POST', '/sites', site({ code: 'Ce Shi!' }));
    await refused({ status: 400, code: 'ZQ_VALIDATION', field: 'siteIdCode' }, 'POST', '/sites', site({ siteIdCode: '12345' }));
    await refused({ status: 400, code: 'ZQ_VALIDATION', field: 'siteIdCode' }, 'POST', '/sites', site({ siteIdCode: '9903000001' }));
    await refused({ status: 409, code: 'ZQ_TENANCY_HOST_RESERVED', field: 'hosts[0]' }, 'POST', '/sites', site({ hosts: ['Admin.Localhost'] }));
    await refused({ status: 409, code: 'ZQ_TENANCY_HOST_RESERVED', field: 'host' }, 'POST', `/sites/${ids.citySite}/domains`, { host: 'admin.localhost' });
    // A host of another platform's site is just as taken.
    await refused({ status: 409, code: 'ZQ_TENANCY_HOST_TAKEN', field: 'host' }, 'POST', `/sites/${ids.citySite}/domains`, { host: 'www.tasheng.gov.cn' });
    await refused({ status: 422, code: 'ZQ_TENANCY_INDEPENDENT_SITE_REFUSED', field: 'kind' }, 'POST', '/sites', { orgUnitId: ids.town, kind: 'department', code: 'cgz-self', name: '城关镇' });
    await refused({ status: 400, code: 'ZQ_VALIDATION', field: 'parentId' }, 'PATCH', `/org-units/${ids.city}`, { parentId: ids.county });
    // Nothing half-made is left behind.
    expect((await ok<{ total: number }>(200, 'GET', '/sites?q=ceshi2')).total).toBe(0);
    expect((await ok<{ total: number }>(200, 'GET', '/sites?q=cgz-self')).total).toBe(0);
  });

  it('should turn schema violations into 400 ZQ_VALIDATION naming the field', async () => {
    await refused({ status: 400, code: 'ZQ_VALIDATION', field: 'name' }, 'POST', '/sites', { orgUnitId: ids.city, kind: 'portal', code: 'x1' });
    await refused({ status: 400, code: 'ZQ_VALIDATION', field: 'orgUnitId' }, 'POST', '/sites', { orgUnitId: 'nope', kind: 'portal', code: 'x1', name: 'x' });
    await refused({ status: 400, code: 'ZQ_VALIDATION', field: 'hosts[1]' }, 'POST', '/sites', { orgUnitId: ids.city, kind: 'portal', code: 'x1', name: 'x', hosts: ['a.cn', { host: 'b.cn' }] });
    await refused({ status: 400, code: 'ZQ_VALIDATION', field: 'kind' }, 'POST', '/sites', { orgUnitId: ids.city, kind: 'blog', code: 'x1', name: 'x' });
    await refused({ status: 400, code: 'ZQ_VALIDATION', field: 'id' }, 'GET', '/sites/not-a-uuid');
    await refused({ status: 400, code: 'ZQ_VALIDATION', field: 'limit' }, 'GET', '/sites?limit=201');
    await refused({ status: 400, code: 'ZQ_VALIDATION', field: 'body' }, 'PATCH', `/org-units/${ids.city}`, { name: '甲', parentId: ids.county });
  });

  it('should keep column slugs off sub-site prefixes and reserved paths, and never move a column under itself', async () => {
    const cols = `/sites/${ids.countySite}/columns`;
    await refused({ status: 400, code: 'ZQ_VALIDATION', field: 'slug' }, 'POST', cols, { slug: 'cgz', name: '冲突', kind: 'news' });
    await refused({ status: 400, code: 'ZQ_VALIDATION', field: 'slug' }, 'POST', cols, { slug: 'search', name: '保留', kind: 'news' });
    const a = await ok(201, 'POST', cols, { slug: 'aa', name: '甲', kind: 'news' });
    const b = await ok(201, 'POST', cols, { slug: 'bb', name: '乙', kind: 'news', parentId: a.id });
    expect(b).toMatchObject({ path: '/aa/bb/', parentId: a.id, isChannel: false, status: 'open' });
    await refused({ status: 400, code: 'ZQ_VALIDATION', field: 'parentId' }, 'POST', `${cols}/${a.id}/move`, { parentId: b.id });
    const moved = await ok(200, 'POST', `${cols}/${b.id}/move`, { parentId: null });
    expect(moved).toMatchObject({ path: '/bb/', isChannel: true });
    await ok(204, 'POST', `${cols}/reorder`, { parentId: null, orderedIds: [moved.id, a.id] });
    const { columns } = await ok<{ columns: Json[] }>(200, 'GET', cols);
    expect(columns.map((c) => c.path)).toEqual(['/bb/', '/aa/']);
    expect(await ok(200, 'PATCH', `${cols}/${a.id}`, { name: '甲栏目', kind: 'notice' })).toMatchObject({ name: '甲栏目', kind: 'notice', path: '/aa/' });
  });

  it('should answer a merged column with 301 to its target and a closed one with 410', async () => {
    const cols = `/sites/${ids.citySite}/columns`;
    const { columns } = await ok<{ columns: Json[] }>(200, 'GET', cols);
    const target = columns.find((c) => c.path === '/xwdt/tzgg/')!;
    expect(target).toMatchObject({ kind: 'notice', templateColumnId: expect.any(String) });
    const old = await ok(201, 'POST', cols, { slug: 'gsgg', name: '公示公告', kind: 'notice' });
    const retired = await ok(201, 'POST', cols, { slug: 'jqhd', name: '近期活动', kind: 'news' });
    expect((await publicGet('www.ceshi.gov.cn', '/gsgg/')).statusCode).toBe(200);
    expect(await ok(200, 'POST', `${cols}/${old.id}/merge`, { targetId: target.id })).toMatchObject({ status: 'merged', mergedIntoId: target.id });
    expect(await ok(200, 'POST', `${cols}/${retired.id}/close`)).toMatchObject({ status: 'closed', closedAt: expect.any(String) });
    const merged = await publicGet('www.ceshi.gov.cn', '/gsgg/');
    expect([merged.statusCode, merged.headers.location]).toEqual([301, '/xwdt/tzgg/']);
    expect((await publicGet('www.ceshi.gov.cn', '/jqhd/')).statusCode).toBe(410);
    const after = (await ok<{ columns: Json[] }>(200, 'GET', cols)).columns.map((c) => c.id);
    expect(after).not.toContain(old.id);
    expect(after).not.toContain(retired.id);
  });

  it('should not return a site of another platform, nor list it', async () => {
    const site = `/sites/${ids.citySite}`;
    for (const [method, url, payload] of [
      ['GET', site], ['PATCH', site, { name: '改名' }], ['POST', `${site}/close`], ['POST', `${site}/status`, { status: 'closed' }],
      ['GET', `${site}/domains`], ['POST', `${site}/domains`, { host: 'steal.example.cn' }], ['GET', `${site}/columns`],
      ['POST', `${site}/columns`, { slug: 'evil', name: '入侵', kind: 'news' }],
    ] as const) {
      await refused({ status: 404, code: 'ZQ_TENANCY_SITE_NOT_FOUND' }, method, url, payload, theirs);
    }
    await refused({ status: 404, code: 'ZQ_TENANCY_ORG_UNIT_NOT_FOUND' }, 'PATCH', `/org-units/${ids.city}`, { name: '改名' }, theirs);
    await refused({ status: 404, code: 'ZQ_TENANCY_SITE_NOT_FOUND' }, 'POST', '/templates/standard/apply', { siteIds: [ids.citySite] }, theirs);
    const listed = await ok<{ sites: Json[]; total: number }>(200, 'GET', '/sites?limit=200', undefined, theirs);
    expect(listed.sites.map((s) => s.id)).toEqual([ids.theirSite]);
    expect(listed.total).toBe(1);
    const { orgUnits } = await ok<{ orgUnits: Json[] }>(200, 'GET', '/org-units', undefined, theirs);
    expect(orgUnits.map((u) => u.id)).toEqual([ids.theirRoot]);
    const mine = await ok<{ sites: Json[] }>(200, 'GET', '/sites?limit=200');
    expect(mine.sites.map((s) => s.id)).not.toContain(ids.theirSite);
    // Still intact for its owners.
    expect(await ok(200, 'GET', site)).toMatchObject({ name: '测试市人民政府', status: 'live' });
  });

  it('should refuse the anonymous, cross-site writes and non-JSON bodies', async () => {
    const anonymous = await h.app.inject({ method: 'GET', url: '/api/v1/sites', headers: { host: ADMIN } });
    expect([anonymous.statusCode, anonymous.json().code]).toEqual([401, 'ZQ_IDENTITY_UNAUTHENTICATED']);
    const cross = await call('POST', `/sites/${ids.citySite}/close`, undefined, ours, { origin: 'https://www.ceshi.gov.cn' });
    expect([cross.statusCode, cross.json().code]).toEqual([403, 'ZQ_API_CROSS_ORIGIN']);
    const form = await h.app.inject({
      method: 'POST', url: '/api/v1/org-units', cookies: ours,
      headers: { host: ADMIN, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'level=city&name=x',
    });
    expect(form.statusCode).toBe(415);
    // A bodiless POST labelled as JSON is still a bodiless POST.
    const col = await ok(201, 'POST', `/sites/${ids.countySite}/columns`, { slug: 'tmp', name: '临时', kind: 'news' });
    const labelled = await call('POST', `/sites/${ids.countySite}/columns/${col.id}/close`, undefined, ours, { 'content-type': 'application/json' });
    expect(labelled.json()).toMatchObject({ status: 'closed' });
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/sites', headers: { host: 'www.ceshi.gov.cn' }, cookies: ours })).statusCode).toBe(404);
    const sameOrigin = await call('PATCH', `/sites/${ids.citySite}`, { contact: '0791-1234567' }, ours, { origin: 'http://admin.localhost:3000' });
    expect(sameOrigin.statusCode).toBe(200);
  });

  it('should save a platform template and apply it to sites, adding only what they lack', async () => {
    const tpl = await ok<{ ref: string; columns: number }>(201, 'POST', '/templates', {
      code: 'xiangzhen', name: '乡镇子站模板', columns: [
        { path: '/zwdt/', name: '政务动态', kind: 'news' }, { path: '/zwdt/tzgg/', name: '通知公告', kind: 'notice' }, { path: '/bmfw/', name: '便民服务', kind: 'service' },
      ],
    });
    expect(tpl.columns).toBe(3);
    const first = await ok<{ sites: { added: string[] }[] }>(200, 'POST', `/templates/${tpl.ref}/apply`, { siteIds: [ids.citySite] });
    expect(first.sites[0]?.added).toEqual(['/zwdt/', '/zwdt/tzgg/', '/bmfw/']);
    const again = await ok<{ sites: { added: string[] }[] }>(200, 'POST', `/templates/${tpl.ref}/apply`, { siteIds: [ids.citySite] });
    expect(again.sites[0]?.added).toEqual([]);
    await refused({ status: 400, code: 'ZQ_VALIDATION', field: 'columns' }, 'POST', '/templates', { code: 'broken', name: '缺上级', columns: [{ path: '/a/b/', name: '孤儿', kind: 'news' }] });
    await refused({ status: 404, code: 'ZQ_TENANCY_TEMPLATE_NOT_FOUND' }, 'POST', `/templates/${tpl.ref}/apply`, { siteIds: [ids.citySite] }, theirs);
  });

  it('should guard every API and docs route: platform admins for the platform, site managers for their sites', () => {
    const api = h.app.routeTable.filter((r) => r.url.startsWith('/api/'));
    expect(api.length).toBeGreaterThan(20);
    // Content routes are the editors' (content.*, checked again per column by the services); the rest is the managers'.
    const content = api.filter((r) => /^\/api\/v1\/(tasks$|sites\/:id\/(articles|workflow-runs|trash|attachments|translation-lag|policies-without-interpretation))/.test(r.url));
    expect(content.length).toBeGreaterThan(20);
    // Purging from the trash for good is the platform admin's.
    expect(content.filter((r) => r.url.startsWith('/api/v1/sites/:id/trash/')).map((r) => r.permission)).toEqual(['platform_admin']);
    expect(content.filter((r) => !r.url.startsWith('/api/v1/sites/:id/trash/') && !['content.read', 'content.edit', 'content.publish'].includes(r.permission ?? ''))).toEqual([]);
    expect(api.filter((r) => !content.includes(r) && !['platform_admin', 'site.manage'].includes(r.permission ?? ''))).toEqual([]);
    const platformOnly = api.filter((r) => r.url.startsWith('/api/v1/org-units') || r.url.startsWith('/api/v1/templates') || r.url.startsWith('/api/docs')
      || (r.method === 'POST' && ['/api/v1/sites', '/api/v1/sites/:id/status', '/api/v1/sites/:id/close'].includes(r.url)));
    expect(platformOnly.filter((r) => r.permission !== 'platform_admin')).toEqual([]);
  });

  it('should serve the OpenAPI description and Swagger UI at /api/docs on the admin host only', async () => {
    const get = (url: string, host = ADMIN, cookies: Record<string, string> | undefined = ours) =>
      h.app.inject({ method: 'GET', url, headers: { host }, ...(cookies ? { cookies } : {}) });
    const spec = await get('/api/docs/json');
    expect(spec.statusCode).toBe(200);
    const doc = spec.json() as { openapi: string; paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    expect(doc.openapi).toBe('3.1.0');
    for (const path of ['/api/v1/org-units', '/api/v1/sites', '/api/v1/sites/{id}', '/api/v1/sites/{id}/domains/{domainId}/primary',
      '/api/v1/sites/{id}/columns/{columnId}/merge', '/api/v1/sites/{id}/columns/reorder', '/api/v1/templates/{ref}/apply']) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect(Object.keys(doc.paths).every((p) => p.startsWith('/api/v1/'))).toBe(true);
    expect(Object.keys(doc.paths['/api/v1/sites']!.post!.responses)).toEqual(expect.arrayContaining(['201', '400', '404', '409', '422']));
    const ui = await get('/api/docs');
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('swagger-ui');
    expect((await get('/api/docs/static/swagger-initializer.js')).statusCode).toBe(200);
    expect((await get('/api/docs/json', ADMIN, {})).statusCode).toBe(401);
    expect((await get('/api/docs/json', 'www.ceshi.gov.cn', undefined)).statusCode).toBe(404);
  });
});
