// The site directory (public/site-directory.ts) keeps hosts, sites, columns and settings in memory
// for public pages: a change to any of them shows on the next request once the database's NOTIFY
// arrives — a parent's footer on its sub-sites, a new domain, a closed site — and one site's change
// never drops another's entry. The page cache is off here: every page is rendered.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoProvince } from '@zhanqun/demo/demo-province';
import { build, type TestApp } from './helper.js';

describe('the public site directory', () => {
  let h: TestApp;
  const get = (host: string, url: string) => h.app.inject({ method: 'GET', url, headers: { host } });
  const siteId = async (code: string) => (await h.t.db.selectFrom('site').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;

  /** Change rows as any writer would (not through this app), then wait until the page shows it. */
  async function until(check: () => Promise<boolean>): Promise<void> {
    for (let i = 0; i < 100; i++) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await check()).toBe(true);
  }

  beforeAll(async () => {
    h = await build({ SITE_CACHE: '1' });
    await seedDemoProvince(h.t.db, h.clock);
  });
  afterAll(async () => { await h.close(); });

  it('should show a parent site\'s new footer on its sub-site, and keep other sites\' entries', async () => {
    expect((await get('anhe.localhost', '/cgz/')).body).toContain('安和县人民政府办公室（演示）');
    expect((await get('prov.localhost', '/')).statusCode).toBe(200);
    await sql`update site set sponsor = '安和县人民政府办公室（新）' where id = ${await siteId('anhe')}`.execute(h.t.db);
    await until(async () => (await get('anhe.localhost', '/cgz/')).body.includes('安和县人民政府办公室（新）'));
    expect((await get('anhe.localhost', '/')).body).toContain('安和县人民政府办公室（新）');
  });

  it('should answer on a new domain at once, and stop answering on a removed one', async () => {
    const id = await siteId('qingchuan');
    expect((await get('www.qingchuan-new.gov.cn', '/')).statusCode).toBe(404);
    await sql`insert into site_domain (id, site_id, host, path_prefix, role) values (gen_random_uuid(), ${id}, 'www.qingchuan-new.gov.cn', '/', 'alias')`.execute(h.t.db);
    await until(async () => (await get('www.qingchuan-new.gov.cn', '/xwdt/')).statusCode === 301);
    expect((await get('www.qingchuan-new.gov.cn', '/xwdt/')).headers.location).toBe('http://qingchuan.localhost/xwdt/');
    await sql`delete from site_domain where host = 'www.qingchuan-new.gov.cn'`.execute(h.t.db);
    await until(async () => (await get('www.qingchuan-new.gov.cn', '/')).statusCode === 404);
  });

  it('should take a closed site off the web and never answer one site\'s host with another\'s pages', async () => {
    const id = await siteId('anhe-jyj');
    expect((await get('anhe.localhost', '/jyj/')).statusCode).toBe(200);
    await sql`update site set status = 'closed' where id = ${id}`.execute(h.t.db);
    await until(async () => (await get('anhe.localhost', '/jyj/')).statusCode === 404);
    // The county's own pages are still its own; the provincial host never shows the county's.
    expect((await get('anhe.localhost', '/')).body).toContain('安和县人民政府（演示）');
    const prov = await get('prov.localhost', '/');
    expect(prov.body).not.toContain('安和县人民政府（演示）');
  });

  it('should rate-limit a host that names no site once its lookup is kept, and never a site\'s host', async () => {
    const probes: number[] = [];
    for (let i = 0; i < 35; i++) probes.push((await get('probe.scanner.example', `/wp-login.php?${i}`)).statusCode);
    expect(probes[0]).toBe(404);
    expect(probes.at(-1)).toBe(429); // 30 a minute for hosts of no site
    for (let i = 0; i < 35; i++) expect((await get('prov.localhost', '/')).statusCode).toBe(200);
  });
});
