/**
 * The Word/WPS paste cleaner in Node, on jsdom's DOMParser: clipboard HTML as Word and WPS write
 * it (word-paste.fixture.ts), and the Word-pasted Pingtan document page from the shared corpus
 * (../shared/corpus, read in place, never copied).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { cleanPastedHtml, isOfficeHtml } from './word-paste.js';
import { WORD_CLIPBOARD, WPS_CLIPBOARD } from './word-paste.fixture.js';

const { DOMParser } = new JSDOM('').window;
const parser = new DOMParser();
const clean = (html: string): string => cleanPastedHtml(html, parser);
const dom = (html: string): Document => parser.parseFromString(`<!DOCTYPE html><body>${html}`, 'text/html');

const CORPUS = join(fileURLToPath(new URL('../../../', import.meta.url)), '../shared/corpus');
const PINGTAN = join(CORPUS, 'gov-cn-html/pingtan/t20110804_53774.excerpt.html');

describe('cleanPastedHtml on Word clipboard HTML', () => {
  const out = clean(WORD_CLIPBOARD);
  const doc = dom(out);

  it('should drop Office markup: mso styles, Mso classes, o:p, conditional comments, style, meta, link and xml', () => {
    expect(out).not.toMatch(/mso-|Mso|<o:p|<\/o:p|<v:|<st1:|<!--|<!\[|<style|<meta|<link|<xml|WordDocument|Style Definitions/i);
    expect(doc.querySelectorAll('[style], [class], [lang], [align], [width], [valign]').length).toBe(0);
    expect(doc.querySelectorAll('font, span, div').length).toBe(0);
  });

  it('should turn bold, italic, underline and subscript runs into elements before the styles go', () => {
    expect(out).toContain('<strong>8月3日前</strong>');
    expect(out).toContain('<em>安全</em>');
    expect(out).toContain('<em>切实</em>');
    expect(out).toContain('<strong>24小时值班</strong>');
    expect(out).toContain('<u>严禁</u>');
    expect(out).toContain('CO<sub>2</sub>');
    expect(out).toContain('<strong>附件</strong>');
    expect(doc.querySelectorAll('b, i').length).toBe(0);
  });

  it('should keep the table with its colspan, and its cells\' paragraphs, text and links', () => {
    const table = doc.querySelector('table');
    expect(table).not.toBeNull();
    expect(doc.querySelectorAll('tr').length).toBe(2);
    expect(doc.querySelector('td[colspan="2"]')?.textContent).toContain('值班安排表');
    expect(doc.querySelector('td[colspan="2"] strong')?.textContent).toBe('值班安排表');
    expect(doc.querySelectorAll('td[rowspan]').length).toBe(0); // rowspan=1 means nothing
    expect(doc.querySelector('tr + tr td p')?.textContent).toBe('8月1日'); // the smart tag keeps its text
    expect(doc.querySelector('a')?.outerHTML).toBe('<a href="https://www.example.gov.cn/zb">张三</a>'); // bookmark gone
  });

  it('should keep headings (h1 as h2), paragraphs and Word\'s list numbers as text', () => {
    expect(doc.querySelector('h1')).toBeNull();
    expect(doc.querySelector('h2')?.textContent).toBe('关于做好防汛工作的通知'); // no space where Word wrapped the line
    const texts = Array.from(doc.querySelectorAll('body > p')).map((p) => p.textContent);
    expect(texts).toContain('各乡镇人民政府，区直各单位：');
    expect(texts).toContain('1. 加强巡查');
    expect(texts).toContain('• 落实责任'); // the Wingdings § bullet
  });

  it('should drop images that live on the author\'s computer and Word\'s page break', () => {
    expect(doc.querySelector('img')).toBeNull();
    expect(doc.querySelector('br')).toBeNull();
  });

  it('should give the parser no style element or attribute, which the console\'s CSP would report', () => {
    let parsed = '';
    cleanPastedHtml(WORD_CLIPBOARD, { parseFromString: (html, type) => parser.parseFromString((parsed = html), type) });
    expect(parsed).toContain('仿宋_GB2312');
    expect(parsed).not.toMatch(/<style|\sstyle\s*=/i);
  });

  it('should recognise Office HTML', () => {
    expect(isOfficeHtml(WORD_CLIPBOARD)).toBe(true);
    expect(isOfficeHtml(WPS_CLIPBOARD)).toBe(true);
    expect(isOfficeHtml('<p>普通网页<b>文字</b></p>')).toBe(false);
  });
});

describe('cleanPastedHtml on WPS clipboard HTML', () => {
  it('should keep bold and italic runs and the list marker text, without the comments', () => {
    expect(clean(WPS_CLIPBOARD)).toBe('<p><strong>一、工作目标</strong></p>\n<p>（一） <em>总体要求</em></p>');
  });
});

describe('cleanPastedHtml on other HTML', () => {
  it('should unwrap Google Docs\' <b style="font-weight:normal"> and keep its real emphasis', () => {
    const html = '<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-1"><p dir="ltr"><span style="font-weight:700">重点</span><span style="font-style:italic">说明</span></p></b>';
    expect(clean(html)).toBe('<p><strong>重点</strong><em>说明</em></p>');
  });

  it('should keep safe structure and drop scripts, handlers and forms\' controls', () => {
    const html = '<div><p onclick="x()">甲</p><script>alert(1)</script><ul><li>乙</li></ul><img src="/a.png" alt="图" onerror="x()"></div><div>丙</div><form><input value="x"><p>丁</p></form>';
    expect(clean(html)).toBe('<p>甲</p><ul><li>乙</li></ul><img src="/a.png" alt="图"><p>丙</p><p>丁</p>');
  });

  it('should merge adjacent runs of the same emphasis', () => {
    expect(clean('<p><span style="font-weight:bold">一</span><span style="font-weight:bold">二</span><b>三</b></p>')).toBe('<p><strong>一二三</strong></p>');
  });
});

describe('cleanPastedHtml on the Word-pasted Pingtan document page', () => {
  const source = readFileSync(PINGTAN, 'utf8');
  const before = parser.parseFromString(source, 'text/html');
  const body = before.querySelector('.article_content');

  it('should keep the paragraphs and the table of the document body, with no mso- or class left', () => {
    expect(body).not.toBeNull();
    const out = clean(body!.innerHTML);
    const after = dom(out);
    const paragraphs = (d: ParentNode) => Array.from(d.querySelectorAll('p')).map((p) => (p.textContent ?? '').replace(/\s+/g, ''));
    expect(paragraphs(after)).toEqual(paragraphs(body!));
    expect(paragraphs(after).length).toBeGreaterThan(10);
    expect(paragraphs(after)).toContain('区防汛抗旱指挥部成员单位、各乡镇人民政府：');
    expect(after.querySelectorAll('table').length).toBe(1);
    expect(after.querySelectorAll('tr').length).toBe(2);
    expect(after.querySelectorAll('td p').length).toBe(2);
    expect(out).not.toMatch(/mso-|class=|style=|<span|<font|<div/i);
  });

  it('should leave nothing of the whole page\'s classes, styles and controls either', () => {
    const out = clean(source);
    expect(out).not.toMatch(/mso-|class=|style=|<button|<iframe|onclick|ms-controller/i);
    expect(dom(out).querySelectorAll('table tr').length).toBe(before.querySelectorAll('.article_content table tr').length);
  });
});
