import type { AddressInfo } from 'node:net';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { axeProblems, hasChromium, launchChromium, submit, warnIfNoChromium } from '@zhanqun/testing/browser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ADMIN, seedDemoProvince } from '@zhanqun/demo/demo-province';
import { totpCode } from '@zhanqun/identity/totp';
import { importItems, ITEMS_FORMAT } from '@zhanqun/legacy/items/items-import.service';
import { platformAdminScope } from '@zhanqun/tenancy/platform.service';
import { build, type TestApp } from './helper.js';

const SCREENSHOTS = process.env.CONSOLE_SCREENSHOTS ?? '/tmp';

warnIfNoChromium('console.browser.int.test');

/** The console in a real Chromium: sign in, provision sites through the forms, check the public result and accessibility. */
describe.skipIf(!hasChromium)('the console in Chromium', () => {
  let h: TestApp;
  let browser: Browser;
  let page: Page;
  let totpKey: string | null;
  let admin = '';
  let port = 0;
  const id = async (table: 'org_unit' | 'site', column: 'name' | 'code', value: string) =>
    (await h.t.db.selectFrom(table).select('id').where(column, '=', value).executeTakeFirstOrThrow()).id;



  beforeAll(async () => {
    h = await build();
    // Cookies expire by the app's clock, and Chromium drops cookies that expired in its real time.
    h.clock.set(new Date());
    totpKey = (await seedDemoProvince(h.t.db, h.clock)).adminTotpKey;
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    port = (h.app.server.address() as AddressInfo).port;
    admin = `http://admin.localhost:${port}`;
    browser = await launchChromium();
    page = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
    page.setDefaultTimeout(10_000);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('should sign in as the demo admin, with an accessible sign-in page', async () => {
    await page.goto(`${admin}/login`);
    expect(await axeProblems(page)).toEqual([]);
    await page.fill('#username', DEMO_ADMIN.username);
    await page.fill('#password', DEMO_ADMIN.password);
    await submit(page, 'form[action="/login"] button[type=submit]');
    // The demo admin has TOTP enrolled: answer the second step with the code for the app's clock.
    await page.fill('input[autocomplete="one-time-code"]', totpCode(totpKey!, h.clock.now()));
    await submit(page, 'main form button[type=submit]');
    expect(await page.locator('nav.mainnav').count()).toBe(1);
  });

  it('should show an accessible site list and wizard', async () => {
    await page.goto(`${admin}/sites`);
    expect(await page.locator('caption').innerText()).toContain('共 11 个');
    expect(await axeProblems(page)).toEqual([]);
    await page.fill('#f-q', '安和');
    await submit(page, 'form.filters button[type=submit]');
    expect(await page.locator('tbody tr').count()).toBe(2); // 安和县 and 安和县教育局 (城关镇 matches neither name nor code)
    await page.screenshot({ path: `${SCREENSHOTS}/console-sites.png`, fullPage: true });
    await page.goto(`${admin}/sites/new`);
    expect(await page.isChecked('#w-template')).toBe(true);
    expect(await axeProblems(page)).toEqual([]);
  });

  it('should provision a city site with a domain and an alias, and a township sub-site, through the forms', async () => {
    await page.goto(`${admin}/org-units`);
    await page.selectOption('#create-parent', await id('org_unit', 'name', '演示省人民政府'));
    await page.selectOption('#create-level', 'city');
    await page.fill('#create-name', '白沙市人民政府');
    await page.fill('#create-division', '990300');
    await submit(page, '#form-create button[type=submit]');
    await expect.poll(() => page.locator('.notice').innerText()).toContain('已新增机构');
    await page.screenshot({ path: `${SCREENSHOTS}/console-org.png`, fullPage: true });

    await page.goto(`${admin}/sites/new?org=${await id('org_unit', 'name', '白沙市人民政府')}`);
    await page.fill('#w-name', '白沙市人民政府（演示）');
    await page.fill('#w-code', 'bai sha'); // refused first: a space
    await page.fill('#w-sitecode', '9903000001');
    await page.fill('#w-hosts', 'www.baisha.localhost\nbaisha.localhost');
    await page.check('#w-live');
    await submit(page, '#form-site button[type=submit]');
    expect(await page.locator('.error-summary').innerText()).toContain('网站代码：须为 2–40 位小写字母');
    expect(await page.inputValue('#w-hosts')).toBe('www.baisha.localhost\nbaisha.localhost');
    await page.screenshot({ path: `${SCREENSHOTS}/console-wizard-refused.png`, fullPage: true });
    await page.fill('#w-code', 'baisha');
    await submit(page, '#form-site button[type=submit]');
    expect(await page.locator('.notice').innerText()).toContain('站点已创建');
    expect(await page.locator('#domains tbody').innerText()).toContain('baisha.localhost');
    await page.screenshot({ path: `${SCREENSHOTS}/console-site.png`, fullPage: true });

    await page.goto(`${admin}/org-units?unit=${await id('org_unit', 'name', '安和县人民政府')}`);
    await page.selectOption('#create-level', 'township');
    await page.fill('#create-name', '安和县河口乡人民政府');
    await submit(page, '#form-create button[type=submit]');
    await page.goto(`${admin}/sites/new?parent=${await id('site', 'code', 'anhe')}`);
    await page.selectOption('#w-org', await id('org_unit', 'name', '安和县河口乡人民政府'));
    await page.fill('#w-name', '河口乡（演示）');
    await page.fill('#w-code', 'anhe-hkx');
    await page.fill('#w-prefix', 'hkx');
    await page.check('#w-live');
    await submit(page, '#form-site button[type=submit]');
    expect(await page.locator('.notice').innerText()).toContain('站点已创建');
  });

  it('should add, merge and close columns in the column editor', async () => {
    const site = await id('site', 'code', 'baisha');
    const col = async (path: string) => (await h.t.db.selectFrom('site_column').select('id').where('site_id', '=', site).where('path', '=', path).executeTakeFirstOrThrow()).id;
    await page.goto(`${admin}/sites/${site}/columns`);
    await page.selectOption('#a-parent', await col('/xwdt/'));
    await page.fill('#a-name', '白沙快讯');
    await page.fill('#a-slug', 'bskx');
    await submit(page, 'form[action$="/columns"] button[type=submit]');
    expect(await page.locator('.notice').innerText()).toContain('栏目已新增');
    await submit(page, `#col-${await col('/xwdt/bskx/')} button[value=up]`);
    expect(await page.locator('.notice').innerText()).toContain('排序已调整');

    await page.goto(`${admin}/sites/${site}/columns?column=${await col('/xwdt/tpxw/')}`);
    await page.selectOption('#g-target', await col('/xwdt/yw/'));
    await submit(page, 'form[action$="/merge"] button[type=submit]');
    expect(await page.locator('.notice').innerText()).toContain('栏目已合并');

    await page.goto(`${admin}/sites/${site}/columns?column=${await col('/xwdt/xzdt/')}`);
    await submit(page, 'form[action$="/close"] button[type=submit]'); // refused: not confirmed
    expect(await page.locator('#c-confirm-err').innerText()).toContain('确认：请勾选以确认');
    await page.check('#c-confirm');
    await submit(page, 'form[action$="/close"] button[type=submit]');
    expect(await page.locator('.notice').innerText()).toContain('栏目已关闭');
    await page.goto(`${admin}/sites/${site}/columns?column=${await col('/xwdt/bskx/')}`);
    await page.screenshot({ path: `${SCREENSHOTS}/console-columns.png`, fullPage: true });
    await page.screenshot({ path: `${SCREENSHOTS}/console-columns-top.png` });
    expect(await axeProblems(page)).toEqual([]);
  });

  it('should serve the new sites publicly: the page, the alias redirect, 301 for merged and 410 for closed columns', async () => {
    const home = await page.goto(`http://www.baisha.localhost:${port}/`);
    expect(home?.status()).toBe(200);
    expect(await page.locator('body').innerText()).toContain('白沙市人民政府（演示）');
    const alias = await page.goto(`http://baisha.localhost:${port}/zwgk/`);
    expect(alias?.request().redirectedFrom()?.url()).toBe(`http://baisha.localhost:${port}/zwgk/`);
    expect((await alias?.request().redirectedFrom()?.response())?.status()).toBe(301);
    expect(page.url()).toBe(`http://www.baisha.localhost:${port}/zwgk/`);
    const merged = await page.goto(`http://www.baisha.localhost:${port}/xwdt/tpxw/`);
    expect((await merged?.request().redirectedFrom()?.response())?.status()).toBe(301);
    expect(page.url()).toBe(`http://www.baisha.localhost:${port}/xwdt/yw/`);
    const closed = await page.goto(`http://www.baisha.localhost:${port}/xwdt/xzdt/`);
    expect(closed?.status()).toBe(410);
    expect(await page.locator('a[href="/"]').count()).toBeGreaterThan(0);
    const sub = await page.goto(`http://anhe.localhost:${port}/hkx/`);
    expect(sub?.status()).toBe(200);
    expect(await page.locator('body').innerText()).toContain('河口乡（演示）');
  });

  it('should pick a theme pack and preview unsaved settings without script, on an accessible page, then save them', async () => {
    const anhe = await id('site', 'code', 'anhe');
    await page.goto(`${admin}/sites/${anhe}/theme?partial=share`);
    expect(await axeProblems(page)).toEqual([]);
    // Without script, as a site admin without it would: the 预览 button posts the form into the frame.
    const context = await browser.newContext({ locale: 'zh-CN', javaScriptEnabled: false, storageState: await page.context().storageState() });
    const noJs = await context.newPage();
    noJs.setDefaultTimeout(10_000);
    await noJs.goto(`${admin}/sites/${anhe}/theme`);
    expect(await noJs.locator('#theme-choose option[selected]').textContent()).toContain('county');
    await noJs.fill('#set-slogan', '预览中的标语');
    const previewed = noJs.waitForResponse((r) => r.url().endsWith('/theme/preview') && r.request().method() === 'POST');
    await noJs.click('button[formtarget="zq-theme-preview"]');
    expect((await previewed).status()).toBe(200);
    const frame = noJs.frameLocator('iframe[name="zq-theme-preview"]');
    await expect.poll(() => frame.locator('.slogan').textContent(), { timeout: 10_000 }).toBe('预览中的标语');
    expect(await frame.locator('.preview-banner').count()).toBe(1);
    expect((await page.goto(`http://anhe.localhost:${port}/`))?.status()).toBe(200);
    expect(await page.locator('.slogan').innerText()).not.toBe('预览中的标语'); // not saved yet
    await noJs.click('#theme-form button.btn:not(.btn-secondary)');
    await noJs.waitForURL(/ok=site\.theme/);
    expect(await noJs.locator('.notice').innerText()).toContain('主题与设置已保存');
    await page.goto(`http://anhe.localhost:${port}/`);
    expect(await page.locator('.slogan').innerText()).toBe('预览中的标语');
    await noJs.screenshot({ path: `${SCREENSHOTS}/console-theme.png`, fullPage: true });
    await context.close();
  });

  it('should show the legacy migration board, a site\'s URL entries and a run\'s report, reached from the navigation, with no axe violations', async () => {
    // A legacy site moving onto 青川: a run interrupted part way, then the run that resumes it; an old URL still visited.
    const site = await h.t.db.selectFrom('site').select(['id', 'platform_id']).where('code', '=', 'qingchuan').executeTakeFirstOrThrow();
    const ctx = { db: h.t.db, clock: h.clock, actor: { userId: null, label: 'test' }, scope: await platformAdminScope(h.t.db, site.platform_id) };
    const json = JSON.stringify({
      format: ITEMS_FORMAT, site: { host: 'www.qc-old.gov.cn', name: '青川市旧网站' },
      items: Array.from({ length: 4 }, (_, i) => ({ id: String(i), url: `http://www.qc-old.gov.cn/art/${i}.html`, column: '/xwdt/tzgg/', title: `旧网站通知${i}`, body_html: '<p>正文</p>', published_at: '2019-03-05 10:20' })),
      retired: [{ url: 'http://www.qc-old.gov.cn/old/list.html' }],
    });
    await importItems(ctx, site.id, { json, sourceName: 'qc-old.json', onProgress: (done) => { if (done === 2) throw new Error('interrupted'); } }).catch(() => undefined);
    const { runId } = await importItems(ctx, site.id, { json, sourceName: 'qc-old.json' });
    await h.t.db.updateTable('url_path').set({ hits: 7, last_hit_at: h.clock.now() }).where('site_id', '=', site.id).where('path', '=', '/art/1.html').execute();

    const wcag = async () => (await new AxeBuilder({ page }).analyze()).violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')}`));
    await page.goto(`${admin}/`);
    await Promise.all([page.waitForNavigation(), page.click('nav.mainnav a[href="/legacy"]')]);
    expect(await page.locator('nav.mainnav a[aria-current="page"]').innerText()).toBe('旧网站迁移');
    expect(await page.locator('tbody').innerText()).toContain('已完成');
    expect(await wcag()).toEqual([]);
    await page.goto(`${admin}/sites/${site.id}/legacy`);
    expect(await page.locator('main').innerText()).toContain('已中断');
    expect(await wcag()).toEqual([]);
    await page.goto(`${admin}/sites/${site.id}/legacy?run=${runId}`);
    expect(await page.locator('#run-h').count()).toBe(1);
    expect(await page.locator('main').innerText()).toContain('续接已中断的批次');
    await page.screenshot({ path: `${SCREENSHOTS}/console-legacy-run.png`, fullPage: true });
    expect(await wcag()).toEqual([]);
  });
});
