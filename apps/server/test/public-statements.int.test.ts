// What an uncached public page costs the database (issue 6, Speed): every statement the app sends
// is counted through the database handle's statement hook, once the site directory knows the
// site (as in a running server). A page reads in its scope (readInScope: the scope is handed to
// the driver first, which sends it with each statement as one pipeline, pg-driver.ts): the
// counts below less one are the round trips scripts/bench/public-pages.ts measures. The page
// cache is off: every request renders.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CARRY_SCOPE } from '@zhanqun/db/scope';
import { seedDemoProvince } from '@zhanqun/demo/demo-province';
import { visible } from './console-helper.js';
import { build, type TestApp } from './helper.js';

describe('database statements of an uncached public page', () => {
  let h: TestApp;
  let counting = false;
  const statements: string[] = [];
  const get = (host: string, url: string) => h.app.inject({ method: 'GET', url, headers: { host } });

  /** The statements one request sends, after a first request has filled the site directory. */
  async function statementsOf(host: string, url: string): Promise<{ body: string; statements: string[] }> {
    expect((await get(host, url)).statusCode).toBe(200);
    statements.length = 0;
    counting = true;
    const res = await get(host, url);
    counting = false;
    expect(res.statusCode).toBe(200);
    // The job queue shares the handle; its polling is not the page's.
    return { body: res.body, statements: statements.filter((s) => !s.includes('pgboss')).map((s) => s.replace(/\s+/g, ' ')) };
  }

  beforeAll(async () => {
    h = await build({ SITE_CACHE: '1' }, { onStatement: (sql) => { if (counting) statements.push(sql); } });
    await seedDemoProvince(h.t.db, h.clock);
  });
  afterAll(async () => { await h.close(); });

  it('should read a county home in one statement after its scope: its lists, and its superior and sibling sites', async () => {
    const { body, statements: sent } = await statementsOf('anhe.localhost', '/');
    expect(sent).toHaveLength(2);
    expect(sent[0]).toBe(CARRY_SCOPE);
    expect(sent[1]).toContain('zhanqun_site_directory');
    // What the page shows is all there: headlines and notices with their items, entrances and topic banners as links.
    const text = visible(body);
    expect(body).toMatch(/<p class="headline"><a href="\/xwdt\/yw\/\d{6}\/t\d{8}_\d+\.html">/);
    expect(text).toMatch(/通知公告 更多 通知公告 (置顶 )?\S+ \d{4}-\d{2}-\d{2}/);
    expect(text).toMatch(/上级网站 演示省人民政府（演示）/);
    expect(body).toMatch(/class="entrance-name" href="\/zwgk\/">[\s\S]*政府信息公开<\/a>/);
    expect(body).toMatch(/class="topic-banner" href="\/zwgk\/zdly\/xczx\/">/);
  });

  it('should read a sub-site\'s home, a default-pack home and a channel page in one statement each', async () => {
    for (const [host, url] of [['anhe.localhost', '/cgz/'], ['prov.localhost', '/'], ['anhe.localhost', '/xwdt/'], ['prov.localhost', '/zwgk/']] as const) {
      const { statements: sent } = await statementsOf(host, url);
      expect(sent, `${host}${url}`).toHaveLength(2);
    }
  });
});
