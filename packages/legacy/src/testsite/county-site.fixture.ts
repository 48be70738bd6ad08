// Test fixture (not built): a legacy county government site (旧县政府网站) of a Hanweb-style CMS,
// generated deterministically, for the mirror and crawler sources (issue 7, Done when): over 200
// pages — articles and index_N.html list pages in several sections, a disclosure box (信息索引) on
// policy documents, attachments and images, one document published in two sections, a section in
// GBK beside UTF-8 ones, a robots.txt Disallow, and a retired section. It can be written as a
// wget-style mirror or served on loopback. Every page also says what the import should find.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';

export const LEGACY_HOST = 'www.anhe-old.gov.cn';

export interface Section { id: number; slug: string; name: string; encoding: 'utf-8' | 'gbk'; items: number; kind: 'notice' | 'policy' | 'news' }

/** The old site's sections (栏目); col9 was closed before the move (its pages are retired). */
export const SECTIONS: readonly Section[] = [
  { id: 1, slug: 'tzgg', name: '通知公告', encoding: 'utf-8', items: 60, kind: 'notice' },
  { id: 2, slug: 'zcwj', name: '政策文件', encoding: 'utf-8', items: 45, kind: 'policy' },
  { id: 3, slug: 'bmdt', name: '部门动态', encoding: 'gbk', items: 50, kind: 'news' },
  { id: 4, slug: 'xzdt', name: '乡镇动态', encoding: 'utf-8', items: 30, kind: 'news' },
  { id: 9, slug: 'old', name: '旧栏目', encoding: 'utf-8', items: 12, kind: 'news' },
];
export const PAGE_SIZE = 20;
/** The document published in two sections: one article, the second URL redirects to it. */
export const SHARED = { id: 5001, sections: [1, 3] as const, title: '关于做好2019年春节期间安全生产工作的通知' };
/** Paths robots.txt disallows (search result pages the crawler must not fetch). */
export const DISALLOWED = '/module/search/';

export interface LegacyPage {
  path: string;
  contentType: string;
  bytes: Buffer;
  /** What an import should make of it (for assertions). */
  expect?: { kind: 'article' | 'list' | 'attachment'; section?: number; title?: string; publishedAt?: string; encoding?: string };
}

let gbkMap: Map<string, number[]> | null = null;
/** GBK bytes of a text, from a table read out of Node's own GB18030 decoder (no encoder library). */
export function encodeGbk(text: string): Buffer {
  if (!gbkMap) {
    const pairs: number[] = [];
    for (let a = 0x81; a <= 0xfe; a++) for (let b = 0x40; b <= 0xfe; b++) if (b !== 0x7f) pairs.push(a, b, 0x0a);
    const chars = new TextDecoder('gb18030').decode(Buffer.from(pairs)).split('\n');
    gbkMap = new Map();
    let i = 0;
    for (let a = 0x81; a <= 0xfe; a++) for (let b = 0x40; b <= 0xfe; b++) if (b !== 0x7f) gbkMap.set(chars[i++]!, [a, b]);
  }
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) out.push(code);
    else out.push(...(gbkMap.get(ch) ?? [0x3f]));
  }
  return Buffer.from(out);
}

const pad = (n: number) => String(n).padStart(2, '0');
/** Item n of a section: its date (one every 3 days back from 2019-06-30) and ids. */
function itemOf(section: Section, n: number) {
  const day = new Date(Date.UTC(2019, 5, 30) - (n * 3 + section.id) * 86_400_000);
  const [y, m, d] = [day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate()];
  const id = section.id * 1000 + n;
  const hour = 8 + (n % 9);
  return { id, y, m, d, time: `${y}-${pad(m)}-${pad(d)} ${pad(hour)}:${pad((n * 7) % 60)}`, path: `/art/${y}/${m}/${d}/art_${section.id}_${id}.html` };
}

function titleOf(section: Section, n: number): string {
  const topics = ['安全生产', '防汛抗旱', '疫苗接种', '农村人居环境整治', '义务教育招生', '医疗保障', '就业创业补贴', '森林防火'];
  return `安和县${section.name}：关于${topics[n % topics.length]}工作的第${n + 1}号${section.kind === 'policy' ? '文件' : '通知'}`;
}

function layout(section: Section, title: string, main: string): string {
  const charset = section.encoding === 'gbk' ? 'gbk' : 'utf-8';
  return `<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=${charset}">
<title>${title}_安和县人民政府</title><meta name="SiteName" content="安和县人民政府"><meta name="ColumnName" content="${section.name}">
<script src="/module/jslib/jquery/jquery.js"></script></head>
<body><div class="top"><a href="/">首页</a> <a href="${DISALLOWED}search.jsp?q=1">搜索</a> ${SECTIONS.filter((s) => s.id !== 9).map((s) => `<a href="/col/col${s.id}/index.html">${s.name}</a>`).join(' ')}</div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/col/col${section.id}/index.html">${section.name}</a></div>
${main}
<div class="foot">主办：安和县人民政府办公室 网站标识码：9901210001 赣ICP备00000000号</div></body></html>`;
}

function articlePage(section: Section, n: number, shared = false): string {
  // The shared document is the same text in both sections, on the same day.
  const it = shared ? { ...itemOf(section, n), y: 2019, m: 1, d: 20, time: '2019-01-20 09:00' } : itemOf(section, n);
  const title = shared ? SHARED.title : titleOf(section, n);
  const box = section.kind === 'policy' ? `<table class="xxgk"><tr><td>索&ensp;引&ensp;号：</td><td>001234567/${it.y}-${pad(n + 1)}</td><td>主题分类：</td><td>综合政务</td></tr>
<tr><td>发文机关：</td><td>安和县人民政府办公室</td><td>成文日期：</td><td>${it.y}年${it.m}月${Math.max(1, it.d - 1)}日</td></tr>
<tr><td>标&emsp;&emsp;题：</td><td>${title}</td></tr><tr><td>发文字号：</td><td>安府办字〔${it.y}〕${n + 1}号</td><td>发布日期：</td><td>${it.y}-${pad(it.m)}-${pad(it.d)}</td></tr>
<tr><td>有&ensp;效&ensp;性：</td><td>${n % 7 === 0 ? '废止' : '有效'}</td></tr></table>` : '';
  const attachment = !shared && n % 5 === 0 ? `<p>附件：<a href="/module/download/downfile.jsp?classid=0&amp;filename=${it.id}.pdf">${title}.pdf</a></p>` : '';
  const image = !shared && section.kind === 'news' && n % 4 === 0 ? `<p><img src="/picture/0/${it.id}.png" alt="${section.name}现场照片"></p>` : '';
  const related = n > 0 ? `<p>相关阅读：<a href="${itemOf(section, n - 1).path}">${titleOf(section, n - 1)}</a></p>` : '';
  return layout(section, title, `${box}<div class="article"><h1 class="title">${title}</h1>
<div class="info">发布时间：${it.time} 来源：安和县${section.name}办 浏览次数：<span id="hits">0</span></div>
<div class="content" id="zoom"><p>各乡镇人民政府，县直各单位：</p><p>为进一步做好${shared ? '春节期间安全生产' : section.name}相关工作，现将有关事项通知如下。</p>
<p>一、提高思想认识。各单位要充分认识做好此项工作的重要性。</p><p>二、落实工作责任。${'请认真贯彻执行。'.repeat(3)}</p>${image}${attachment}${related}
<p style="text-align:right">安和县人民政府办公室<br>${it.y}年${it.m}月${it.d}日</p></div></div>`);
}

function listPage(section: Section, page: number, pages: number): string {
  const from = page * PAGE_SIZE;
  const items = Array.from({ length: Math.min(PAGE_SIZE, section.items - from) }, (_, i) => from + i);
  const shared = SHARED.sections.includes(section.id as 1 | 3) && page === 0 ? [`<li><a href="/art/2019/1/20/art_${section.id}_${SHARED.id}.html">${SHARED.title}</a><span>2019-01-20</span></li>`] : [];
  const links = items.map((n) => { const it = itemOf(section, n); return `<li><a href="${it.path}">${titleOf(section, n)}</a><span>${it.time.slice(0, 10)}</span></li>`; });
  const nav = Array.from({ length: pages }, (_, p) => `<a href="/col/col${section.id}/${p === 0 ? 'index' : `index_${p}`}.html">${p + 1}</a>`).join(' ');
  return layout(section, section.name, `<div class="list"><h2>${section.name}</h2><ul>${[...shared, ...links].join('\n')}</ul><div class="page">${nav}</div></div>`);
}

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63600000000200015e2a8f360000000049454e44ae426082', 'hex');
const pdf = (id: number) => Buffer.from(`%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n% document ${id}\ntrailer<</Root 1 0 R>>\n%%EOF\n`);

/** Every page of the old site, by path (query included for the download links). */
export function countySite(): Map<string, LegacyPage> {
  const pages = new Map<string, LegacyPage>();
  const html = (path: string, section: Section, text: string, expect: LegacyPage['expect']) => pages.set(path, {
    path, contentType: `text/html; charset=${section.encoding === 'gbk' ? 'GBK' : 'UTF-8'}`,
    bytes: section.encoding === 'gbk' ? encodeGbk(text) : Buffer.from(text), expect: { ...expect, encoding: section.encoding },
  });
  for (const section of SECTIONS) {
    const pageCount = Math.ceil(section.items / PAGE_SIZE);
    for (let p = 0; p < pageCount; p++) html(`/col/col${section.id}/${p === 0 ? 'index' : `index_${p}`}.html`, section, listPage(section, p, pageCount), { kind: 'list', section: section.id });
    for (let n = 0; n < section.items; n++) {
      const it = itemOf(section, n);
      html(it.path, section, articlePage(section, n), { kind: 'article', section: section.id, title: titleOf(section, n), publishedAt: it.time });
      if (n % 5 === 0) pages.set(`/module/download/downfile.jsp?classid=0&filename=${it.id}.pdf`, { path: `/module/download/downfile.jsp?classid=0&filename=${it.id}.pdf`, contentType: 'application/pdf', bytes: pdf(it.id), expect: { kind: 'attachment' } });
      if (section.kind === 'news' && n % 4 === 0) pages.set(`/picture/0/${it.id}.png`, { path: `/picture/0/${it.id}.png`, contentType: 'image/png', bytes: PNG, expect: { kind: 'attachment' } });
    }
  }
  for (const sectionId of SHARED.sections) {
    const section = SECTIONS.find((s) => s.id === sectionId)!;
    html(`/art/2019/1/20/art_${sectionId}_${SHARED.id}.html`, section, articlePage(section, 0, true),
      { kind: 'article', section: sectionId, title: SHARED.title, publishedAt: '2019-01-20 09:00' });
  }
  const home = SECTIONS[0]!;
  html('/', home, layout(home, '安和县人民政府', '<div class="home">欢迎访问安和县人民政府网站</div>'), { kind: 'list' });
  html(`${DISALLOWED}search.jsp?q=1`, home, layout(home, '搜索', '<div>搜索结果</div>'), { kind: 'list' });
  pages.set('/robots.txt', { path: '/robots.txt', contentType: 'text/plain', bytes: Buffer.from(`User-agent: *\nDisallow: ${DISALLOWED}\n`) });
  return pages;
}

/** Write the site as `wget --mirror` leaves it: `<dir>/<host>/<path>` (a query becomes part of the name, as wget writes it). */
export function writeMirror(dir: string, pages = countySite()): string {
  const root = join(dir, LEGACY_HOST);
  for (const page of pages.values()) {
    const file = join(root, page.path === '/' ? 'index.html' : page.path.slice(1));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, page.bytes);
  }
  return root;
}

/** Serve the site on 127.0.0.1 (any port), as its old server did; 404 for the rest. */
export async function serveCountySite(pages = countySite()): Promise<{ server: Server; origin: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '/');
    const page = pages.get(req.url ?? '/');
    if (!page) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': page.contentType, 'content-length': page.bytes.length }).end(page.bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}
