// Theme settings per site (issue 6): values checked against the pack's vocabulary and stored per
// site under row-level security; every render gets its own site's values; a change evicts that
// site's cached pages only (the database's NOTIFY), and no site admin reaches another site's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceContext } from '@zhanqun/audit/context';
import { seedDemoProvince } from '@zhanqun/demo/demo-province';
import { setSiteTheme, siteSettings } from '@zhanqun/render/site-theme.service';
import { platformAdminScope } from '@zhanqun/tenancy/platform.service';
import { inScope } from '@zhanqun/db/scope';
import { decode } from './console-helper.js';
import { build, type TestApp } from './helper.js';

describe('theme settings per site', () => {
  let h: TestApp;
  let admin: ServiceContext;
  const ids: Record<string, string> = {};
  const get = (code: string, url = '/') => h.app.inject({ method: 'GET', url, headers: { host: `${code}.localhost:3000` } });
  const siteCtx = (code: string): ServiceContext => ({ ...admin, scope: { kind: 'sites', siteIds: [ids[code]!] } });
  const stored = async (code: string) => (await h.t.db.selectFrom('site_theme_setting').select(['theme', 'settings']).where('site_id', '=', ids[code]!).execute());

  async function until(what: () => Promise<boolean>): Promise<void> {
    for (let i = 0; i < 100 && !(await what()); i++) await new Promise((r) => setTimeout(r, 20));
    expect(await what()).toBe(true);
  }

  beforeAll(async () => {
    h = await build({ PAGE_CACHE_MB: '16' });
    await seedDemoProvince(h.t.db, h.clock);
    for (const s of await h.t.db.selectFrom('site').select(['id', 'code']).execute()) ids[s.code] = s.id;
    const platform = (await h.t.db.selectFrom('site').select('platform_id').where('code', '=', 'prov').executeTakeFirstOrThrow()).platform_id;
    admin = { db: h.t.db, clock: h.clock, actor: { userId: null, label: 'test:theme-settings' }, scope: await platformAdminScope(h.t.db, platform) };
  });
  afterAll(async () => { await h.close(); });

  it('should render the defaults, then a site\'s own colour through the settings stylesheet', async () => {
    const before = decode((await get('yunxi')).body);
    expect(before).toContain('<link rel="stylesheet" href="/_assets/_vars.css?primary_color=b31b1b">');
    const css = await get('yunxi', '/_assets/_vars.css?primary_color=1a5fb4');
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.headers['cache-control']).toContain('immutable');
    expect(css.headers['content-security-policy']).toContain("default-src 'self'");
    expect(css.body).toContain('--zq-primary-color: #1a5fb4;');

    await setSiteTheme(siteCtx('yunxi'), ids.yunxi!, { theme: 'default', settings: { primary_color: '#1A5FB4' } });
    expect(await stored('yunxi')).toEqual([{ theme: 'default', settings: { primary_color: '#1a5fb4' } }]);
    const audit = await h.t.db.selectFrom('audit_log_entry').select(['action', 'after']).where('site_id', '=', ids.yunxi!).where('action', '=', 'site.theme').execute();
    expect(audit).toHaveLength(1);
    await until(async () => decode((await get('yunxi')).body).includes('/_assets/_vars.css?primary_color=1a5fb4'));
  });

  it('should refuse values outside the vocabulary with the field named, and change nothing', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ primary_color: 'blue' }, 'settings.primary_color'],
      [{ primary_color: '#12345' }, 'settings.primary_color'],
      [{ logo: '/x.png' }, 'settings.logo'],
    ];
    for (const [settings, field] of cases) {
      await expect(setSiteTheme(siteCtx('yunxi'), ids.yunxi!, { theme: 'default', settings })).rejects.toMatchObject({ code: 'ZQ_VALIDATION', field });
    }
    await expect(setSiteTheme(siteCtx('yunxi'), ids.yunxi!, { theme: 'no-such-pack', settings: {} })).rejects.toMatchObject({ field: 'theme' });
    await expect(setSiteTheme(siteCtx('yunxi'), ids.yunxi!, { theme: '../default', settings: {} })).rejects.toMatchObject({ field: 'theme' });
    expect(await stored('yunxi')).toEqual([{ theme: 'default', settings: { primary_color: '#1a5fb4' } }]);
  });

  it('should keep each site\'s settings to itself: in renders, in the database and against another site\'s admin', async () => {
    // Renders of two sites interleaved: each page shows its own colour only.
    const pages = await Promise.all([get('yunxi'), get('qingchuan'), get('yunxi', '/xwdt/'), get('qingchuan', '/xwdt/')]);
    expect(pages.map((p) => /_vars\.css\?primary_color=(\w+)/.exec(decode(p.body))?.[1])).toEqual(['1a5fb4', 'b31b1b', '1a5fb4', 'b31b1b']);
    // Row-level security: a site scope sees its own row only, and cannot write another site's.
    const seen = await inScope(h.t.db, { kind: 'sites', siteIds: [ids.qingchuan!] }, (trx) => trx.selectFrom('site_theme_setting').select('site_id').execute());
    expect(seen).toEqual([]);
    await expect(setSiteTheme(siteCtx('qingchuan'), ids.yunxi!, { theme: 'default', settings: { primary_color: '#000000' } }))
      .rejects.toMatchObject({ code: 'ZQ_TENANCY_SITE_NOT_FOUND' });
    expect(await siteSettings(h.t.db, ids.yunxi!, 'default')).toEqual({ primary_color: '#1a5fb4' }); // the owner's connection: unchanged
  });

  it('should evict only the changed site\'s cached pages', async () => {
    await get('qingchuan');
    await get('yunxi');
    const cached = h.app.pageCache.snapshot().entries;
    const hits = h.app.pageCache.snapshot().hits;
    await get('qingchuan');
    expect(h.app.pageCache.snapshot().hits).toBe(hits + 1);
    await setSiteTheme(siteCtx('yunxi'), ids.yunxi!, { theme: 'default', settings: { primary_color: '#006633' } });
    await until(async () => h.app.pageCache.snapshot().entries < cached);
    await get('qingchuan');
    expect(h.app.pageCache.snapshot().hits).toBe(hits + 2); // still cached
    expect(decode((await get('yunxi')).body)).toContain('primary_color=006633');
    // Another pack: the site's cached pages go too, and come back in the new pack.
    await get('yunxi', '/xwdt/');
    await setSiteTheme(siteCtx('yunxi'), ids.yunxi!, { theme: 'county', settings: {} });
    await until(async () => decode((await get('yunxi', '/xwdt/')).body).includes('/_assets/county/site.css'));
    expect(decode((await get('qingchuan')).body)).toContain('/_assets/default/site.css');
  });
});
