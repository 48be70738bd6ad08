/**
 * The whole publishing path in a real Chromium, as the people of issue 5 would do it: the editor
 * pastes a Word document into the rich-text editor and attaches a PDF, submits; the reviewer and
 * the secrecy reviewer approve; the reviewer publishes; the article is on the public site with
 * its table, its emphasis and its attachment — and every page passes axe.
 */
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axeProblems, hasChromium, launchChromium, submit, warnIfNoChromium } from '@zhanqun/testing/browser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoProvince } from '@zhanqun/demo/demo-province';
import { WORD_CLIPBOARD } from '@zhanqun/editor/word-paste.fixture';
import { openSession } from './console-helper.js';
import { build, type TestApp } from './helper.js';

warnIfNoChromium('console-article.browser.int.test');

const PDF = Buffer.from('%PDF-1.7\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

describe.skipIf(!hasChromium)('publishing an article in Chromium', () => {
  let h: TestApp;
  let browser: Browser;
  let port = 0;
  let admin = '';
  let siteId = '';
  let tzgg = '';
  let publicHost = '';
  const pages: Record<string, Page> = {};
  const contexts: BrowserContext[] = [];

  async function signedIn(username: string): Promise<Page> {
    const context = await browser.newContext({ locale: 'zh-CN' });
    contexts.push(context);
    await context.addCookies([{ name: 'zq_session', value: await openSession(h, username), domain: 'admin.localhost', path: '/', httpOnly: true }]);
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    return page;
  }

  beforeAll(async () => {
    h = await build();
    h.clock.set(new Date()); // cookies are judged by Chromium's clock
    await seedDemoProvince(h.t.db, h.clock);
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    port = (h.app.server.address() as AddressInfo).port;
    admin = `http://admin.localhost:${port}`;
    siteId = (await h.t.db.selectFrom('site').select('id').where('code', '=', 'prov').executeTakeFirstOrThrow()).id;
    tzgg = (await h.t.db.selectFrom('site_column').select('id').where('site_id', '=', siteId).where('path', '=', '/xwdt/tzgg/').executeTakeFirstOrThrow()).id;
    publicHost = (await h.t.db.selectFrom('site_domain').select('host').where('site_id', '=', siteId).where('role', '=', 'primary').executeTakeFirstOrThrow()).host;
    browser = await launchChromium();
    for (const u of ['bianji', 'shenhe', 'baomi']) pages[u] = await signedIn(u);
  }, 120_000);
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await h?.close();
  });

  it('should go from a Word paste to the public site through review, secrecy review and publishing', async () => {
    const editor = pages.bianji!;
    await editor.goto(`${admin}/sites/${siteId}/articles/new?column=${tzgg}`);
    await editor.locator('.ProseMirror').waitFor();
    expect(await axeProblems(editor)).toEqual([]);
    await editor.fill('#a-title', '关于做好2026年冬季防火工作的通知');
    await editor.locator('.ProseMirror').click();
    await editor.evaluate((pasted) => {
      const data = new DataTransfer();
      data.setData('text/html', pasted);
      data.setData('text/plain', pasted.replace(/<[^>]*>/g, ''));
      document.querySelector('.ProseMirror')!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, WORD_CLIPBOARD);
    expect(await editor.locator('.ProseMirror table').count()).toBeGreaterThan(0);
    // The attachment goes up at once through the API; a ticked box joins the form.
    await editor.setInputFiles('#a-file', { name: '防火检查表.pdf', mimeType: 'application/pdf', buffer: PDF });
    await editor.locator('input[name="attachmentIds"]').waitFor();
    await editor.fill('#a-docno', '演示政办〔2026〕30号');
    await submit(editor, 'button[name="then"][value="submit"]');
    expect(await editor.locator('.notice').innerText()).toContain('已送审');
    const articleUrl = editor.url().split('?')[0]!;
    expect(await editor.locator('.ProseMirror table').count()).toBeGreaterThan(0);
    expect(await axeProblems(editor)).toEqual([]);

    for (const reviewer of ['shenhe', 'baomi']) {
      const page = pages[reviewer]!;
      await page.goto(`${admin}/tasks`);
      await submit(page, 'main a:has-text("关于做好2026年冬季防火工作的通知")');
      expect(await axeProblems(page)).toEqual([]);
      await submit(page, 'form[action$="/approve"] button[type=submit]');
      expect(await page.locator('.notice').innerText()).toContain('已审核通过');
    }

    const publisher = pages.shenhe!;
    await publisher.goto(articleUrl);
    await submit(publisher, 'form[action$="/publish"] button[type=submit]');
    expect(await publisher.locator('.notice').innerText()).toContain('已发布');
    const accountability = await publisher.locator('#pub-h + .table-wrap').innerText();
    for (const name of ['省政府网站编辑（演示）', '省政府网站审核员（演示）', '省政府保密审查员（演示）']) expect(accountability).toContain(name);
    const path = (await publisher.locator('.meta code').first().innerText()).trim();

    const reader = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
    await reader.goto(`http://${publicHost}:${port}${path}`);
    expect(await reader.locator('h1').innerText()).toBe('关于做好2026年冬季防火工作的通知');
    const content = reader.locator('.article .content');
    expect(await content.locator('table').count()).toBeGreaterThan(0);
    expect(await content.locator('strong').count()).toBeGreaterThan(0);
    expect(await content.innerHTML()).not.toMatch(/mso-|class="Mso/);
    const attachment = reader.locator('.attachments a');
    expect(await attachment.innerText()).toBe('防火检查表.pdf');
    // Fetched by the page itself: *.localhost resolves in Chromium, not in Node.
    const download = await reader.evaluate(async (href) => {
      const res = await fetch(href);
      return { status: res.status, nosniff: res.headers.get('x-content-type-options'), type: res.headers.get('content-type'), size: (await res.arrayBuffer()).byteLength };
    }, (await attachment.getAttribute('href'))!);
    expect(download).toEqual({ status: 200, nosniff: 'nosniff', type: 'application/pdf', size: PDF.length });
    expect(await axeProblems(reader)).toEqual([]);
    await reader.context().close();
  });
});
