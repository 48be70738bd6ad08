/**
 * Pages imported from the WordPress accessibility team's test content (issue 7, Done when): the
 * whole a11y export imported into a county site, then its richest pages — markup and formatting,
 * nested lists, image alignment, block formatting — opened in the machine's Chromium in the
 * site's theme pass axe's WCAG 2.1 A and AA rules within the article (title, metadata and the
 * imported body; the theme's chrome is theme-a11y's). The old post URL leads there (301).
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPath } from '@zhanqun/legacy/corpus.fixture';
import { legacyWorld, type LegacyWorld } from '@zhanqun/legacy/legacy.fixture';
import { importWxr } from '@zhanqun/legacy/wxr/wxr-import.service';
import { parseWxr } from '@zhanqun/legacy/wxr/wxr-parser';
import { hasChromium, launchChromium, warnIfNoChromium } from '@zhanqun/testing/browser';
import { build, type TestApp } from './helper.js';

warnIfNoChromium('legacy-a11y.browser.int.test');

const A11Y = readFileSync(corpusPath('wordpress-importer-wxr-fixtures', 'phpunit-data', 'a11y-unit-test-data.xml'), 'utf8');
const PAGES = ['Markup: HTML Tags and Formatting', 'Page Markup And Formatting', 'Edge Case: Nested And Mixed Lists', 'Markup: Image Alignment', 'Block category: Formatting'];
const WCAG21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

describe.skipIf(!hasChromium)('pages imported from the WordPress accessibility test data, in Chromium', () => {
  let h: TestApp;
  let w: LegacyWorld;
  let browser: Browser;
  let origin = '';

  beforeAll(async () => {
    h = await build();
    w = await legacyWorld(h.t, 'lga');
    const { report } = await importWxr(w.ctx, w.siteId, { wxr: A11Y, sourceName: 'a11y-unit-test-data.xml', columnId: w.columnId });
    expect(report.failed).toEqual([]);
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    const host = (await h.t.db.selectFrom('site_domain').select('host').where('site_id', '=', w.siteId).where('role', '=', 'primary').executeTakeFirstOrThrow()).host;
    origin = `http://${host}:${(h.app.server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('should pass axe (WCAG 2.1 A and AA) on each imported page, reached from its old URL', async () => {
    const doc = parseWxr(A11Y);
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
    const findings: string[] = [];
    try {
      for (const title of PAGES) {
        const item = doc.items.find((i) => i.title === title)!;
        // The old permalink, asked of the platform, leads to the imported page.
        const old = new URL(item.link!);
        const moved = await h.app.inject({ method: 'GET', url: `${old.pathname}${old.search}`, headers: { host: new URL(origin).host } });
        expect(moved.statusCode, title).toBe(301);
        const page = await context.newPage();
        const res = await page.goto(`${origin}${moved.headers.location}`);
        expect(res?.status(), title).toBe(200);
        // The imported content is what this test answers for; the theme's chrome has its own test (theme-a11y).
        const { violations } = await new AxeBuilder({ page }).include('.article').setLegacyMode(true).analyze();
        findings.push(...violations.filter((v) => v.tags.some((t) => WCAG21_AA.includes(t)) || v.impact === 'serious' || v.impact === 'critical')
          .flatMap((v) => v.nodes.map((n) => `${title}: ${v.id} (${v.impact}): ${n.target.join(' ')}`)));
        await page.close();
      }
    } finally {
      await context.close();
    }
    expect(findings).toEqual([]);
  });
});
