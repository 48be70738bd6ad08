/**
 * Both built-in packs in a real Chromium (issue 6, Accessibility and devices): the default pack
 * on the province's site and the county pack on 安和县's. Every public page type of each passes
 * axe's WCAG 2.1 A and AA rules with zero violations, in normal,
 * high-contrast and elder modes — each switched by clicking the toolbar and kept across a reload
 * and every later page. No page scrolls sideways at 1280 or 360 px (screenshots in SHOTS). The
 * toolbar works by keyboard, reading aloud goes through speechSynthesis, nothing breaks the CSP,
 * and without script the page still reads with the toolbar out of the way.
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, type ExpectStatic } from 'vitest';
import type { ServiceContext } from '@zhanqun/audit/context';
import { createDraft, publishRevision } from '@zhanqun/content/article.service';
import { withdrawArticle } from '@zhanqun/content/publishing.service';
import { seedDemoProvince } from '@zhanqun/demo/demo-province';
import { platformAdminScope } from '@zhanqun/tenancy/platform.service';
import { hasChromium, launchChromium, warnIfNoChromium } from '@zhanqun/testing/browser';
import { build, type TestApp } from './helper.js';

warnIfNoChromium('theme-a11y.browser.int.test');

const SHOTS = '/tmp/zq-theme-a11y';
const WIDTHS = [1280, 360] as const;
const WCAG21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
type Mode = 'normal' | 'contrast' | 'elder';

const LONG_URL = 'https://www.example.gov.cn/zwgk/zcwj/gfxwj/202611/t20261127_1234567890_kaoshiluyong_gongwuyuan_niluyong_renyuan_mingdan_gongshi.html';
const WIDE_BODY = [
  `<p>报名系统网址：${LONG_URL}</p>`,
  `<p>详见<a href="${LONG_URL}" target="_blank">${LONG_URL}</a>。</p>`,
  '<table><thead><tr>', ...['序号', '姓名', '性别', '准考证号', '报考单位', '拟录用职位', '职位代码', '毕业院校', '备注'].map((x) => `<th>${x}</th>`),
  '</tr></thead><tbody>',
  ...[1, 2, 3].map((i) => `<tr><td>${i}</td><td>张${i}</td><td>男</td><td>2026112701000${i}2345</td><td>演示省人民政府办公厅</td><td>一级科员</td><td>1300${i}0012026</td><td>演示大学</td><td>无</td></tr>`),
  '</tbody></table>',
].join('');

interface PublicPage { name: string; url: string; status: number }

/**
 * One axe run with its default rule set, which holds every WCAG 2.0 and 2.1 A and AA rule (and
 * best practices): a WCAG A/AA violation counts whatever its impact; any other rule counts when
 * serious or critical, as axeProblems (@zhanqun/testing/browser) counts it. One run, not two:
 * axe is the slow part of this file.
 */
async function axeFindings(page: Page): Promise<string[]> {
  // Legacy mode runs axe.run in the page itself; the default opens a blank page per run for
  // finishRun, which doubles the time. It leaves out cross-origin frames, which these pages have none of.
  const { violations } = await new AxeBuilder({ page }).setLegacyMode(true).analyze();
  return violations.filter((v) => v.tags.some((t) => WCAG21_AA.includes(t)) || v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')}`));
}

/** Page errors and console errors (a CSP refusal is one), to be empty on every page. */
function recordErrors(page: Page, into: string[], expectedStatus: (url: string) => number): void {
  page.on('pageerror', (err) => into.push(`${page.url()}: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    // Chromium logs the 404 and 410 answers of the error pages themselves; those are meant.
    const status = /^Failed to load resource: the server responded with a status of (\d+)/.exec(msg.text())?.[1];
    if (status && Number(status) === expectedStatus(msg.location().url)) return;
    into.push(`${page.url()}: ${msg.text()}`);
  });
}

const htmlClasses = (page: Page) => page.evaluate(() => document.documentElement.className.split(/\s+/));
/** Body tables sit in a box of their own that scrolls; while it does, it is a named region in the Tab order. */
async function expectTablesScrollInARegion(page: Page, width: number, expect: ExpectStatic): Promise<void> {
  const boxes = () => page.evaluate(() => [...document.querySelectorAll('.article .content table')].map((t) => {
    const box = t.parentElement!;
    return { wrapped: box.classList.contains('table-scroll'), scrolls: box.scrollWidth > box.clientWidth + 1, region: box.getAttribute('role') === 'region' && box.tabIndex === 0 && Boolean(box.getAttribute('aria-label')) };
  }));
  expect((await boxes()).length).toBeGreaterThan(0);
  // The ResizeObserver reports after layout: wait until region and scrolling agree.
  await expect.poll(async () => (await boxes()).every((b) => b.wrapped && b.region === b.scrolls)).toBe(true);
  if (width === 360) expect((await boxes()).some((b) => b.scrolls)).toBe(true); // the nine-column table cannot fit a phone
}

const overflow = (page: Page) => page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));

type Pack = 'default' | 'county';

describe.skipIf(!hasChromium)('the built-in themes in Chromium: accessibility and devices', () => {
  let h: TestApp;
  let browser: Browser;
  let base = '';
  const publicPages: PublicPage[] = [];
  /** The county pack's page types, on 安和县 (a county portal) and its sub-site 城关镇. */
  const countyPages: PublicPage[] = [];
  const pagesOf = (pack: Pack) => (pack === 'default' ? publicPages : countyPages);
  const contexts: BrowserContext[] = [];
  const errors: string[] = [];

  async function open(options: Parameters<Browser['newContext']>[0] = {}): Promise<Page> {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 }, ...options });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    recordErrors(page, errors, (url) => [...publicPages, ...countyPages].find((p) => p.url === url)?.status ?? 200);
    return page;
  }
  const pageNamed = (name: string) => publicPages.find((p) => p.name === name)!;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    // The page cache on, as in production: every mode is served the very same cached bytes.
    h = await build({ PAGE_CACHE_MB: '16' });
    h.clock.set(new Date());
    await seedDemoProvince(h.t.db, h.clock);
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (h.app.server.address() as AddressInfo).port;
    base = `http://prov.localhost:${port}`;
    const db = h.t.db;
    const prov = await db.selectFrom('site').select(['id', 'platform_id']).where('code', '=', 'prov').executeTakeFirstOrThrow();
    const ctx: ServiceContext = { db, clock: h.clock, actor: { userId: null, label: 'test:theme-a11y' }, scope: await platformAdminScope(db, prov.platform_id) };
    /** A site's page types: a policy document, a wide article, a withdrawn one (410), home, channel, column, interaction column, search, 404 and a sub-site. */
    async function pageTypes(code: string, subsite: string): Promise<PublicPage[]> {
      const site = await db.selectFrom('site').select(['id', 'theme']).where('code', '=', code).executeTakeFirstOrThrow();
      const origin = `http://${code}.localhost:${port}`;
      // A policy document with the government-information table (信息索引).
      const live = await db.selectFrom('article as a').innerJoin('article_revision as r', 'r.id', 'a.live_revision_id')
        .select(['a.id', 'a.url_path']).where('a.site_id', '=', site.id).where('a.live', '=', true).where('r.document_number', 'is not', null)
        .orderBy('a.url_path').executeTakeFirstOrThrow();
      // The worst a body brings to a phone: a wide table of long numbers, a long bare URL, a link that opens a new window.
      const tzgg = await db.selectFrom('site_column').select('id').where('site_id', '=', site.id).where('path', '=', '/xwdt/tzgg/').executeTakeFirstOrThrow();
      const draft = await createDraft(ctx, site.id, { columnId: tzgg.id, title: '2026年度考试录用公务员拟录用人员公示', bodyHtml: WIDE_BODY });
      const wide = await publishRevision(ctx, site.id, draft.id, { publishedAt: h.clock.now() });
      // A withdrawn article answers 410: withdraw another one through the service, as the console would.
      const other = await db.selectFrom('article').select(['id', 'url_path']).where('site_id', '=', site.id).where('live', '=', true)
        .where('id', 'not in', [live.id, wide.id]).orderBy('url_path').executeTakeFirstOrThrow();
      await withdrawArticle(ctx, site.id, other.id, { reason: '测试撤稿' });
      return [
        { name: 'home', url: `${origin}/`, status: 200 },
        { name: 'channel', url: `${origin}/xwdt/`, status: 200 },
        { name: 'column', url: `${origin}/zwgk/zcwj/`, status: 200 },
        { name: 'interaction', url: `${origin}/hdjl/ldxx/`, status: 200 },
        { name: 'search', url: `${origin}/_search/?q=${encodeURIComponent('通知')}`, status: 200 },
        { name: 'article', url: `${origin}${live.url_path}`, status: 200 },
        { name: 'article-wide', url: `${origin}${wide.url_path}`, status: 200 },
        { name: 'subsite', url: subsite, status: 200 },
        { name: 'not-found', url: `${origin}/zq-no-such-page/`, status: 404 },
        { name: 'gone', url: `${origin}${other.url_path}`, status: 410 },
      ];
    }
    // 桃源乡 wears the default pack; 安和县 and its sub-sites the county pack (the demo's choice).
    publicPages.push(...await pageTypes('prov', `http://shiqiao.localhost:${port}/tyx/`));
    countyPages.push(...await pageTypes('anhe', `http://anhe.localhost:${port}/cgz/`));
    const themes = await db.selectFrom('site').select(['code', 'theme']).where('code', 'in', ['prov', 'shiqiao-tyx', 'anhe', 'anhe-cgz']).orderBy('code').execute();
    expect(themes.map((t) => `${t.code}:${t.theme}`)).toEqual(['anhe:county', 'anhe-cgz:county', 'prov:default', 'shiqiao-tyx:default']);
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await h?.close();
  });

  /**
   * Switch a mode on by clicking, as a reader would, and check it survives a reload. Modes live in
   * the browser's storage, which is per host: a sub-site on another host is switched there too.
   */
  async function switchOn(page: Page, mode: Exclude<Mode, 'normal'>, url: string, expect: ExpectStatic): Promise<Response | null> {
    await page.goto(url);
    if (mode === 'contrast') {
      await page.click('#zq-a11y-toggle');
      await page.click('#zq-a11y-bar [data-zq-mode="contrast"]');
    } else {
      await page.click('.topbar [data-zq-mode="elder"]');
    }
    const cls = mode === 'contrast' ? 'zq-contrast' : 'zq-elder';
    expect(await htmlClasses(page)).toContain(cls);
    const reloaded = await page.reload();
    expect(await htmlClasses(page)).toContain(cls);
    expect(await page.getAttribute(`[data-zq-mode="${mode}"]`, 'aria-pressed')).toBe('true');
    return reloaded;
  }

  /** Every page type: axe at 1280 px, then the sideways check and a screenshot at each width. */
  // Concurrent tests pass their own `expect`: expect.poll() needs to know its test.
  async function sweep(page: Page, mode: Mode, pack: Pack, expect: ExpectStatic): Promise<Record<string, string[]>> {
    const found: Record<string, string[]> = {};
    const switched = new Set<string>();
    for (const p of pagesOf(pack)) {
      await page.setViewportSize({ width: WIDTHS[0], height: 900 });
      const origin = new URL(p.url).origin;
      const res = mode !== 'normal' && !switched.has(origin) ? await switchOn(page, mode, p.url, expect) : await page.goto(p.url);
      switched.add(origin);
      expect(res?.status(), p.name).toBe(p.status);
      const classes = await htmlClasses(page);
      expect(classes).toContain('js');
      if (mode !== 'normal') expect(classes, `${mode} on ${p.name}`).toContain(`zq-${mode}`);
      // 长辈模式 opens no new windows (the wide article has a link that would).
      const targets = await page.locator('a[target]').count();
      if (mode === 'elder') expect(targets, p.name).toBe(0);
      else if (p.name === 'article-wide') expect(targets).toBe(1);
      found[p.name] = await axeFindings(page);
      for (const width of WIDTHS) {
        await page.setViewportSize({ width, height: 900 });
        const { scrollWidth, innerWidth } = await overflow(page);
        expect(scrollWidth, `${mode} ${p.name} at ${width}px`).toBeLessThanOrEqual(innerWidth);
        if (p.name === 'article-wide') await expectTablesScrollInARegion(page, width, expect);
        await page.screenshot({ path: `${SHOTS}/${pack}-${mode}-${p.name}-${width}.png`, fullPage: true });
      }
    }
    return found;
  }

  // Both packs, three modes each, six pages at once in one browser (CI budget: issue 6 adds at most five minutes).
  for (const pack of ['default', 'county'] as const) for (const mode of ['normal', 'contrast', 'elder'] as const) {
    it.concurrent(`should pass axe (WCAG 2.1 A and AA) on every page type of the ${pack} pack in ${mode} mode, without sideways scrolling at 360 and 1280 px`, async ({ expect }) => {
      const page = await open();
      const found = await sweep(page, mode, pack, expect);
      expect(found).toEqual(Object.fromEntries(pagesOf(pack).map((p) => [p.name, []])));
      if (pack === 'county' && mode === 'normal') {
        // Picture news without script: the slides scroll sideways inside their own focusable region, never the page.
        await page.goto(countyPages[0]!.url);
        const carousel = await page.evaluate(() => {
          const box = document.querySelector('.carousel') as HTMLElement;
          return { scrolls: box.scrollWidth > box.clientWidth, snap: getComputedStyle(box).scrollSnapType, focusable: box.tabIndex === 0, slides: document.querySelectorAll('.slide').length };
        });
        expect(carousel).toMatchObject({ scrolls: true, focusable: true });
        expect(carousel.snap).toContain('x');
        expect(carousel.slides).toBeGreaterThan(1);
      }
      if (mode === 'elder') {
        // 适老化: body type of 20 px or more, line spacing of at least 1.3 (we aim for 1.8), large targets.
        await page.goto(pagesOf(pack).find((p) => p.name === 'article')!.url);
        const type = await page.evaluate(() => {
          const px = (el: Element | null, prop: 'fontSize' | 'lineHeight') => Number.parseFloat(getComputedStyle(el!)[prop]);
          const body = document.body;
          const para = document.querySelector('.article .content p');
          const nav = document.querySelector('.site-nav a')!.getBoundingClientRect();
          return {
            body: px(body, 'fontSize'), bodyLine: px(body, 'lineHeight') / px(body, 'fontSize'),
            para: px(para, 'fontSize'), paraLine: px(para, 'lineHeight') / px(para, 'fontSize'),
            meta: px(document.querySelector('.article .meta'), 'fontSize'), navHeight: nav.height,
          };
        });
        expect(type.body).toBeGreaterThanOrEqual(20);
        expect(type.para).toBeGreaterThanOrEqual(20);
        expect(type.meta).toBeGreaterThanOrEqual(20);
        expect(type.bodyLine).toBeGreaterThanOrEqual(1.3);
        expect(type.paraLine).toBeGreaterThanOrEqual(1.3);
        expect(type.navHeight).toBeGreaterThanOrEqual(44);
      }
    }, 180_000); // ten page types, three modes at once: generous for a busy 2-core machine
  }

  it('should read the main text or the selection aloud in Chinese, and stop', async () => {
    const page = await open();
    // Headless Chromium may have no voices: record what would have been spoken.
    await page.context().addInitScript(() => {
      const w = window as unknown as { __spoken: { text: string; lang: string }[]; __cancelled: number };
      w.__spoken = [];
      w.__cancelled = 0;
      const synth = window.speechSynthesis;
      synth.speak = (u: SpeechSynthesisUtterance) => { w.__spoken.push({ text: u.text, lang: u.lang }); };
      synth.cancel = () => { w.__cancelled += 1; };
    });
    const spoken = () => page.evaluate(() => (window as unknown as { __spoken: { text: string; lang: string }[] }).__spoken.splice(0));
    await page.goto(pageNamed('article').url);
    const title = await page.locator('.article h1').innerText();
    await page.click('#zq-a11y-toggle');
    await page.click('[data-zq-action="speak"]');
    const all = await spoken();
    expect(all.length).toBeGreaterThan(0);
    expect(all.every((u) => u.lang === 'zh-CN' && u.text.length <= 160)).toBe(true);
    expect(all[0]!.text).toContain(title);
    expect(all.map((u) => u.text).join('')).not.toContain('索引号'); // the body, not the index table
    expect(await page.getAttribute('[data-zq-action="stop"]', 'aria-disabled')).toBe('false');
    await page.click('[data-zq-action="stop"]');
    expect(await page.evaluate(() => (window as unknown as { __cancelled: number }).__cancelled)).toBeGreaterThan(0);
    expect(await page.getAttribute('[data-zq-action="stop"]', 'aria-disabled')).toBe('true');

    // A selection is read instead of the whole text.
    const selected = await page.evaluate(() => {
      const p = document.querySelector('.article .content p')!;
      const range = document.createRange();
      range.selectNodeContents(p);
      getSelection()!.removeAllRanges();
      getSelection()!.addRange(range);
      return String(getSelection()).trim();
    });
    await page.click('[data-zq-action="speak"]');
    expect((await spoken()).map((u) => u.text).join('').replace(/\s+/g, '')).toBe(selected.replace(/\s+/g, ''));
  });

  it('should work the toolbar by keyboard: text size, reading guide, roving focus, Escape', async () => {
    const page = await open();
    await page.goto(pageNamed('column').url);
    const rootFont = () => page.evaluate(() => getComputedStyle(document.documentElement).fontSize);
    const focused = () => page.evaluate(() => document.activeElement?.textContent?.trim());
    await page.focus('#zq-a11y-toggle');
    await page.keyboard.press('Enter');
    expect(await page.getAttribute('#zq-a11y-toggle', 'aria-expanded')).toBe('true');
    await page.keyboard.press('Tab'); // past 长辈模式
    await page.keyboard.press('Tab'); // into the toolbar: one Tab stop, on its first button
    expect(await focused()).toBe('A−（缩小字号）');
    await page.keyboard.press('ArrowRight');
    expect(await focused()).toBe('A+（放大字号）');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Space');
    expect(await rootFont()).toBe('20px'); // 125 % of 16 px
    expect(await page.locator('[data-zq-size]').innerText()).toBe('字号 125%');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    expect(await focused()).toBe('阅读辅助线');
    await page.keyboard.press('Enter');
    expect(await page.getAttribute('[data-zq-mode="guide"]', 'aria-pressed')).toBe('true');
    await page.mouse.move(300, 420);
    const guide = page.locator('.zq-reading-guide');
    await expect.poll(() => guide.evaluate((el) => getComputedStyle(el).transform)).toBe('matrix(1, 0, 0, 1, 0, 420)');
    await page.keyboard.press('End');
    expect(await focused()).toBe('关闭工具栏');
    await page.keyboard.press('Home');
    expect(await focused()).toBe('A−（缩小字号）');
    // Remembered on the next page, then all back to defaults.
    await page.goto(pageNamed('home').url);
    expect(await rootFont()).toBe('20px');
    expect(await htmlClasses(page)).toEqual(expect.arrayContaining(['zq-size-2', 'zq-guide', 'zq-bar-open']));
    await page.click('[data-zq-action="reset"]');
    expect(await rootFont()).toBe('16px');
    expect(await page.getAttribute('[data-zq-action="smaller"]', 'aria-disabled')).toBe('true');
    await page.focus('[data-zq-action="reset"]');
    await page.keyboard.press('Escape');
    expect(await page.getAttribute('#zq-a11y-toggle', 'aria-expanded')).toBe('false');
    expect(await focused()).toBe('无障碍');
    await page.reload();
    expect(await htmlClasses(page)).toEqual(['js']);
  });

  it('should read the same without script: no toolbar buttons, a note instead, nothing sideways at 360 px', async () => {
    const page = await open({ javaScriptEnabled: false, viewport: { width: 360, height: 800 } });
    for (const [pack, name] of [['default', 'home'], ['default', 'article'], ['default', 'article-wide'], ['county', 'home'], ['county', 'article']] as const) {
      await page.goto(pagesOf(pack).find((p) => p.name === name)!.url);
      expect(await page.locator('#zq-a11y-toggle').isVisible()).toBe(false);
      expect(await page.locator('.zq-no-js-note').isVisible()).toBe(true);
      expect(await page.locator('.site-nav a').first().isVisible()).toBe(true);
      const { scrollWidth, innerWidth } = await overflow(page);
      expect(scrollWidth, `${pack} ${name}`).toBeLessThanOrEqual(innerWidth);
      await page.screenshot({ path: `${SHOTS}/no-js-${pack}-${name}-360.png`, fullPage: true });
    }
  });

  it('should have raised no page error and no CSP refusal on any page', () => {
    expect(errors).toEqual([]);
  });
});
