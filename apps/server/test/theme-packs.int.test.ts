// The two built-in packs on the demo province (issue 6): the county pack's home (picture news
// without script, headlines, notices and policies, the three entrances, topic banners, superior
// and sibling sites), share links on articles and the language switch in both packs.
import { Readable } from 'node:stream';
import { crc32, deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadAttachment } from '@zhanqun/content/attachment/attachment.service';
import { createDraft, publishRevision } from '@zhanqun/content/article.service';
import type { ServiceContext } from '@zhanqun/audit/context';
import { seedDemoProvince } from '@zhanqun/demo/demo-province';
import { sql } from 'kysely';
import { inScope } from '@zhanqun/db/scope';
import { removePartialOverride, setPartialOverride, setSiteTheme } from '@zhanqun/render/site-theme.service';
import { checkThemeSync } from '@zhanqun/render/theme-check';
import { THEMES_DIR } from '@zhanqun/render/theme';
import { createColumn } from '@zhanqun/tenancy/column.service';
import { platformAdminScope } from '@zhanqun/tenancy/platform.service';
import { updateSite } from '@zhanqun/tenancy/site.service';
import { decode, visible } from './console-helper.js';
import { build, type TestApp } from './helper.js';

/** A small solid-colour PNG (16 × 9), for a cover image. */
function png(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(16, 0);
  ihdr.writeUInt32BE(9, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(16 * 3, 0x5a)]);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(Array.from({ length: 9 }, () => row)))), chunk('IEND', Buffer.alloc(0))]);
}

describe('the built-in theme packs', () => {
  let h: TestApp;
  let ctx: ServiceContext;
  const get = (host: string, url = '/') => h.app.inject({ method: 'GET', url, headers: { host: `${host}:3000` } });
  const site = (code: string) => h.t.db.selectFrom('site').select(['id', 'theme']).where('code', '=', code).executeTakeFirstOrThrow();
  const liveArticle = async (code: string) => (await h.t.db.selectFrom('article').select('url_path').where('site_id', '=', (await site(code)).id)
    .where('live', '=', true).orderBy('url_path').executeTakeFirstOrThrow()).url_path!;

  beforeAll(async () => {
    h = await build();
    await seedDemoProvince(h.t.db, h.clock);
    const platform = (await h.t.db.selectFrom('site').select('platform_id').where('code', '=', 'prov').executeTakeFirstOrThrow()).platform_id;
    ctx = { db: h.t.db, clock: h.clock, actor: { userId: null, label: 'test:theme-packs' }, scope: await platformAdminScope(h.t.db, platform) };
  });
  afterAll(async () => { await h.close(); });

  it('should pass the validator with no fatal finding, both of them', () => {
    for (const name of ['default', 'county']) expect(checkThemeSync(`${THEMES_DIR}${name}`).findings.filter((f) => f.severity !== 'warning')).toEqual([]);
  });

  it('should dress county and department sites of the demo in the county pack, the others in the default one', async () => {
    expect(Object.fromEntries(await Promise.all(['prov', 'qingchuan', 'anhe', 'anhe-cgz', 'qingchuan-fgw', 'prov-wjw', 'shiqiao'].map(async (c) => [c, (await site(c)).theme]))))
      .toEqual({ prov: 'default', qingchuan: 'default', anhe: 'county', 'anhe-cgz': 'county', 'qingchuan-fgw': 'county', 'prov-wjw': 'county', shiqiao: 'default' });
    // Each pack's home shows what its templates name: the default pack its blocks, the county pack its settings' blocks and related sites.
    const prov = visible((await get('prov.localhost')).body);
    expect(prov).toMatch(/通知公告 关于[^]*更多通知公告/);
    expect(prov).not.toContain('上级网站');
  });

  it('should render a county home: banner, channels, picture news, headlines, notices, entrances, topics, superior sites', async () => {
    const res = await get('anhe.localhost');
    expect(res.statusCode).toBe(200);
    const html = decode(res.body);
    const text = visible(res.body);
    expect(html).toContain('<link rel="stylesheet" href="/_assets/county/site.css">');
    expect(html).toContain('/_assets/_vars.css?primary_color=0b4f9c&accent_color=c8161d');
    expect(html).toMatch(/<p class="site-name"><a href="\/">安和县人民政府（演示）<\/a><\/p>/);
    expect(html).toContain('<p class="slogan">山水安和 宜居宜业</p>');
    expect(html).toMatch(/<nav class="site-nav" aria-label="主导航">[\s\S]*新闻动态[\s\S]*政府信息公开[\s\S]*互动交流[\s\S]*办事服务/);
    // Picture news: slides a fragment link reaches without script, one per 要闻 item.
    const slides = [...html.matchAll(/<li class="slide" id="(zq-slide-0-\d+)">/g)].map((m) => m[1]);
    expect(slides.length).toBeGreaterThan(0);
    for (const id of slides) expect(html).toContain(`href="#${id}"`);
    expect(html).toMatch(/<section class="headlines"[\s\S]*<p class="headline"><a href="\/xwdt\/yw\/\d{6}\/t\d{8}_\d+\.html">/);
    for (const name of ['通知公告', '政策文件', '政策解读', '部门动态']) expect(text).toContain(`${name} 更多 ${name}`);
    expect(html).toMatch(/class="entrance-name" href="\/zwgk\/">[\s\S]*政府信息公开<\/a>/);
    expect(html).toMatch(/class="entrance-name" href="\/hdjl\/">[\s\S]*领导信箱/);
    expect(html).toMatch(/class="topic-banner" href="\/zwgk\/zdly\/xczx\/">[\s\S]*乡村振兴/);
    expect(text).toMatch(/上级网站 演示省人民政府（演示） 青川市人民政府（演示）/);
    expect(html).toContain('<a href="//prov.localhost:3000/">演示省人民政府（演示）</a>');
    expect(text).toContain('网站标识码：9901210001');
    expect(html).not.toMatch(/<script(?![^>]*src=)/); // no inline script (CSP)
  });

  it('should show picture news with the cover image of a live article, and serve that cover publicly', async () => {
    const anhe = await site('anhe');
    const yw = await h.t.db.selectFrom('site_column').select('id').where('site_id', '=', anhe.id).where('path', '=', '/xwdt/yw/').executeTakeFirstOrThrow();
    const cover = await uploadAttachment(ctx, anhe.id, { filename: '封面.png', stream: Readable.from([png()]) }, { store: h.app.blobs, maxBytes: h.app.config.maxUploadBytes });
    const draft = await createDraft(ctx, anhe.id, { columnId: yw.id, title: '安和县图片新闻封面测试', bodyHtml: '<p>图片新闻。</p>', coverAttachmentId: cover.id });
    expect((await get('anhe.localhost', `/_files/${cover.id}/cover`)).statusCode).toBe(404); // not live yet
    await publishRevision(ctx, anhe.id, draft.id, { publishedAt: h.clock.now() });
    const html = decode((await get('anhe.localhost')).body);
    expect(html).toMatch(new RegExp(`<li class="slide" id="zq-slide-0-0">\\s*<a href="[^"]+">\\s*<img src="/_files/${cover.id}/cover" alt="" loading="lazy">\\s*<span class="slide-caption">安和县图片新闻封面测试</span>`));
    const file = await get('anhe.localhost', `/_files/${cover.id}/cover`);
    expect([file.statusCode, file.headers['content-type']]).toEqual([200, 'image/png']);
  });

  it('should show a banner image from the site\'s own image attachments, and serve it while the setting names it', async () => {
    const anhe = await site('anhe');
    const shiqiao = await site('shiqiao');
    const upload = (siteId: string, filename: string, bytes: Buffer) => uploadAttachment(ctx, siteId, { filename, stream: Readable.from([bytes]) }, { store: h.app.blobs, maxBytes: h.app.config.maxUploadBytes });
    const banner = await upload(anhe.id, 'banner.png', png());
    const elsewhere = await upload(shiqiao.id, 'banner.png', png());
    const path = `/_files/${banner.id}/banner.png`;
    expect((await get('anhe.localhost', path)).statusCode).toBe(404); // nothing shows it yet
    await expect(setSiteTheme(ctx, anhe.id, { theme: 'county', settings: { banner_image: `/_files/${elsewhere.id}/banner.png` } }))
      .rejects.toMatchObject({ field: 'settings.banner_image' }); // another site's file
    await expect(setSiteTheme(ctx, anhe.id, { theme: 'county', settings: { banner_image: '/_files/not-an-id/banner.png' } })).rejects.toMatchObject({ field: 'settings.banner_image' });
    await setSiteTheme(ctx, anhe.id, { theme: 'county', settings: { slogan: '山水安和 宜居宜业', banner_image: path } });
    expect(decode((await get('anhe.localhost')).body)).toContain(`<img class="banner-image" src="${path}" alt="">`);
    expect((await get('anhe.localhost', path)).headers['content-type']).toBe('image/png');
    await setSiteTheme(ctx, anhe.id, { theme: 'county', settings: { slogan: '山水安和 宜居宜业' } });
    expect((await get('anhe.localhost', path)).statusCode).toBe(404); // no longer shown, no longer served

    // The site's own version of a partial showing one of its images: served while that version is there.
    const qr = await upload(anhe.id, 'qr.png', png());
    const qrPath = `/_files/${qr.id}/qr.png`;
    expect((await get('anhe.localhost', qrPath)).statusCode).toBe(404);
    await setPartialOverride(ctx, anhe.id, { theme: 'county', name: 'share', source: `<p class="share"><img src="${qrPath}" alt="微信二维码"></p>` });
    expect((await get('anhe.localhost', qrPath)).headers['content-type']).toBe('image/png');
    expect((await get('shiqiao.localhost', qrPath)).statusCode).toBe(404); // another site's host serves none of anhe's files
    await removePartialOverride(ctx, anhe.id, 'county', 'share');
    expect((await get('anhe.localhost', qrPath)).statusCode).toBe(404);
  });

  it('should link sub-sites to their parent and to each other, and take their own settings', async () => {
    const html = decode((await get('anhe.localhost', '/cgz/')).body);
    expect(html).toContain('primary_color=8a3b12');
    expect(visible(html)).toMatch(/上级网站 演示省人民政府（演示） 青川市人民政府（演示） 安和县人民政府（演示）/);
    expect(html).toContain('<a href="//anhe.localhost:3000/jyj/">安和县教育局（演示）</a>');
  });

  it('should answer superior and sibling sites under row-level security too, from a public scope of one site', async () => {
    const cgz = await site('anhe-cgz');
    const directory = () => inScope(h.t.db, { kind: 'public', siteIds: [cgz.id] }, async (trx) => ({
      rows: (await sql<{ relation: string; name: string }>`select relation, name from zhanqun_site_directory(${cgz.id})`.execute(trx)).rows,
      // The caller's scope is back once the function returns: still one site, public.
      after: (await trx.selectFrom('site').select('code').execute()).map((r) => r.code),
    }));
    const expected = {
      rows: [['superior', '演示省人民政府（演示）'], ['superior', '青川市人民政府（演示）'], ['superior', '安和县人民政府（演示）'], ['sibling', '安和县教育局（演示）']],
      after: ['anhe-cgz'],
    };
    const asRows = (r: Awaited<ReturnType<typeof directory>>) => ({ rows: r.rows.map((x) => [x.relation, x.name]), after: r.after });
    expect(asRows(await directory())).toEqual(expected);
    // In production the owner of the schema is no superuser and row-level security is forced on it:
    // owned by a role that cannot bypass it, the function still answers (it scopes itself).
    const owner = (await sql<{ u: string }>`select current_user as u`.execute(h.t.db)).rows[0]!.u;
    await sql`alter function zhanqun_site_directory(uuid) owner to zhanqun_app`.execute(h.t.db);
    try {
      expect(asRows(await directory())).toEqual(expected);
    } finally {
      // Back to the migration's owner; the app role's grant went with the ownership and is given back.
      await sql.raw(`alter function zhanqun_site_directory(uuid) owner to "${owner}"`).execute(h.t.db);
      await sql`grant execute on function zhanqun_site_directory(uuid) to zhanqun_app`.execute(h.t.db);
    }
  });

  it('should offer Weibo and WeChat sharing on articles without any third-party script, in both packs', async () => {
    for (const code of ['anhe', 'prov']) {
      const path = await liveArticle(code);
      const html = decode((await get(`${code}.localhost`, path)).body);
      const weibo = /<a class="share-weibo" href="([^"]+)"/.exec(html)?.[1];
      expect(weibo, code).toBeDefined();
      const url = new URL(weibo!);
      expect(url.origin + url.pathname).toBe('https://service.weibo.com/share/share.php');
      expect(url.searchParams.get('url')).toBe(`http://${code}.localhost:3000${path}`);
      expect(url.searchParams.get('title')).toContain('（演示）');
      expect(html).toContain(`<span class="share-url">http://${code}.localhost:3000${path}</span>`);
      expect([...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1])).toEqual(['/_assets/_zq/a11y-init.js', '/_assets/_zq/a11y.js']);
    }
  });

  it('should switch languages in the top bar once a site has a foreign-language version', async () => {
    expect(decode((await get('yunxi.localhost')).body)).not.toContain('class="lang-switch"');
    const yunxi = await site('yunxi');
    await updateSite(ctx, yunxi.id, { locales: ['en'] });
    expect(decode((await get('yunxi.localhost')).body)).not.toContain('class="lang-switch"'); // no /en/ tree yet: nothing to switch to
    await createColumn(ctx, yunxi.id, { slug: 'en', name: 'English', kind: 'news' });
    const zh = decode((await get('yunxi.localhost')).body);
    expect(zh).toMatch(/<nav class="lang-switch" aria-label="语言 Language">[\s\S]*<a href="\/" lang="zh-CN" hreflang="zh-CN" aria-current="true">中文<\/a>[\s\S]*<a href="\/en\/" lang="en" hreflang="en">English<\/a>/);
    const en = decode((await get('yunxi.localhost', '/en/')).body);
    expect(en).toContain('<html lang="en"');
    expect(en).toMatch(/<a href="\/en\/" lang="en" hreflang="en" aria-current="true">English<\/a>/);
  });

  it('should give a foreign-language version its own navigation, and keep it out of the Chinese one', async () => {
    const yunxi = await site('yunxi');
    const root = await h.t.db.selectFrom('site_column').select('id').where('site_id', '=', yunxi.id).where('path', '=', '/en/').executeTakeFirstOrThrow();
    await createColumn(ctx, yunxi.id, { parentId: root.id, slug: 'news', name: 'News', kind: 'news' });
    await createColumn(ctx, yunxi.id, { parentId: root.id, slug: 'about', name: 'About', kind: 'page' });
    const nav = (html: string) => [.../<nav class="site-nav"[\s\S]*?<\/nav>/.exec(html)![0].matchAll(/<a href="([^"]+)"[^>]*>([^<]+)<\/a>/g)].map((m) => `${m[2]} ${m[1]}`);
    expect(nav(decode((await get('yunxi.localhost')).body))).toEqual(['首页 /', '新闻动态 /xwdt/', '政府信息公开 /zwgk/', '互动交流 /hdjl/', '办事服务 /bsfw/']);
    const en = decode((await get('yunxi.localhost', '/en/news/')).body);
    expect(en).toContain('<html lang="en"');
    expect(nav(en)).toEqual(['Home /en/', 'News /en/news/', 'About /en/about/']);
    // The pack's words in the version's language (locales/en.json); the accessibility toolbar stays Chinese on every page.
    expect(visible(en)).toMatch(/You are here:\s*Home\s*>\s*News/);
    expect(en).toContain('<a class="skip-link" href="#main">Skip to main content</a>');
    expect(en).toContain('<nav class="site-nav" aria-label="Main navigation">');
    expect(en).toContain('<li class="empty">Nothing here yet</li>');
    expect(en).toContain('data-zq-mode="elder" aria-pressed="false">长辈模式</button>');
    expect(visible(decode((await get('yunxi.localhost', '/xwdt/')).body))).toMatch(/当前位置：\s*首页\s*>\s*新闻动态/);
  });
});
