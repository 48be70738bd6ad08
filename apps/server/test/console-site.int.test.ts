import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ADMIN, seedDemoProvince } from '@zhanqun/demo/demo-province';
import { ConsoleClient, inputValue, refusal, selectedOption, visible } from './console-helper.js';
import { build, type TestApp } from './helper.js';

describe('the console: a site page (details, status, domains, sub-sites) and its column editor', () => {
  let h: TestApp;
  let c: ConsoleClient;
  const siteId = async (code: string) => (await h.t.db.selectFrom('site').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;
  const column = async (site: string, path: string) => (await h.t.db.selectFrom('site_column').select(['id', 'sort_order', 'status', 'parent_id'])
    .where('site_id', '=', site).where('path', '=', path).executeTakeFirstOrThrow());
  const pub = (host: string, url: string) => h.app.inject({ method: 'GET', url, headers: { host: `${host}:3000` } });

  beforeAll(async () => {
    h = await build();
    await seedDemoProvince(h.t.db, h.clock);
    c = await ConsoleClient.withSession(h.app, h.t.db, DEMO_ADMIN.username, h.clock);
  });
  afterAll(async () => { await h.close(); });

  it('should show a site: details, status, domains and sub-sites', async () => {
    const page = await c.get(`/sites/${await siteId('anhe')}`);
    expect(page.statusCode).toBe(200);
    const text = visible(page.body);
    expect(inputValue(page.body, 'name')).toBe('安和县人民政府（演示）');
    expect(inputValue(page.body, 'siteIdCode')).toBe('9901210001');
    expect(text).toContain('所属机构：安和县人民政府');
    expect(page.body).toContain('<code>anhe.localhost</code>');
    expect(text).toMatch(/子站 新建子站 .*城关镇（演示）/);
    expect(page.body).toContain('<caption>本站域名</caption>');
    const sub = await c.get(`/sites/${await siteId('anhe-cgz')}`);
    expect(inputValue(sub.body, 'siteIdCode')).toBeUndefined(); // a sub-site shows its parent's
    expect(visible(sub.body)).toContain('上级网站： 安和县人民政府（演示）');
    expect((await c.get('/sites/01a00000-0000-7000-8000-000000000000')).statusCode).toBe(404);
    expect((await c.get('/sites/not-a-uuid')).statusCode).toBe(400);
  });

  it('should save details, refuse a bad site identification code, and close and reopen a site', async () => {
    const id = await siteId('qingchuan-fgw');
    const saved = await c.post(`/sites/${id}`, { name: '青川市发展和改革委员会', siteIdCode: '9901000002', sponsor: '青川市发展和改革委员会办公室', icpNumber: '', psbNumber: '', contact: '0999-7654321' });
    expect([saved.statusCode, saved.headers.location]).toEqual([303, `/sites/${id}?ok=site.updated#details`]);
    expect((await h.t.db.selectFrom('site').select('contact').where('id', '=', id).executeTakeFirstOrThrow()).contact).toBe('0999-7654321');
    const bad = await c.post(`/sites/${id}`, { name: '青川市发改委', siteIdCode: '99-bad' });
    expect(bad.statusCode).toBe(400);
    expect(refusal(bad.body)).toContain('网站标识码：须为 10 位');
    expect(inputValue(bad.body, 'name')).toBe('青川市发改委');
    expect(refusal((await c.post(`/sites/${id}`, { name: ' ' })).body)).toContain('网站名称：不能为空');
    expect(refusal((await c.post(`/sites/${id}/close`, {})).body)).toContain('确认：请勾选以确认');
    const closed = await c.post(`/sites/${id}/close`, { confirm: '1' });
    expect(closed.headers.location).toBe(`/sites/${id}?ok=site.closed#status`);
    expect(visible((await c.get(closed.headers.location as string)).body)).toContain('网站已关闭。');
    expect((await pub('qingchuan-fgw.localhost', '/')).statusCode).toBe(404);
    expect((await c.post(`/sites/${id}/live`, {})).headers.location).toBe(`/sites/${id}?ok=site.live#status`);
    expect((await pub('qingchuan-fgw.localhost', '/')).statusCode).toBe(200);
    const parent = await c.post(`/sites/${await siteId('anhe')}/close`, { confirm: '1' });
    expect(refusal(parent.body)).toContain('网站：请先关闭其下属子站');
  });

  it('should add, promote and remove domains, refusing taken and reserved hosts', async () => {
    const id = await siteId('yunxi');
    expect((await c.post(`/sites/${id}/domains`, { host: 'WWW.Yunxi.Localhost.', role: 'alias' })).headers.location).toBe(`/sites/${id}?ok=domain.added#domains`);
    expect((await pub('www.yunxi.localhost', '/')).headers.location).toBe('http://yunxi.localhost:3000/');
    for (const [host, role, message] of [
      ['anhe.localhost', 'alias', '域名：已属于其他网站'], ['admin.localhost', 'alias', '域名：为平台管理后台保留'],
      ['not a host', 'alias', '域名：不是有效的域名'], ['ok.yunxi.localhost', 'primary', '用途：请从列表中选择'],
    ]) {
      const res = await c.post(`/sites/${id}/domains`, { host: host!, role: role! });
      expect([host, res.statusCode >= 400, refusal(res.body)]).toEqual([host, true, expect.stringContaining(message!)]);
      expect(inputValue(res.body, 'host')).toBe(host);
    }
    const domains = await h.t.db.selectFrom('site_domain').select(['id', 'host', 'role']).where('site_id', '=', id).execute();
    const alias = domains.find((d) => d.host === 'www.yunxi.localhost')!;
    const primary = domains.find((d) => d.role === 'primary')!;
    expect(refusal((await c.post(`/sites/${id}/domains/${primary.id}/remove`, {})).body)).toContain('域名：主域名不能删除');
    expect((await c.post(`/sites/${id}/domains/${alias.id}/primary`, {})).headers.location).toContain('ok=domain.primary');
    expect((await pub('yunxi.localhost', '/')).headers.location).toBe('http://www.yunxi.localhost:3000/');
    expect((await c.post(`/sites/${id}/domains/${primary.id}/remove`, {})).headers.location).toContain('ok=domain.removed');
    expect((await pub('yunxi.localhost', '/')).statusCode).toBe(404);
  });

  it('should show the column tree with channels, levels and up/down buttons', async () => {
    const page = await c.get(`/sites/${await siteId('prov')}/columns`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/<caption>栏目树，共 \d+ 个栏目，顶级栏目为频道<\/caption>/);
    expect(page.body).toMatch(/class="d0">[^<]*<span[^>]*><\/span>新闻动态 <span class="tag">频道<\/span>/);
    expect(page.body).toMatch(/class="d1">[^<]*<span[^>]*><\/span>要闻/);
    expect(page.body).toContain('aria-label="上移 要闻" title="上移 要闻">↑</button>');
    expect(page.body).toMatch(/value="up" class="icon-button" disabled aria-label="上移 新闻动态"/); // the first channel
  });

  it('should add, rename, reorder and move columns, refusing bad slugs and cycles', async () => {
    const id = await siteId('shiqiao');
    const xwdt = await column(id, '/xwdt/');
    const added = await c.post(`/sites/${id}/columns`, { parentId: xwdt.id, name: '石桥快讯', slug: 'sqkx', kind: 'news' });
    expect(added.headers.location).toMatch(new RegExp(`^/sites/${id}/columns\\?column=[0-9a-f-]{36}&ok=column.created#col-`));
    expect((await pub('shiqiao.localhost', '/xwdt/sqkx/')).statusCode).toBe(200);
    const sqkx = await column(id, '/xwdt/sqkx/');
    for (const [fields, message, field] of [
      [{ parentId: '', name: '搜索', slug: 'search', kind: 'news' }, '栏目路径（英文）：是平台保留路径', 'slug'],
      [{ parentId: xwdt.id, name: '重复', slug: 'sqkx', kind: 'news' }, '栏目路径（英文）：已被占用', 'slug'],
      [{ parentId: xwdt.id, name: '拼音', slug: '快讯', kind: 'news' }, '栏目路径（英文）：须为英文', 'slug'],
      [{ parentId: xwdt.id, name: '', slug: 'kong', kind: 'news' }, '栏目名称：不能为空', 'name'],
      [{ parentId: xwdt.id, name: '类型', slug: 'lx', kind: 'blog' }, '栏目类型：请从列表中选择', 'kind'],
      [{ parentId: '', name: '桃源', slug: 'tyx', kind: 'news' }, '栏目路径（英文）：已被子站的路径前缀占用', 'slug'], // 桃源乡's prefix
      [{ parentId: '01a00000-0000-7000-8000-000000000000', name: '无', slug: 'wu', kind: 'news' }, '上级栏目：所选栏目不存在或已被合并、关闭', 'parentId'],
    ] as const) {
      const res = await c.post(`/sites/${id}/columns`, fields);
      expect([fields.slug, res.statusCode >= 400, refusal(res.body)]).toEqual([fields.slug, true, expect.stringContaining(message)]);
      expect(new RegExp(`name="${field}"[^>]*aria-invalid="true"`).test(res.body)).toBe(true);
      expect(inputValue(res.body, 'name')).toBe(fields.name);
    }
    expect((await c.post(`/sites/${id}/columns/${sqkx.id}`, { name: '石桥要讯', kind: 'notice', description: '' })).headers.location).toContain('ok=column.updated');
    const renamed = await c.get(`/sites/${id}/columns?column=${sqkx.id}`);
    expect(inputValue(renamed.body, 'name')).toBe('石桥要讯');
    expect(selectedOption(renamed.body, 'kind')).toBe('notice');
    // The columns of 新闻动态, in display order.
    const order = async () => {
      const rows = [...(await c.get(`/sites/${id}/columns`)).body.matchAll(/class="d(\d)">[^<]*<span[^>]*><\/span>([^<]+)/g)].map((m) => [m[1], m[2]!.trim()]);
      const start = rows.findIndex(([, name]) => name === '新闻动态');
      const end = rows.findIndex(([d], i) => i > start && d === '0');
      return rows.slice(start + 1, end).filter(([d]) => d === '1').map(([, name]) => name);
    };
    const before = await order();
    expect(before.at(-1)).toBe('石桥要讯'); // added after its siblings
    const up = await c.post(`/sites/${id}/columns/${sqkx.id}/reorder`, { direction: 'up' });
    expect(up.headers.location).toBe(`/sites/${id}/columns?ok=column.reordered#col-${sqkx.id}`);
    expect((await order()).indexOf('石桥要讯')).toBe(before.length - 2);
    await c.post(`/sites/${id}/columns/${sqkx.id}/reorder`, { direction: 'down' });
    await c.post(`/sites/${id}/columns/${sqkx.id}/reorder`, { direction: 'down' }); // already last: nothing moves
    expect(await order()).toEqual(before);
    expect(refusal((await c.post(`/sites/${id}/columns/${sqkx.id}/reorder`, { direction: 'sideways' })).body)).toContain('排序方向：请从列表中选择');
    const zwgk = await column(id, '/zwgk/');
    const moved = await c.post(`/sites/${id}/columns/${sqkx.id}/move`, { parentId: zwgk.id });
    expect(moved.headers.location).toContain('ok=column.moved');
    expect((await pub('shiqiao.localhost', '/xwdt/sqkx/')).headers.location).toBe('/zwgk/sqkx/');
    const cycle = await c.post(`/sites/${id}/columns/${zwgk.id}/move`, { parentId: (await column(id, '/zwgk/sqkx/')).id });
    expect(refusal(cycle.body)).toContain('上级栏目：不能选择自身或其下级');
    expect(cycle.body).toContain('<select id="m-parent" name="parentId" aria-invalid="true" aria-describedby="m-parent-err">');
  });

  it('should merge a column (301 to the target) and close one (410), with their refusals', async () => {
    const id = await siteId('qingchuan');
    const [tpxw, yw, xwdt, zcjd] = await Promise.all(['/xwdt/tpxw/', '/xwdt/yw/', '/xwdt/', '/zwgk/zcwj/zcjd/'].map((p) => column(id, p)));
    expect(refusal((await c.post(`/sites/${id}/columns/${tpxw!.id}/merge`, { targetId: tpxw!.id })).body)).toContain('目标栏目：不能合并到栏目自身');
    expect(refusal((await c.post(`/sites/${id}/columns/${tpxw!.id}/merge`, { targetId: '' })).body)).toContain('目标栏目：不能为空');
    expect(refusal((await c.post(`/sites/${id}/columns/${xwdt!.id}/merge`, { targetId: yw!.id })).body)).toContain('栏目：请先合并、移动或关闭其下级栏目');
    const link = await column(id, '/bsfw/bmfw/');
    expect(refusal((await c.post(`/sites/${id}/columns/${tpxw!.id}/merge`, { targetId: link.id })).body)).toContain('目标栏目：外部链接栏目不能接收稿件');
    const merged = await c.post(`/sites/${id}/columns/${tpxw!.id}/merge`, { targetId: yw!.id });
    expect(merged.headers.location).toBe(`/sites/${id}/columns?ok=column.merged`);
    const redirect = await pub('qingchuan.localhost', '/xwdt/tpxw/');
    expect([redirect.statusCode, redirect.headers.location]).toEqual([301, '/xwdt/yw/']);
    expect(refusal((await c.post(`/sites/${id}/columns/${zcjd!.id}/close`, {})).body)).toContain('确认：请勾选以确认');
    expect(refusal((await c.post(`/sites/${id}/columns/${xwdt!.id}/close`, { confirm: '1' })).body)).toContain('请先合并、移动或关闭其下级栏目');
    const closed = await c.post(`/sites/${id}/columns/${zcjd!.id}/close`, { confirm: '1' });
    expect(closed.headers.location).toBe(`/sites/${id}/columns?ok=column.closed`);
    const gone = await pub('qingchuan.localhost', '/zwgk/zcwj/zcjd/');
    expect(gone.statusCode).toBe(410);
    const tree = visible((await c.get(closed.headers.location as string)).body);
    expect(tree).not.toContain('图片新闻');
    expect(tree).toContain('栏目已关闭，原网址返回 410。');
    expect((await c.post(`/sites/${id}/columns/${zcjd!.id}/close`, { confirm: '1' })).statusCode).toBe(404);
    const stale = await c.post(`/sites/${id}/columns/${yw!.id}/merge`, { targetId: tpxw!.id }); // merged meanwhile
    expect(refusal(stale.body)).toContain('目标栏目：不存在或已被合并、关闭');
  });

  it('should create a township sub-site under a county through the wizard', async () => {
    const county = await h.t.db.selectFrom('org_unit').select('id').where('name', '=', '石桥县人民政府').executeTakeFirstOrThrow();
    await c.post('/org-units', { parentId: county.id, level: 'township', name: '石桥县石门镇人民政府' });
    const town = await h.t.db.selectFrom('org_unit').select('id').where('name', '=', '石桥县石门镇人民政府').executeTakeFirstOrThrow();
    const parent = await siteId('shiqiao');
    const form = await c.get(`/sites/new?parent=${parent}&kind=sub_site`);
    expect(selectedOption(form.body, 'kind')).toBe('sub_site');
    expect(selectedOption(form.body, 'parentSiteId')).toBe(parent);
    const res = await c.post('/sites', { orgUnitId: town.id, kind: 'sub_site', code: 'shiqiao-smz', name: '石门镇', parentSiteId: parent, pathPrefix: 'smz', hosts: '', applyTemplate: '1', goLive: '1' });
    expect(res.statusCode).toBe(303);
    const page = await pub('shiqiao.localhost', '/smz/');
    expect([page.statusCode, page.body.includes('石门镇')]).toEqual([200, true]);
    expect(visible((await c.get(`/sites/${parent}`)).body)).toContain('石门镇');
  });
});
