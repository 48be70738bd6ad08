// The console's theme page (issue 6): a site admin picks a pack and sets its settings with a live
// preview of the home page (without script: the 预览 button posts into the frame), saves with
// CSRF, is refused a pack the validator refuses (findings as file:line), and never sees or
// changes another site's theme.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoProvince } from '@zhanqun/demo/demo-province';
import { THEMES_DIR } from '@zhanqun/render/theme';
import { ConsoleClient, decode, refusal, visible } from './console-helper.js';
import { build, type TestApp } from './helper.js';

const BROKEN = `zq-test-broken-${process.pid}`;

describe('the console: a site\'s theme and settings', () => {
  let h: TestApp;
  let admin: ConsoleClient;
  const ids: Record<string, string> = {};
  const site = (code: string) => h.t.db.selectFrom('site').select(['theme']).where('code', '=', code).executeTakeFirstOrThrow();
  const stored = (code: string) => h.t.db.selectFrom('site_theme_setting').select(['theme', 'settings']).where('site_id', '=', ids[code]!).orderBy('theme').execute();
  let token = '';
  /** A form post as the browser sends it, with the CSRF token of the theme page (a site admin has no /org-units page to take it from). */
  const post = async (url: string, fields: Record<string, string | string[]>, opts: { csrf?: boolean } = {}) => {
    if (!token) token = /name="_csrf" value="([^"]+)"/.exec((await admin.get(`/sites/${ids.qingchuan}/theme`)).body)![1]!;
    const body = new URLSearchParams();
    if (opts.csrf !== false) body.append('_csrf', token);
    for (const [k, v] of Object.entries(fields)) for (const x of [v].flat()) body.append(k, x);
    return h.app.inject({ method: 'POST', url, cookies: admin.cookies, payload: body.toString(), headers: { host: 'admin.localhost:3000', 'content-type': 'application/x-www-form-urlencoded' } });
  };
  const pub = (code: string) => h.app.inject({ method: 'GET', url: '/', headers: { host: `${code}.localhost:3000` } });

  beforeAll(async () => {
    // A pack the validator refuses: an unknown helper and a layout without {{zq_foot}}.
    const dir = join(THEMES_DIR, BROKEN);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'theme.json'), JSON.stringify({ name: BROKEN, version: '1.0.0', engines: { zhanqun: '^0.1.0' } }));
    writeFileSync(join(dir, 'layout.hbs'), '<html><head>{{zq_head}}</head>\n<body>{{body}}\n{{gov_footer}}</body></html>\n');
    writeFileSync(join(dir, 'home.hbs'), '<h1>{{site.name}}</h1>\n{{no_such_helper site}}\n');
    for (const t of ['column', 'article', 'error-404', 'error-410']) writeFileSync(join(dir, `${t}.hbs`), '<p>x</p>\n');
    h = await build();
    await seedDemoProvince(h.t.db, h.clock);
    for (const s of await h.t.db.selectFrom('site').select(['id', 'code']).execute()) ids[s.code] = s.id;
    admin = await ConsoleClient.withSession(h.app, h.t.db, 'zhanzhang', h.clock); // 青川市's site admin
  });
  afterAll(async () => {
    rmSync(join(THEMES_DIR, BROKEN), { recursive: true, force: true });
    await h?.close();
  });

  it('should show the packs, the settings of the chosen one and a preview frame, in Chinese and in English', async () => {
    const page = await admin.get(`/sites/${ids.qingchuan}/theme`);
    expect(page.statusCode).toBe(200);
    const html = decode(page.body);
    expect(visible(html)).toContain('主题与设置');
    expect(html).toMatch(/<option value="default" selected>政务通用（简版）（default）（正在使用）<\/option>/);
    expect(html).toMatch(/<option value="county">县区部门（政务蓝）（county）<\/option>/);
    expect(html).toMatch(new RegExp(`<option value="${BROKEN}">[^<]*（校验未通过，不能启用）</option>`));
    expect(html).toContain('<input type="color" id="set-primary_color" name="s.primary_color" value="#b31b1b"');
    expect(html).toContain(`<iframe name="zq-theme-preview" src="/sites/${ids.qingchuan}/theme/preview?theme=default"`);
    expect(html).toContain(`formaction="/sites/${ids.qingchuan}/theme/preview" formtarget="zq-theme-preview"`);
    const county = decode((await admin.get(`/sites/${ids.qingchuan}/theme?theme=county`)).body);
    expect(county).toContain('<input type="hidden" name="theme" value="county">');
    expect(county).toMatch(/<textarea id="set-news_columns" name="s.news_columns"[^>]*>\/xwdt\/yw\/\n\/xwdt\/bmdt\/\n\/xwdt\/xzdt\/<\/textarea>/);
    expect(county).toContain('<input type="checkbox" id="set-show_carousel" name="s.show_carousel" value="true" checked>');
    expect(county).toContain('<option value="center">center</option>');
    const english = visible((await admin.get(`/sites/${ids.qingchuan}/theme?lang=en&theme=county`)).body);
    expect(english).toContain('Theme and settings');
    expect(english).toContain('Slogan under the site\'s name slogan'); // the pack's own English label (locales/en.json)
    await admin.get(`/sites/${ids.qingchuan}/theme?lang=zh-CN`); // the console remembers the language: back to Chinese
  });

  it('should preview the home page with unsaved settings, on the admin host only, and save nothing', async () => {
    const saved = await admin.get(`/sites/${ids.qingchuan}/theme/preview`);
    expect(saved.statusCode).toBe(200);
    expect(saved.headers['x-robots-tag']).toBe('noindex, nofollow');
    expect(saved.headers['cache-control']).toBe('no-store');
    expect(decode(saved.body)).toContain('<link rel="stylesheet" href="/_assets/default/site.css">');
    const unsaved = await post(`/sites/${ids.qingchuan}/theme/preview`, {
      theme: 'county', 's.primary_color': '#225588', 's.slogan': '预览标语', 's.show_carousel': 'false', 's.news_columns': '/xwdt/tzgg/',
    });
    expect(unsaved.statusCode).toBe(200);
    const html = decode(unsaved.body);
    expect(html).toContain('<link rel="stylesheet" href="/_assets/county/site.css">');
    expect(html).toContain('/_assets/_vars.css?primary_color=225588&accent_color=c8161d');
    expect(html).toContain('<p class="slogan">预览标语</p>');
    expect(html).not.toContain('class="carousel"');
    expect(html).toMatch(/<section class="headlines"[\s\S]*>通知公告<\/a>/);
    expect(html).toContain('预览：此页面为未发布内容或未保存的设置');
    // The preview's stylesheets answer on the admin host too.
    const css = await admin.get('/_assets/county/site.css');
    expect([css.statusCode, css.headers['content-type']]).toEqual([200, 'text/css; charset=utf-8']);
    expect((await admin.get('/_assets/_vars.css?primary_color=225588')).body).toContain('--zq-primary-color: #225588;');
    expect(await stored('qingchuan')).toEqual([]);
    expect((await site('qingchuan')).theme).toBe('default');
    const bad = await post(`/sites/${ids.qingchuan}/theme/preview`, { theme: 'county', 's.primary_color': 'navy' });
    expect(bad.statusCode).toBe(400);
    expect(visible(bad.body)).toContain('须为 #rrggbb 形式的颜色');
  });

  it('should open the preview\'s links on the public site in a new window, and keep in-page links in the preview', async () => {
    const html = decode((await admin.get(`/sites/${ids.qingchuan}/theme/preview?theme=county`)).body);
    const links = [...html.matchAll(/<a\b([^>]*)>/g)].map((m) => m[1]!).filter((attrs) => /\shref=/.test(attrs));
    expect(links.length).toBeGreaterThan(20);
    for (const attrs of links) {
      const href = /\shref="([^"]*)"/.exec(attrs)![1]!;
      if (href.startsWith('#')) {
        expect(attrs, href).not.toContain('target='); // the skip link and the carousel's dots move within the preview
      } else {
        expect(href, attrs).toMatch(/^https?:\/\/(?!admin\.localhost)/); // never a console path of the admin host
        expect(attrs, href).toMatch(/ target="_blank"/);
      }
    }
    expect(html).toContain('<a class="skip-link" href="#main">');
    expect(html).toMatch(/<form class="search" role="search" action="http:\/\/qingchuan\.localhost:3000\/_search\/" method="get" target="_blank" rel="noopener">/);
    // Superior sites on their own hosts, with the port the console answers on (as the public site links them).
    expect(html).toContain('<a href="http://prov.localhost:3000/" target="_blank" rel="noopener">演示省人民政府（演示）</a>');
    // Each link is the real public page: a channel and an article of the site answer on its host.
    const column = /href="http:\/\/qingchuan\.localhost:3000(\/xwdt\/)"/.exec(html)![1]!;
    const article = /href="http:\/\/qingchuan\.localhost:3000(\/xwdt\/yw\/\d{6}\/t\d{8}_\d+\.html)"/.exec(html)![1]!;
    for (const path of [column, article]) {
      expect((await h.app.inject({ method: 'GET', url: path, headers: { host: 'qingchuan.localhost:3000' } })).statusCode, path).toBe(200);
    }
  });

  it('should refuse bad values naming the setting, keep what was typed, and change nothing', async () => {
    const res = await post(`/sites/${ids.qingchuan}/theme`, {
      theme: 'county', 's.primary_color': '#225588', 's.news_columns': '/xwdt/yw/\n/no-such/', 's.banner_align': 'center',
    });
    expect(res.statusCode).toBe(400);
    expect(refusal(res.body)).toContain('新闻栏目：第一个为头条要闻，其余在下方并列 (news_columns)：本站没有这些栏目：/no-such/');
    expect(res.body).toMatch(/<textarea id="set-news_columns" name="s.news_columns"[^>]*aria-invalid="true">\/xwdt\/yw\/\n\/no-such\/<\/textarea>/);
    expect(decode(res.body)).toContain('<option value="center" selected>center</option>');
    expect(refusal((await post(`/sites/${ids.qingchuan}/theme`, { theme: 'county', 's.banner_align': 'right' })).body)).toContain('须为列出的选项之一');
    expect(refusal((await post(`/sites/${ids.qingchuan}/theme`, { theme: 'no-such-pack' })).body)).toContain('主题包：没有安装这个主题包');
    expect(await stored('qingchuan')).toEqual([]);
    expect((await site('qingchuan')).theme).toBe('default');
  });

  it('should refuse a pack the validator refuses, showing its findings as file:line', async () => {
    const res = await post(`/sites/${ids.qingchuan}/theme`, { theme: BROKEN });
    expect(res.statusCode).toBe(400);
    const text = visible(res.body);
    expect(text).toContain('此主题包未通过校验，不能启用');
    expect(text).toContain('home.hbs:2 ZQ-T012 未知 helper no_such_helper');
    expect(text).toContain('layout.hbs ZQ-T015 布局缺少 {{zq_foot}}');
    expect((await site('qingchuan')).theme).toBe('default');
  });

  it('should save and activate a pack with its settings, and the public site shows it', async () => {
    const res = await post(`/sites/${ids.qingchuan}/theme`, {
      theme: 'county', 's.primary_color': '#225588', 's.slogan': '青川欢迎您', 's.show_carousel': ['false', 'true'], 's.news_columns': '/xwdt/yw/\n/xwdt/tzgg/',
    });
    expect([res.statusCode, res.headers.location]).toEqual([303, `/sites/${ids.qingchuan}/theme?ok=site.theme`]);
    expect(await stored('qingchuan')).toEqual([{ theme: 'county', settings: { primary_color: '#225588', slogan: '青川欢迎您', show_carousel: true, news_columns: ['/xwdt/yw/', '/xwdt/tzgg/'] } }]);
    expect((await site('qingchuan')).theme).toBe('county');
    const html = decode((await pub('qingchuan')).body);
    expect(html).toContain('/_assets/county/site.css');
    expect(html).toContain('primary_color=225588');
    expect(html).toContain('<p class="slogan">青川欢迎您</p>');
    expect(visible((await admin.get(res.headers.location as string)).body)).toContain('主题与设置已保存');
    // Back to the default pack: the county values stay for a later return.
    await post(`/sites/${ids.qingchuan}/theme`, { theme: 'default', 's.primary_color': '#b31b1b' });
    expect((await site('qingchuan')).theme).toBe('default');
    expect((await stored('qingchuan')).map((r) => r.theme)).toEqual(['county', 'default']);
  });

  it('should let a site override a partial of its pack, checked like a pack and stricter, on its own pages only', async () => {
    const article = async (code: string) => {
      const path = (await h.t.db.selectFrom('article').select('url_path').where('site_id', '=', ids[code]!).where('live', '=', true).orderBy('url_path').executeTakeFirstOrThrow()).url_path!;
      return decode((await h.app.inject({ method: 'GET', url: path, headers: { host: `${code}.localhost:3000` } })).body);
    };
    const page = decode((await admin.get(`/sites/${ids.qingchuan}/theme?theme=default&partial=share`)).body);
    expect(page).toMatch(/<textarea id="partial-source" name="source"[^>]*>\{\{!-- Share links without any third-party script/);
    const bad = await post(`/sites/${ids.qingchuan}/theme/partials`, { theme: 'default', name: 'share', source: '<p>分享</p>\n<script src="/x.js"></script>\n<p>{{{site.name}}}</p>' });
    expect(bad.statusCode).toBe(400);
    const text = visible(bad.body);
    expect(text).toContain('此局部模板未通过校验，未保存');
    expect(text).toContain('partials/share.hbs:2 ZQ-T019 站点局部模板不得包含 <script> 脚本');
    expect(text).toContain('partials/share.hbs:3 ZQ-T018');
    expect(bad.body).toContain('aria-invalid="true">&lt;p&gt;分享&lt;/p&gt;'); // what was typed is kept
    expect(await h.t.db.selectFrom('site_partial_override').select('name').execute()).toEqual([]);

    const own = '{{#if article.share}}<p class="share own-share">本站自定义分享：<a href="{{article.share.weibo}}">微博</a></p>{{/if}}';
    const saved = await post(`/sites/${ids.qingchuan}/theme/partials`, { theme: 'default', name: 'share', source: own });
    expect([saved.statusCode, saved.headers.location]).toEqual([303, `/sites/${ids.qingchuan}/theme?theme=default&partial=share&ok=site.partial#partials`]);
    expect(await article('qingchuan')).toContain('<p class="share own-share">本站自定义分享：');
    expect(await article('prov')).not.toContain('own-share'); // same pack, another site: its own partial
    expect(await article('prov')).toContain('<section class="share"');
    const removed = await post(`/sites/${ids.qingchuan}/theme/partials/remove`, { theme: 'default', name: 'share' });
    expect(removed.headers.location).toContain('ok=site.partial_removed');
    expect(await article('qingchuan')).not.toContain('own-share');
    // Another site's partials are out of reach.
    expect((await post(`/sites/${ids.anhe}/theme/partials`, { theme: 'county', name: 'share', source: own })).statusCode).toBeGreaterThanOrEqual(400);
    expect(await h.t.db.selectFrom('site_partial_override').select('name').execute()).toEqual([]);
  });

  it('should not let a site admin see or change another site\'s theme', async () => {
    const before = { theme: (await site('anhe')).theme, rows: await stored('anhe') };
    expect((await admin.get(`/sites/${ids.anhe}/theme`)).statusCode).toBe(404);
    expect((await admin.get(`/sites/${ids.anhe}/theme/preview`)).statusCode).toBe(404);
    expect((await post(`/sites/${ids.anhe}/theme/preview`, { theme: 'county' })).statusCode).toBe(404);
    const write = await post(`/sites/${ids.anhe}/theme`, { theme: 'default', 's.primary_color': '#000000' });
    expect(write.statusCode).toBeGreaterThanOrEqual(400);
    expect(write.statusCode).toBeLessThan(500);
    expect(visible(write.body)).not.toContain('安和县');
    expect({ theme: (await site('anhe')).theme, rows: await stored('anhe') }).toEqual(before);
    // Without the CSRF token nothing is saved either.
    expect((await post(`/sites/${ids.qingchuan}/theme`, { theme: 'county' }, { csrf: false })).statusCode).toBe(403);
    expect((await site('qingchuan')).theme).toBe('default');
  });
});
