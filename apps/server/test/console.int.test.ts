import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '@zhanqun/core/id';
import { DEMO_ADMIN, seedDemoProvince } from '@zhanqun/demo/demo-province';
import { createPlatformAdmin } from '@zhanqun/identity/user.service';
import { createCityPlatform, createPlatform } from '@zhanqun/tenancy/platform.service';
import { ConsoleClient, decode, inputValue, refusal, selectedOption, visible } from './console-helper.js';
import { build, type TestApp } from './helper.js';

describe('the console: org tree, site list and the create-site wizard', () => {
  let h: TestApp;
  let c: ConsoleClient;
  let platformId: string;
  const unitId = async (name: string) => (await h.t.db.selectFrom('org_unit').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
  const siteId = async (code: string) => (await h.t.db.selectFrom('site').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;

  beforeAll(async () => {
    h = await build();
    platformId = (await seedDemoProvince(h.t.db, h.clock)).platformId;
    c = await ConsoleClient.withSession(h.app, h.t.db, DEMO_ADMIN.username, h.clock);
  });
  afterAll(async () => { await h.close(); });

  it('should guard every console page: platform admins shape the platform, site managers their sites, CSRF on every form post', async () => {
    const mine = h.app.routeTable.filter((r) => /^\/(org-units|sites)/.test(r.url));
    expect(mine.length).toBeGreaterThanOrEqual(20);
    const platformOnly = mine.filter((r) => /^\/(org-units|sites\/new$|sites$)/.test(r.url) && r.method === 'POST' || r.url.startsWith('/org-units') || r.url === '/sites/new');
    expect(platformOnly.filter((r) => r.permission !== 'platform_admin')).toEqual([]);
    // A site's articles and trash are the editors' (content.*; purging for good is the platform admin's);
    // everything else about a site is its managers'.
    const content = mine.filter((r) => /^\/sites\/:id\/(articles|trash|translations|policies-without-interpretation)/.test(r.url));
    const purge = content.filter((r) => r.url.endsWith('/purge'));
    expect(purge.map((r) => r.permission)).toEqual(['platform_admin']);
    expect(content.filter((r) => !purge.includes(r) && !(r.permission ?? '').startsWith('content.'))).toEqual([]);
    expect(mine.filter((r) => !content.includes(r) && !['platform_admin', 'site.manage'].includes(r.permission ?? ''))).toEqual([]);
    const anonymous = await h.app.inject({ method: 'GET', url: '/sites', headers: { host: 'admin.localhost' } });
    expect([anonymous.statusCode, anonymous.headers.location]).toEqual([303, '/login']);
    const forged = await c.post('/org-units', { parentId: await unitId('青川市人民政府'), level: 'department', name: '伪造' }, { csrf: false });
    expect(forged.statusCode).toBe(403);
    const dash = await c.get('/');
    expect(dash.body).toContain('href="/org-units"');
    expect(dash.body).toContain('>组织机构<');
    expect(dash.body).toContain('>站点管理<');
  });

  it('should show the org tree indented, with levels, division codes and oversight', async () => {
    const page = await c.get('/org-units');
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/<caption>组织机构树，共 11 个机构<\/caption>/);
    expect(page.body).toMatch(/<th scope="row" class="d0">[^<]*<span class="branch" aria-hidden="true"><\/span>演示省人民政府/);
    expect(page.body).toMatch(/class="d2">[^<]*<span[^>]*><\/span>安和县人民政府/);
    expect(page.body).toContain('<code>990121</code>');
    for (const label of ['省级', '市级', '县级', '乡镇（街道）', '部门']) expect(page.body).toContain(`<span class="level">${label}</span>`);
  });

  it('should add, rename and move a unit and set its vertical oversight, each with a notice', async () => {
    const parentId = await unitId('青川市人民政府');
    const added = await c.post('/org-units', { parentId, level: 'department', name: '青川市税务局', shortName: '市税务局' });
    expect(added.statusCode).toBe(303);
    expect(added.headers.location).toMatch(/^\/org-units\?unit=[0-9a-f-]{36}&ok=org\.created#unit-/);
    const shown = await c.get(added.headers.location as string);
    expect(shown.body).toContain('<p class="notice" role="status">已新增机构。</p>');
    const id = await unitId('青川市税务局');
    expect((await c.post(`/org-units/${id}/rename`, { name: '国家税务总局青川市税务局' })).headers.location).toContain('ok=org.renamed');
    const renamed = await c.get(`/org-units?unit=${id}`);
    expect(visible(renamed.body)).toMatch(/曾用名 青川市税务局/);
    const overseer = await unitId('演示省教育厅');
    expect((await c.post(`/org-units/${id}/oversight`, { oversightUnitId: overseer })).headers.location).toContain('ok=org.oversight_set');
    expect(visible((await c.get('/org-units')).body)).toContain('受 演示省教育厅 垂直管理');
    expect((await c.post(`/org-units/${id}/move`, { parentId: await unitId('云溪市人民政府') })).headers.location).toContain('ok=org.moved');
    const moved = await h.t.db.selectFrom('org_unit').select('parent_id').where('id', '=', id).executeTakeFirstOrThrow();
    expect(moved.parent_id).toBe(await unitId('云溪市人民政府'));
  });

  it('should refuse bad units with a Chinese message naming the field, keeping what was typed', async () => {
    const city = await unitId('青川市人民政府');
    const county = await unitId('安和县人民政府');
    const cases: [string, Record<string, string>, string][] = [
      ['/org-units', { parentId: city, level: 'department', name: '  ', divisionCode: '' }, '名称：不能为空'],
      ['/org-units', { parentId: city, level: 'county', name: '新县', divisionCode: '12ab' }, '行政区划代码：须为 6 位或 9 位数字'],
      ['/org-units', { parentId: city, level: 'township', name: '某镇' }, '上级机构：层级不符'],
      ['/org-units', { parentId: 'not-an-id', level: 'department', name: '某局' }, '上级机构：选项无效'],
      [`/org-units/${city}/move`, { parentId: county }, '上级机构：不能选择自身或其下级'],
      [`/org-units/${county}/oversight`, { oversightUnitId: city }, '垂直管理上级部门：须为部门'],
      [`/org-units/${county}/oversight`, { oversightUnitId: county }, '垂直管理上级部门：不能选择本机构自身'],
      [`/org-units/${county}/rename`, { name: '' }, '名称：不能为空'],
    ];
    for (const [url, fields, message] of cases) {
      const res = await c.post(url, fields);
      expect([url, res.statusCode]).toEqual([url, 400]);
      expect([url, refusal(res.body)]).toEqual([url, expect.stringContaining(message)]);
      expect(res.body).toContain('aria-invalid="true"');
    }
    const kept = await c.post('/org-units', { parentId: city, level: 'county', name: '新县', divisionCode: '12ab' });
    expect(inputValue(kept.body, 'name')).toBe('新县');
    expect(selectedOption(kept.body, 'level')).toBe('county');
  });

  it('should search, filter and page the site list in the database', async () => {
    const all = await c.get('/sites');
    expect(all.body).toContain('<caption>站点列表：第 1–11 个，共 11 个</caption>');
    const q = visible((await c.get('/sites?q=%E5%AE%89%E5%92%8C')).body); // 安和
    expect(q).toContain('安和县人民政府（演示）');
    expect(q).not.toContain('青川市人民政府（演示）');
    expect(visible((await c.get('/sites?q=shiq')).body)).toContain('共 2 个');
    const subs = await c.get('/sites?kind=sub_site');
    expect(subs.body).toContain('共 3 个');
    expect(selectedOption(subs.body, 'kind')).toBe('sub_site');
    const under = visible((await c.get(`/sites?org=${await unitId('青川市人民政府')}`)).body);
    expect(under).toContain('城关镇（演示）');
    expect(under).not.toContain('云溪市人民政府（演示）');
    expect(visible((await c.get('/sites?status=closed')).body)).toContain('没有符合条件的站点');
  });

  it('should stay fast with 3,000 sites, 50 a page', async () => {
    const unit = await unitId('演示省人民政府');
    const rows = Array.from({ length: 3000 }, (_, i) => ({
      id: newId(), platform_id: platformId, org_unit_id: unit, parent_site_id: null, kind: 'department' as const, status: 'live' as const,
      code: `bulk-${String(i).padStart(4, '0')}`, name: `批量测试网站${i}`, site_id_code: null, icp_number: null, psb_number: null,
      sponsor: null, contact: null, default_locale: 'zh-CN', theme: 'default', closed_at: null, deleted_at: null,
    }));
    for (let i = 0; i < rows.length; i += 500) await h.t.db.insertInto('site').values(rows.slice(i, i + 500)).execute();
    await c.get('/sites'); // warm
    const started = performance.now();
    const page = await c.get('/sites?page=40');
    const search = await c.get('/sites?q=%E6%89%B9%E9%87%8F%E6%B5%8B%E8%AF%95%E7%BD%91%E7%AB%99299&kind=department&status=live');
    const elapsed = performance.now() - started;
    expect(page.body).toContain('第 1951–2000 个，共 3011 个');
    expect(page.body).toContain('第 40 / 61 页');
    expect((page.body.match(/<tr>\s*<th scope="row">/g) ?? []).length).toBe(50);
    expect(decode(page.body)).toContain('href="/sites?page=41" rel="next"');
    expect(search.body).toContain('共 11 个'); // 299 and 2990–2999
    expect(elapsed).toBeLessThan(1500);
  });

  it('should refuse bad sites in the wizard with the field named and the values kept', async () => {
    const county = await unitId('安和县人民政府');
    const township = await unitId('安和县城关镇人民政府');
    const base = { orgUnitId: county, kind: 'portal', code: 'wiz-ok', name: '向导测试网站', hosts: '', applyTemplate: '1' };
    const cases: [Record<string, string>, string, string][] = [
      [{ code: 'Bad Code' }, '网站代码：须为 2–40 位小写字母', 'code'],
      [{ code: 'anhe' }, '网站代码：已被其他网站使用', 'code'],
      [{ hosts: 'anhe.localhost' }, '域名：已属于其他网站', 'hosts'],
      [{ hosts: 'admin.localhost' }, '域名：为平台管理后台保留', 'hosts'],
      [{ hosts: 'a.example.cn\nA.example.cn.' }, '域名：同一域名填写了两次', 'hosts'],
      [{ hosts: 'bad host!' }, '域名：不是有效的域名', 'hosts'],
      [{ siteIdCode: '12345' }, '网站标识码：须为 10 位', 'siteIdCode'],
      [{ orgUnitId: township }, '网站类型：县级部门和乡镇（街道）不能开设独立网站', 'kind'],
      [{ orgUnitId: '' }, '所属机构：不能为空', 'orgUnitId'],
      [{ name: '' }, '网站名称：不能为空', 'name'],
      [{ kind: 'sub_site', orgUnitId: township, parentSiteId: '' , pathPrefix: 'zz' }, '上级网站：不能为空', 'parentSiteId'],
      [{ kind: 'sub_site', orgUnitId: township, parentSiteId: await siteId('anhe'), pathPrefix: 'search' }, '路径前缀：是平台保留路径', 'pathPrefix'],
      [{ kind: 'sub_site', orgUnitId: township, parentSiteId: await siteId('anhe'), pathPrefix: 'cgz' }, '路径前缀：已被上级网站的其他子站使用', 'pathPrefix'],
      [{ kind: 'department' }, '网站类型：部门网站只能属于部门', 'kind'],
      [{ kind: 'portal', orgUnitId: await unitId('安和县教育局') }, '网站类型：县级部门和乡镇（街道）不能开设独立网站', 'kind'],
      [{ kind: 'portal', orgUnitId: await unitId('演示省教育厅') }, '网站类型：门户网站只能属于省、市、县级人民政府', 'kind'],
      [{ kind: 'sub_site', orgUnitId: township, parentSiteId: await siteId('anhe'), pathPrefix: 'hk', siteIdCode: '9901210009' }, '网站标识码：子站使用上级网站的网站标识码', 'siteIdCode'],
      [{ orgUnitId: '01a00000-0000-7000-8000-000000000000' }, '所属机构：所选机构不存在', 'orgUnitId'],
    ];
    for (const [change, message, field] of cases) {
      const res = await c.post('/sites', { ...base, ...change });
      expect([change, res.statusCode]).toEqual([change, expect.any(Number)]);
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect([change, refusal(res.body)]).toEqual([change, expect.stringContaining(message)]);
      expect([change, new RegExp(`name="${field}"[^>]*aria-invalid="true"`).test(res.body)]).toEqual([change, true]);
    }
    const kept = await c.post('/sites', { ...base, code: 'Bad Code', hosts: 'www.kept.cn\nkept.localhost', sponsor: '安和县人民政府办公室' });
    expect(inputValue(kept.body, 'name')).toBe('向导测试网站');
    expect(inputValue(kept.body, 'sponsor')).toBe('安和县人民政府办公室');
    expect(kept.body).toContain('>www.kept.cn\nkept.localhost</textarea>');
    expect(kept.body).toMatch(/name="applyTemplate" value="1" checked/);
    expect(kept.body).not.toMatch(/name="goLive" value="1" checked/);
    expect(await h.t.db.selectFrom('site').select('id').where('code', '=', 'wiz-ok').executeTakeFirst()).toBeUndefined();
    const en = await c.get('/sites/new?lang=en');
    expect(en.body).toContain('New site');
    const enRefused = await c.post('/sites', { ...base, code: 'Bad Code' });
    expect(refusal(enRefused.body)).toContain('Site code: must be 2–40 lower-case letters');
    await c.get('/sites/new?lang=zh-CN');
  });

  it('should create a site with hosts and the standard columns, and put it live', async () => {
    const form = await c.get(`/sites/new?org=${await unitId('云溪市人民政府')}`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toMatch(/name="applyTemplate" value="1" checked/);
    expect(selectedOption(form.body, 'orgUnitId')).toBe(await unitId('云溪市人民政府'));
    const res = await c.post('/sites', {
      orgUnitId: await unitId('云溪市人民政府'), kind: 'portal', code: 'yunxi-new', name: '云溪市新门户', siteIdCode: '9902000009',
      icpNumber: '演ICP备00000001号', psbNumber: '演公网安备 99020002000009号', sponsor: '云溪市人民政府办公室', contact: '0999-1234567',
      hosts: 'www.yunxi-new.localhost\nyunxi-new.localhost', applyTemplate: '1', goLive: '1',
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toMatch(/^\/sites\/[0-9a-f-]{36}\?ok=site\.created$/);
    const id = await siteId('yunxi-new');
    const page = await c.get(res.headers.location as string);
    expect(page.body).toContain('站点已创建。');
    expect(page.body).toContain('运行中');
    const columns = await h.t.db.selectFrom('site_column').select('id').where('site_id', '=', id).execute();
    expect(columns.length).toBeGreaterThan(40);
    const pub = await h.app.inject({ method: 'GET', url: '/', headers: { host: 'www.yunxi-new.localhost:3000' } });
    expect(pub.statusCode).toBe(200);
    expect(pub.body).toContain('云溪市新门户');
    const alias = await h.app.inject({ method: 'GET', url: '/', headers: { host: 'yunxi-new.localhost:3000' } });
    expect([alias.statusCode, alias.headers.location]).toEqual([301, 'http://www.yunxi-new.localhost:3000/']);
  });

  it('should not show one platform the sites or units of another', async () => {
    const other = await createPlatform(h.t.db, h.clock, { userId: null, label: 'test' }, { code: 'other-prov', name: '另一省' });
    await createPlatformAdmin(h.t.db, h.clock, { userId: null, label: 'test' }, { platformId: other.id, username: 'other-admin', password: 'other-password-2026', displayName: '另一管理员' });
    const o = await ConsoleClient.withSession(h.app, h.t.db, 'other-admin', h.clock);
    expect((await o.get(`/sites/${await siteId('anhe')}`)).statusCode).toBe(404);
    expect(visible((await o.get('/sites?q=anhe')).body)).toContain('没有符合条件的站点');
    expect(visible((await o.get('/org-units')).body)).not.toContain('安和县');
    const res = await o.post(`/sites/${await siteId('anhe')}/live`, {});
    expect(res.statusCode).toBe(404);
  });

  it("should show a city platform's sites read-only to the province (oversight), without forms", async () => {
    const scope = { kind: 'platform', platformIds: [platformId] } as const;
    await createCityPlatform({ db: h.t.db, clock: h.clock, actor: { userId: null, label: 'test' }, scope }, { code: 'yunxi-pt', name: '云溪市平台', rootOrgUnitId: await unitId('云溪市人民政府') });
    const yunxi = await siteId('yunxi');
    const page = await c.get(`/sites/${yunxi}`);
    expect(page.statusCode).toBe(200);
    expect(visible(page.body)).toContain('该网站由下级平台管理，本平台只读监督');
    expect(page.body).toMatch(/<fieldset class="bare" disabled>/);
    expect(page.body).not.toContain(`action="/sites/${yunxi}/close"`);
    expect(page.body).not.toContain(`action="/sites/${yunxi}/domains"`);
    const columns = await c.get(`/sites/${yunxi}/columns`);
    expect(columns.body).toContain('<caption>栏目树');
    expect(columns.body).not.toContain('/reorder"');
    expect(visible((await c.get('/sites?q=yunxi')).body)).toContain('没有符合条件的站点'); // the list is this platform's own
  });
});
