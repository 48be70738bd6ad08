/**
 * The built editor bundle in the machine's Chromium, on a tiny form page served by node:http with
 * the console's CSP: it enhances the textarea, cleans Word paste, keeps the textarea in sync so the
 * form posts `bodyHtml` by itself, works from the keyboard, uploads through `data-upload-url`,
 * passes axe, and trips no CSP rule. No database: the integration project only because it drives
 * a browser. Builds dist/ first when it is missing or older than the sources.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JSDOM } from 'jsdom';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axeProblems, hasChromium, launchChromium, warnIfNoChromium } from '@zhanqun/testing/browser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORD_CLIPBOARD } from './word-paste.fixture.js';

const PACKAGE = fileURLToPath(new URL('../', import.meta.url));
const DIST = join(PACKAGE, 'dist');
const BUNDLE = join(DIST, 'zq-editor.js');
const PINGTAN = join(PACKAGE, '../../../shared/corpus/gov-cn-html/pingtan/t20110804_53774.excerpt.html');
/** The console's CSP (apps/server/src/app.ts): no inline script or style. */
const CSP = "default-src 'self'; img-src 'self' data:; script-src 'self'; style-src 'self'";

const PAGE = `<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>编辑文章</title><link rel="stylesheet" href="/zq-editor.css"></head>
<body><main><h1>编辑文章</h1>
<form method="post" action="/save">
  <input type="hidden" name="_csrf" value="csrf-token-1">
  <label for="body">正文</label>
  <textarea id="body" name="bodyHtml" rows="12" data-zq-editor data-upload-url="/upload">&lt;p&gt;原有内容&lt;/p&gt;</textarea>
  <button type="submit">保存</button>
</form></main>
<script src="/zq-editor.js"></script></body></html>`;

/** Build dist/ when it is missing or older than a source file (CI builds it in `npm run build`). */
function ensureBundle(): void {
  const newest = Math.max(...readdirSync(join(PACKAGE, 'src')).map((f) => statSync(join(PACKAGE, 'src', f)).mtimeMs));
  if (existsSync(BUNDLE) && statSync(BUNDLE).mtimeMs >= newest) return;
  try {
    execFileSync(process.execPath, [join(PACKAGE, 'build.mjs')], { cwd: PACKAGE, stdio: 'pipe' });
  } catch (err) {
    const output = (err as { stderr?: Buffer }).stderr?.toString() ?? String(err);
    throw new Error(`the editor bundle is missing and \`node packages/editor/build.mjs\` failed; run \`npm run build\`:\n${output}`);
  }
}

interface Received { saves: URLSearchParams[]; uploads: { csrf: string | undefined; body: string }[] }

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks))).on('error', reject);
  });
}

function serve(received: Received): Server {
  const types: Record<string, string> = { js: 'text/javascript', css: 'text/css', map: 'application/json' };
  return createServer((req, res) => {
    void (async () => {
      const headers = { 'content-security-policy': CSP, 'x-content-type-options': 'nosniff' };
      const file = /^\/(zq-editor\.(js|css|js\.map))$/.exec(req.url ?? '');
      if (req.method === 'GET' && req.url === '/') {
        res.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
      } else if (req.method === 'GET' && file) {
        res.writeHead(200, { ...headers, 'content-type': types[file[2]!.replace('js.map', 'map')]! }).end(readFileSync(join(DIST, file[1]!)));
      } else if (req.method === 'POST' && req.url === '/upload') {
        const csrf = req.headers['x-csrf-token'];
        received.uploads.push({ csrf: typeof csrf === 'string' ? csrf : undefined, body: (await readBody(req)).toString('utf8') });
        res.writeHead(200, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify({ url: '/files/abc123.png', filename: '平潭地图.png' }));
      } else if (req.method === 'POST' && req.url === '/save') {
        received.saves.push(new URLSearchParams((await readBody(req)).toString('utf8')));
        res.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8' }).end('<!DOCTYPE html><html lang="zh-CN"><title>已保存</title><p>已保存</p></html>');
      } else {
        res.writeHead(404, headers).end();
      }
    })();
  });
}

/** Paste HTML into the editor the way a browser does: a paste event carrying text/html. */
async function pasteHtml(page: Page, html: string): Promise<void> {
  await page.evaluate((pasted) => {
    const data = new DataTransfer();
    data.setData('text/html', pasted);
    data.setData('text/plain', pasted.replace(/<[^>]*>/g, ''));
    document.querySelector('.ProseMirror')!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, html);
}

type Where = 'end' | 'first-paragraph';

/**
 * Put the caret at the end, or select the first paragraph's text, through the editor. Keys like
 * End reach ProseMirror's state only at the next selectionchange, which a fast script can outrun.
 */
async function place(page: Page, where: Where): Promise<void> {
  await page.evaluate((w) => {
    interface Chain { focus(p?: string): Chain; setTextSelection(r: { from: number; to: number }): Chain; run(): boolean }
    const editor = (window as unknown as { zqEditor: { editorFor(t: Element): { chain(): Chain; state: { doc: { firstChild: { content: { size: number } } } } } } })
      .zqEditor.editorFor(document.querySelector('#body')!);
    if (w === 'end') editor.chain().focus('end').run();
    else editor.chain().focus().setTextSelection({ from: 1, to: 1 + editor.state.doc.firstChild.content.size }).run();
  }, where);
  // Tiptap focuses on the next animation frame: let it pass, or it would take the focus back later.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await page.waitForFunction(() => document.activeElement?.classList.contains('ProseMirror'));
}

const bodyValue = (page: Page) => page.$eval('#body', (t) => (t as HTMLTextAreaElement).value);

warnIfNoChromium('editor.browser.int.test');

describe.skipIf(!hasChromium)('the console editor in Chromium', () => {
  const received: Received = { saves: [], uploads: [] };
  let server: Server;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let origin = '';

  beforeAll(async () => {
    ensureBundle();
    server = serve(received);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    context = await browser.newContext({ locale: 'zh-CN' });
    // Recorded from the first script on: any CSP refusal (an injected <style>, a style attribute).
    await context.addInitScript(() => {
      const w = window as unknown as { cspViolations: string[] };
      w.cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => w.cspViolations.push(`${e.violatedDirective}: ${e.sample || e.blockedURI}`));
    });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(origin);
    await page.waitForSelector('.ProseMirror');
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('should replace the textarea by the editor, with a labelled toolbar of real buttons, and pass axe', async () => {
    expect(await page.isHidden('#body')).toBe(true);
    expect(await page.textContent('.ProseMirror')).toBe('原有内容');
    const labels = await page.$$eval('[role=toolbar] button', (bs) => bs.map((b) => `${(b as HTMLButtonElement).type}:${b.getAttribute('aria-label')}`));
    for (const label of ['标题2', '标题3', '加粗', '倾斜', '下划线', '有序列表', '无序列表', '插入表格', '链接', '图片', '附件', '撤销', '重做']) {
      expect(labels).toContain(`button:${label}`);
    }
    expect(await page.getAttribute('[role=toolbar]', 'aria-label')).toBe('正文格式工具栏');
    expect(await page.getAttribute('.ProseMirror', 'aria-labelledby')).toBe('body-label');
    expect(await page.getAttribute('button[data-tool=bold]', 'aria-pressed')).toBe('false');
    expect(await axeProblems(page)).toEqual([]);
  });

  it('should make the selection bold from the 加粗 button and write it to the textarea', async () => {
    await place(page, 'first-paragraph');
    await page.getByRole('button', { name: '加粗' }).click();
    expect(await page.getAttribute('button[data-tool=bold]', 'aria-pressed')).toBe('true');
    expect(await bodyValue(page)).toBe('<p><strong>原有内容</strong></p>');
  });

  it('should reach the toolbar with Alt+F10, move with the arrow keys, press with Enter and go back with Escape', async () => {
    await place(page, 'end');
    await page.keyboard.press('Alt+F10');
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.className);
    expect(await focused()).toBe('加粗'); // the last button used stays the toolbar's tab stop
    await page.keyboard.press('ArrowRight');
    expect(await focused()).toBe('倾斜');
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => document.activeElement?.classList.contains('ProseMirror')); // Tiptap focuses on the next frame
    await page.keyboard.type('续写');
    await page.keyboard.press('Shift+ArrowLeft');
    await page.keyboard.press('Shift+ArrowLeft');
    await page.waitForFunction(() => {
      const { from, to } = (window as unknown as { zqEditor: { editorFor(t: Element): { state: { selection: { from: number; to: number } } } } })
        .zqEditor.editorFor(document.querySelector('#body')!).state.selection;
      return to - from === 2; // ProseMirror reads the selection at the next selectionchange
    });
    await page.keyboard.press('Alt+F10');
    expect(await focused()).toBe('倾斜'); // where the arrow keys left it
    await page.keyboard.press('Enter'); // applies, and returns to the text
    expect(await bodyValue(page)).toBe('<p><strong>原有内容<em>续写</em></strong></p>');
    await page.waitForFunction(() => document.activeElement?.classList.contains('ProseMirror'));
    await page.keyboard.press('Alt+F10');
    await page.keyboard.press('End');
    expect(await focused()).toBe('撤销'); // 重做 is disabled with nothing to redo, and skipped
    await page.keyboard.press('Home');
    expect(await focused()).toBe('正文');
    await page.keyboard.press('ArrowLeft');
    expect(await focused()).toBe('撤销');
    await page.keyboard.press('Escape');
  });

  it('should clean Word clipboard HTML on paste: table with colspan, strong and em kept, no mso- or Mso class', async () => {
    await place(page, 'end');
    await page.keyboard.press('Enter'); // into an empty paragraph: pasted into text, the first block would join it
    await pasteHtml(page, WORD_CLIPBOARD);
    const html = await bodyValue(page);
    expect(html).toMatch(/<table><tbody><tr><td colspan="2"><p><strong>值班安排表<\/strong><\/p><\/td><\/tr>.*<\/table>/s);
    expect(html).not.toMatch(/colspan="1"|rowspan="1"|colwidth|<colgroup/);
    expect(html).toContain('<strong>8月3日前</strong>');
    expect(html).toContain('<em>安全</em>');
    expect(html).toContain('<u>严禁</u>');
    expect(html).toContain('<h2>关于做好防汛工作的通知</h2>');
    expect(html).not.toMatch(/mso-|class="?Mso|style=|<o:p|<span|<font|file:/i);
    expect(await axeProblems(page)).toEqual([]);
  });

  it('should keep the paragraphs and table of the Word-pasted Pingtan document', async () => {
    const body = new JSDOM(readFileSync(PINGTAN, 'utf8')).window.document.querySelector('.article_content');
    expect(body).not.toBeNull();
    await page.evaluate(() => {
      const w = window as unknown as { zqEditor: { editorFor(t: HTMLTextAreaElement): { commands: { clearContent(emit: boolean): void } } } };
      w.zqEditor.editorFor(document.querySelector('#body')!)!.commands.clearContent(true);
    });
    await pasteHtml(page, body!.innerHTML);
    const html = await bodyValue(page);
    expect(html).toContain('区防汛抗旱指挥部成员单位、各乡镇人民政府：');
    expect(html).toContain('为进一步做好我区的抗旱工作');
    expect(html.match(/<p>/g)?.length).toBeGreaterThan(10);
    expect(html.match(/<tr>/g)?.length).toBe(2);
    expect(html).not.toMatch(/style=|class=|<span/i);
  });

  it('should ask for a link in the inline prompt, where Enter applies it instead of submitting the form', async () => {
    await place(page, 'first-paragraph');
    await page.getByRole('button', { name: '链接' }).click();
    expect(await axeProblems(page)).toEqual([]); // with the prompt open
    await page.getByLabel('链接地址').fill('www.gov.cn');
    await page.getByLabel('链接地址').press('Enter');
    expect(await bodyValue(page)).toMatch(/<p><a href="https:\/\/www\.gov\.cn">[^<]+<\/a><\/p>/);
    expect(received.saves).toHaveLength(0);
    expect(await page.getAttribute('button[data-tool=link]', 'aria-pressed')).toBe('true');
  });

  it('should upload an image through data-upload-url with the form\'s CSRF token and insert it', async () => {
    await place(page, 'end');
    await page.getByRole('button', { name: '图片' }).click();
    await page.getByLabel('或上传图片').setInputFiles({ name: '平潭地图.png', mimeType: 'image/png', buffer: Buffer.from('89504e470d0a1a0a', 'hex') });
    await page.click('.zq-editor-prompt .zq-editor-ok');
    await page.waitForSelector('.ProseMirror img');
    expect(received.uploads).toHaveLength(1);
    expect(received.uploads[0]!.csrf).toBe('csrf-token-1');
    expect(received.uploads[0]!.body).toContain('name="file"; filename="平潭地图.png"');
    expect(await bodyValue(page)).toContain('<img src="/files/abc123.png" alt="平潭地图">');
    expect(await page.textContent('.zq-editor-status')).toBe('已上传：平潭地图.png');
  });

  it('should post the editor\'s HTML as bodyHtml with the plain form, and trip no CSP rule on the way', async () => {
    expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
    const value = await bodyValue(page);
    await Promise.all([page.waitForURL(`${origin}/save`), page.getByRole('button', { name: '保存' }).click()]);
    expect(received.saves).toHaveLength(1);
    expect(received.saves[0]!.get('bodyHtml')).toBe(value);
    expect(received.saves[0]!.has('zq-editor-href')).toBe(false); // the prompt's inputs are not posted
  });

  it('should leave a plain textarea when JavaScript is off', async () => {
    const noJs = await browser.newContext({ javaScriptEnabled: false, locale: 'zh-CN' });
    try {
      const plain = await noJs.newPage();
      await plain.goto(origin);
      expect(await plain.isVisible('#body')).toBe(true);
      expect(await plain.$('[role=toolbar]')).toBeNull();
    } finally {
      await noJs.close();
    }
  });
});
