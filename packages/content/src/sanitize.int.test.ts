/**
 * The sanitiser against the shared corpus (../shared/corpus, read in place, never copied):
 * DOMPurify's test cases and the OWASP filter-evasion vectors, each sanitised and then rendered
 * in a real Chromium with no CSP, so the sanitiser alone stands between a vector and the page.
 * DOMPurify's expected outputs are not compared: a different allow-list gives different strings;
 * what must hold is that nothing runs and nothing that could run is left in the live DOM.
 *
 * And the sanitiser against DOMPurify itself (on jsdom, as it ran here until Nov 2026) configured
 * with the same policy: the same output on every vector and on every real page and WordPress
 * body of the corpus, but for the differences listed and explained below.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import createDOMPurify, { type Config } from 'dompurify';
import { JSDOM } from 'jsdom';
import type { Browser, BrowserContext } from 'playwright-core';
import { hasChromium, launchChromium, warnIfNoChromium } from '@zhanqun/testing/browser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANITIZE_POLICY, VIDEO_IFRAME_HOSTS, sanitizeBodyHtml, textOf } from './sanitize.js';

const CORPUS = join(fileURLToPath(new URL('../../../', import.meta.url)), '../shared/corpus');
const PER_PAGE = 50;

/** The policy as the brief states it, written out here rather than imported, so the test checks the code. */
const ALLOWED: Record<string, readonly string[]> = {
  p: [], br: [], h2: [], h3: [], h4: [], h5: [], h6: [], strong: [], b: [], em: [], i: [], u: [], s: [], sub: [], sup: [],
  blockquote: [], ul: [], ol: [], li: [], table: [], caption: [], thead: [], tbody: [], tfoot: [], tr: [],
  th: ['colspan', 'rowspan', 'scope'], td: ['colspan', 'rowspan'], a: ['href', 'target', 'rel'],
  img: ['src', 'alt', 'width', 'height'], figure: [], figcaption: [], span: [], div: [], hr: [], pre: [], code: [],
  iframe: ['src', 'width', 'height', 'title', 'allowfullscreen', 'sandbox'],
};

interface Vector { id: string; html: string }

const read = (path: string): string => readFileSync(join(CORPUS, path), 'utf8');

function loadVectors(): Vector[] {
  const dompurify = JSON.parse(read('html-sanitisation/dompurify/expect.json')) as { payload: string }[];
  // Every OWASP block, whatever its fence says (html, js, sh…): an editor can paste any of them.
  const owasp = JSON.parse(read('html-sanitisation/owasp/xss_filter_evasion_vectors.json')) as { vector: string }[];
  return [
    ...dompurify.map((c, i) => ({ id: `dompurify-${i}`, html: c.payload })),
    ...owasp.map((c, i) => ({ id: `owasp-${i}`, html: c.vector })),
  ];
}

const PINGTAN = 'gov-cn-html/pingtan/t20110804_53774.excerpt.html';

/** The Word-pasted body of the Pingtan document page (its `.article_content`). */
function pingtanBody(): string {
  const body = new JSDOM(read(PINGTAN)).window.document.querySelector('.article_content');
  if (!body) throw new Error(`no .article_content in ${PINGTAN}`);
  return body.innerHTML;
}

function counts(html: string): Record<string, number> {
  const doc = new JSDOM(`<!DOCTYPE html><body>${html}`).window.document;
  const n = (selector: string) => doc.querySelectorAll(selector).length;
  return { p: n('p'), table: n('table'), tr: n('tr'), td: n('td'), styled: n('[style]'), classed: n('[class]') };
}

/** DOMPurify on a jsdom window with our policy: the reference the parse5 walk is held to. */
function dompurifySanitizer(): (html: string) => string {
  const { tags, attributes, forbidContentsExtra, allowedUri, iframeSandbox, checkAttribute, iframeSrc } = SANITIZE_POLICY;
  const window = new JSDOM('<!DOCTYPE html><html><body></body></html>').window;
  const purify = createDOMPurify(window as unknown as Parameters<typeof createDOMPurify>[0]);
  const config: Config = {
    ALLOWED_TAGS: [...tags], ALLOWED_ATTR: [], ADD_ATTR: (attribute, tag) => attributes[tag]?.includes(attribute) ?? false,
    ALLOWED_URI_REGEXP: allowedUri, ADD_FORBID_CONTENTS: [...forbidContentsExtra], ALLOW_DATA_ATTR: false, ALLOW_ARIA_ATTR: false,
    ALLOW_UNKNOWN_PROTOCOLS: false, KEEP_CONTENT: true, FORCE_BODY: true, RETURN_DOM: true,
  };
  purify.setConfig(config);
  purify.addHook('afterSanitizeAttributes', (node) => {
    if (node.nodeType !== 1) return;
    const tag = node.nodeName.toLowerCase();
    for (const { name, value } of [...node.attributes]) {
      const checked = checkAttribute(tag, name, value);
      if (checked === null) node.removeAttribute(name);
      else if (checked !== value) node.setAttribute(name, checked);
    }
    if (tag === 'a' && node.getAttribute('target') === '_blank') node.setAttribute('rel', 'noopener');
    if (tag === 'iframe') {
      const src = iframeSrc(node.getAttribute('src') ?? '', VIDEO_IFRAME_HOSTS);
      if (src === null) return void node.remove();
      node.setAttribute('src', src);
      node.setAttribute('sandbox', iframeSandbox);
      node.textContent = '';
    }
  });
  const unwrap = (el: Element) => el.replaceWith(...el.childNodes);
  return (html) => {
    const body = purify.sanitize(html) as unknown as Element | null;
    if (!body) return '';
    const all = (tag: string) => [...body.getElementsByTagName(tag)];
    for (const h1 of all('h1')) {
      const h2 = body.ownerDocument.createElement('h2');
      h2.append(...h1.childNodes);
      h1.replaceWith(h2);
    }
    for (const span of all('span')) if (span.attributes.length === 0) unwrap(span);
    for (const a of all('a')) if (!a.hasAttribute('href')) unwrap(a);
    for (const img of all('img')) if (!img.hasAttribute('src')) img.remove();
    return body.innerHTML;
  };
}

/** Article bodies of the corpus: its real pages whole, and every WordPress post body of its exports. */
function corpusBodies(): { id: string; html: string }[] {
  const out: { id: string; html: string }[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(CORPUS, dir), { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.html?$/.test(entry.name)) out.push({ id: path, html: read(path) });
      else if (entry.name.endsWith('.xml')) {
        for (const [i, m] of [...read(path).matchAll(/<content:encoded><!\[CDATA\[([\s\S]*?)\]\]><\/content:encoded>/g)].entries()) out.push({ id: `${path}#${i}`, html: m[1]! });
      }
    }
  };
  for (const dir of ['gov-cn-html', 'wordpress-theme-test-data', 'wordpress-importer-wxr-fixtures', 'linkinator-fixtures']) walk(dir);
  return out;
}

describe('the sanitiser against DOMPurify with the same policy', () => {
  const dompurify = dompurifySanitizer();

  it('should give what DOMPurify gives on every vector, but where DOMPurify drops more than it must', () => {
    const differ = loadVectors().filter((v) => sanitizeBodyHtml(v.html) !== dompurify(v.html)).map((v) => ({ id: v.id, ours: sanitizeBodyHtml(v.html), dompurify: dompurify(v.html) }));
    expect(differ).toEqual([
      // DOMPurify parses a document, where a <frameset> after a <div> replaces the body: nothing is left.
      // We parse body content, as the page will, where it is ignored: the div and its text stay.
      { id: 'dompurify-88', ours: '<div>//["\'`--&gt;]]&gt;]</div>', dompurify: '' },
      // DOMPurify removes an element carrying `is` (a customised built-in); we remove the attribute.
      { id: 'dompurify-216', ours: '<b>bar</b>', dompurify: '' },
    ]);
  });

  it('should give what DOMPurify gives on every real page and WordPress body of the corpus', () => {
    const bodies = corpusBodies();
    expect(bodies.length).toBeGreaterThanOrEqual(300);
    expect(bodies.filter((b) => sanitizeBodyHtml(b.html) !== dompurify(b.html)).map((b) => b.id)).toEqual([]);
  });
});

describe('the sanitiser on the corpus', () => {
  const vectors = loadVectors();
  const clean = new Map<string, string>();

  it('should sanitise every DOMPurify and OWASP vector, and be stable on its own output', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(300);
    const unstable: string[] = [];
    for (const v of vectors) {
      const once = sanitizeBodyHtml(v.html);
      clean.set(v.id, once);
      if (sanitizeBodyHtml(once) !== once) unstable.push(v.id);
    }
    expect(unstable).toEqual([]);
  });

  it('should keep the paragraphs and tables of the Word-pasted Pingtan document, with no style or class left', () => {
    const before = pingtanBody();
    const after = sanitizeBodyHtml(before);
    const b = counts(before);
    const a = counts(after);
    expect(b.p).toBeGreaterThan(10);
    expect(b.table).toBeGreaterThan(0);
    expect({ p: a.p, table: a.table, tr: a.tr, td: a.td }).toEqual({ p: b.p, table: b.table, tr: b.tr, td: b.td });
    expect({ styled: a.styled, classed: a.classed }).toEqual({ styled: 0, classed: 0 });
    expect(after).not.toMatch(/mso-|<o:p|<!--|<font|<span/i);
    expect(textOf(after)).toBe(textOf(before));
    expect(textOf(after)).toContain('平潭综合实验区2011年抗旱应急预案');
    clean.set('pingtan', after);
  });

  warnIfNoChromium('sanitize.int.test (Chromium part)');

  describe.skipIf(!hasChromium)('rendered in Chromium without CSP', () => {
    let browser: Browser;
    let context: BrowserContext;
    let server: Server;
    let origin = '';
    const pages = new Map<string, string>();

    beforeAll(async () => {
      server = createServer((req, res) => {
        const body = pages.get(req.url ?? '');
        // No Content-Security-Policy on purpose: the sanitiser alone is under test.
        res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(body ?? '');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      browser = await launchChromium();
      context = await browser.newContext();
      // Vectors point at outside hosts; nothing leaves this machine.
      await context.route('**/*', (route) => (route.request().url().startsWith(origin) ? route.continue() : route.abort()));
      await context.addInitScript(() => {
        const w = window as unknown as Record<string, unknown> & { __zqHits: string[] };
        w.__zqHits = [];
        for (const name of ['alert', 'confirm', 'prompt', 'print']) {
          const original = w[name] as (...args: unknown[]) => unknown;
          w[name] = function (this: unknown, ...args: unknown[]) {
            w.__zqHits.push(`${name}(${String(args[0])})`);
            return original.apply(this, args);
          };
        }
        // Sentinels a vector might call or read instead of alert.
        w.xss = w.XSS = () => w.__zqHits.push('xss()');
        Object.defineProperty(Document.prototype, 'cookie', { get: () => { w.__zqHits.push('document.cookie'); return ''; }, configurable: true });
      });
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
      await new Promise((resolve) => server?.close(resolve));
    });

    /** Render vectors on one page: what ran (dialogs, sentinels, navigation) and what the live DOM holds that it should not. */
    async function render(batch: readonly Vector[], path: string, raw = false): Promise<{ ran: string[]; dom: string[] }> {
      const body = (v: Vector) => (raw ? v.html : clean.get(v.id) ?? sanitizeBodyHtml(v.html));
      pages.set(path, `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>${path}</title></head><body>${
        batch.map((v) => `<div id="v-${v.id}">${body(v)}</div>`).join('\n')}</body></html>`);
      const page = await context.newPage();
      const ran: string[] = [];
      page.on('dialog', (d) => { ran.push(`dialog ${d.type()}: ${d.message()}`); void d.dismiss(); });
      page.on('framenavigated', (f) => { if (f === page.mainFrame() && f.url() !== origin + path) ran.push(`navigated to ${f.url()}`); });
      try {
        await page.goto(origin + path, { waitUntil: 'load' });
        // Let error and load handlers of failed images and frames fire.
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 50)))));
        ran.push(...await page.evaluate(() => (window as unknown as { __zqHits: string[] }).__zqHits));
        const dom = await page.evaluate((allowed) => {
          // Through the prototypes: a vector may clobber `form.attributes` or `document.scripts` by name.
          const getter = (proto: object, name: string) => Object.getOwnPropertyDescriptor(proto, name)!.get!;
          const localName = getter(Element.prototype, 'localName');
          const namespace = getter(Element.prototype, 'namespaceURI');
          const idOf = getter(Element.prototype, 'id');
          const { getAttributeNames, getAttribute, hasAttribute, querySelectorAll: within } = Element.prototype;
          const found: string[] = [];
          const scripts = Document.prototype.querySelectorAll.call(document, 'script').length;
          if (scripts) found.push(`page: ${scripts} script element(s)`);
          for (const box of Document.prototype.querySelectorAll.call(document, 'body > div[id^="v-"]')) {
            for (const el of within.call(box, '*')) {
              const tag = localName.call(el) as string;
              const at = `${(idOf.call(box) as string).slice(2)}: <${tag}>`;
              if (namespace.call(el) !== 'http://www.w3.org/1999/xhtml') found.push(`${at} foreign element`);
              else if (!allowed[tag]) found.push(`${at} element not allowed`);
              if (tag === 'iframe' && !hasAttribute.call(el, 'sandbox')) found.push(`${at} iframe without sandbox`);
              for (const name of getAttributeNames.call(el)) {
                const value = getAttribute.call(el, name) ?? '';
                if (/^on/i.test(name)) found.push(`${at} handler ${name}`);
                else if (!allowed[tag]?.includes(name)) found.push(`${at} attribute ${name}`);
                if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'srcdoc', 'poster', 'background'].includes(name)) {
                  let scheme = '';
                  try { scheme = new URL(value, document.baseURI).protocol; } catch { /* unparseable: inert */ }
                  if (scheme === 'javascript:' || scheme === 'vbscript:') found.push(`${at} ${scheme} in ${name}`);
                  if (scheme === 'data:' && !(tag === 'img' && name === 'src')) found.push(`${at} data: in ${name}`);
                }
              }
            }
          }
          return found;
        }, ALLOWED);
        return { ran, dom };
      } finally {
        await page.close();
      }
    }

    it('should catch what runs when nothing is sanitised (the check itself works)', async () => {
      const raw = [
        { id: 'raw-img', html: '<img src="/none.png" onerror="alert(1)">' },
        { id: 'raw-script', html: '<script>xss()</script>' },
        { id: 'raw-link', html: '<a href=" jav&#x09;ascript:alert(1)">x</a>' },
      ];
      const { ran, dom } = await render(raw, '/raw', true);
      expect(ran).toEqual(expect.arrayContaining(['alert(1)', 'dialog alert: 1', 'xss()']));
      expect(dom).toEqual(expect.arrayContaining(['raw-img: <img> handler onerror', 'raw-script: <script> element not allowed', 'raw-link: <a> javascript: in href']));
    });

    it('should run nothing and leave no handler, script or javascript: URL in the live DOM', async () => {
      const all = [...vectors, { id: 'pingtan', html: pingtanBody() }];
      const offences: string[] = [];
      for (let i = 0; i < all.length; i += PER_PAGE) {
        const batch = all.slice(i, i + PER_PAGE);
        const { ran, dom } = await render(batch, `/batch/${i / PER_PAGE}`);
        offences.push(...dom);
        if (!ran.length) continue;
        // Something ran on this page: render its vectors one by one to name the culprits.
        for (const v of batch) {
          const alone = await render([v], `/one/${v.id}`);
          if (alone.ran.length) offences.push(`${v.id}: ran ${alone.ran.join('; ')}`);
        }
        if (!offences.some((o) => batch.some((v) => o.startsWith(`${v.id}:`)))) offences.push(`batch ${i / PER_PAGE}: ran ${ran.join('; ')}`);
      }
      expect(offences).toEqual([]);
    });

    it('should show a kept video iframe sandboxed, and nothing of a rejected one', async () => {
      const html = '<p>视频</p><iframe src="https://v.qq.com/txp/iframe/player.html?vid=x1" onload="alert(1)"></iframe>'
        + '<iframe src="https://www.youtube.com/embed/x"></iframe>';
      clean.set('video', sanitizeBodyHtml(html));
      const { ran, dom } = await render([{ id: 'video', html }], '/video');
      expect({ ran, dom }).toEqual({ ran: [], dom: [] });
      expect(clean.get('video')).toBe('<p>视频</p><iframe src="https://v.qq.com/txp/iframe/player.html?vid=x1" sandbox="allow-scripts allow-same-origin allow-presentation"></iframe>');
    });
  });
});
