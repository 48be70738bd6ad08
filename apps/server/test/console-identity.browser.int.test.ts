import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { axeProblems, hasChromium, launchChromium, submit, warnIfNoChromium } from '@zhanqun/testing/browser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ADMIN, seedDemoProvince } from '@zhanqun/demo/demo-province';
import { totpCode } from '@zhanqun/identity/totp';
import { build, type TestApp } from './helper.js';

const SCREENSHOTS = process.env.CONSOLE_SCREENSHOTS ?? '/tmp';

warnIfNoChromium('console-identity.browser.int.test');

/** 我的账号, 用户管理 and 审计日志 in a real Chromium: sign-in with TOTP, a new account with a grant, and axe on each page. */
describe.skipIf(!hasChromium)('the identity console in Chromium', () => {
  let h: TestApp;
  let browser: Browser;
  let page: Page;
  let admin = '';



  beforeAll(async () => {
    h = await build();
    // Cookies carry Expires from the app's clock and Chromium judges them by the real one: a
    // manual clock in the past would have the browser drop the session cookie on arrival.
    h.clock.set(new Date());
    await seedDemoProvince(h.t.db, h.clock);
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    admin = `http://admin.localhost:${(h.app.server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    page = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
    page.setDefaultTimeout(10_000);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('should sign in as the platform admin with its TOTP code and open 我的账号', async () => {
    await page.goto(`${admin}/login`);
    await page.fill('#username', DEMO_ADMIN.username);
    await page.fill('#password', DEMO_ADMIN.password);
    await submit(page, 'form[action="/login"] button[type=submit]');
    expect(new URL(page.url()).pathname).toBe('/login/totp');
    // The code an authenticator app would show for the key stored at enrolment, at the app's clock.
    const { totp_key: key } = await h.app.db.selectFrom('app_user').select('totp_key').where('username', '=', DEMO_ADMIN.username).executeTakeFirstOrThrow();
    await page.fill('#code', totpCode(key!, h.clock.now()));
    await submit(page, 'form[action="/login/totp"] button[type=submit]');
    expect(new URL(page.url()).pathname).toBe('/');
    await submit(page, 'nav.mainnav a[href="/account"]');
    expect(await page.locator('h1').innerText()).toBe('我的账号');
    expect(await page.locator('#totp').innerText()).toContain('已启用');
    expect(await page.locator('#sessions tbody').innerText()).toContain('当前会话');
    await page.screenshot({ path: `${SCREENSHOTS}/console-account.png`, fullPage: true });
    expect(await axeProblems(page)).toEqual([]);
  });

  it('should create an account with its first grant, add a grant on its page, and stay accessible', async () => {
    await submit(page, 'nav.mainnav a[href="/users"]');
    expect(await axeProblems(page)).toEqual([]);
    await page.fill('#u-username', 'liu.bianji');
    await page.fill('#u-name', '刘编辑');
    await page.fill('#u-password', 'short');
    await page.selectOption('#u-role', 'editor');
    await page.selectOption('#u-site', { label: '青川市人民政府（演示）（qingchuan）' });
    await submit(page, 'form[action="/users"] button[type=submit]');
    expect(await page.locator('.error-summary').innerText()).toContain('密码：至少需要 12 个字符');
    expect(await page.inputValue('#u-username')).toBe('liu.bianji');
    expect(await page.getAttribute('#u-password', 'aria-invalid')).toBe('true');
    expect(await axeProblems(page)).toEqual([]);
    await page.fill('#u-password', 'liu-bianji-pass-2026');
    await submit(page, 'form[action="/users"] button[type=submit]');
    expect(await page.locator('.notice').innerText()).toContain('账号已创建');
    expect(await page.locator('#grants tbody').innerText()).toContain('青川市人民政府（演示）（含子站）');

    await page.selectOption('#cs-site', { label: '演示省人民政府（演示）（prov）' });
    await submit(page, 'button[form="columns-step"]');
    expect(await page.isChecked('#g-kind-columns')).toBe(true);
    await page.selectOption('#g-role', 'editor');
    await page.getByLabel('要闻', { exact: false }).first().check();
    await page.fill('#g-expires', '2027-06-30');
    await submit(page, '#g-submit');
    expect(await page.locator('.notice').innerText()).toContain('已授权');
    const grants = await page.locator('#grants tbody').innerText();
    expect(grants).toContain('要闻');
    expect(grants).toContain('至 2027-06-30 24:00');
    await page.screenshot({ path: `${SCREENSHOTS}/console-user.png`, fullPage: true });
    expect(await axeProblems(page)).toEqual([]);
  });

  it('should show an accessible audit log with the new account in it', async () => {
    await submit(page, 'nav.mainnav a[href="/audit"]');
    await page.selectOption('#a-what', 'grant.');
    await submit(page, 'form.filters button[type=submit]');
    expect(await page.locator('table.audit tbody').innerText()).toContain('grant.create');
    await page.screenshot({ path: `${SCREENSHOTS}/console-audit.png`, fullPage: true });
    expect(await axeProblems(page)).toEqual([]);
  });
});
