/**
 * An article out of a legacy page (issue 7, Extract): title, body, publish time and the
 * government-information box, by the profile's CSS selectors (falling back to <h1> and <title>,
 * and for the body to the element with the most paragraph text, a readability-style guess).
 * Links and images in the body become absolute URLs on the old site, so the link pass can
 * rewrite the ones that were imported. Pure (parse5, html-tree.ts).
 */
import { findPublishTime, publishTimeFromMeta, type FoundDate } from '../extract/chinese-date.js';
import { readGovInfoBox, type GovInfoBox } from '../extract/gov-info-box.js';
import { attr, elements, innerHtml, isElement, parseHtml, querySelector, setAttr, textOf, type Element, type Node } from './html-tree.js';
import { crumbsOf, type MirrorProfile } from './mirror-profile.js';

export interface ExtractedPage {
  title: string;
  bodyHtml: string;
  publishedAt: FoundDate | null;
  box: GovInfoBox;
  /** Files the body links or shows (absolute URLs on the old site). */
  files: string[];
  /** The page's 当前位置 crumbs, by the profile's breadcrumb selector (empty without one). */
  breadcrumb: string[];
}

const FILE_LINK = /\.(pdf|docx?|xlsx?|pptx?|wps|et|ofd|zip|rar|7z|txt|png|jpe?g|gif|bmp|webp)(?:$|[?#&])|downfile|download/i;

/** Extract an article from a page's HTML at `url`; null when no body is found. */
export function extractArticle(html: string, url: string, profile: MirrorProfile): ExtractedPage | null {
  const doc = parseHtml(html);
  const pick = (selector: string | null) => (selector ? querySelector(doc, selector) : null);
  const body = pick(profile.selectors.body) ?? largestTextBlock(doc);
  if (!body || !textOf(body).trim()) return null;
  const files = new Set<string>();
  for (const el of elements(body)) {
    const name = el.tagName === 'a' ? 'href' : el.tagName === 'img' ? 'src' : null;
    const raw = name ? attr(el, name) : null;
    if (!name || raw === null || /^(#|mailto:|tel:|javascript:)/i.test(raw.trim())) continue;
    let absolute: string;
    try {
      absolute = new URL(raw.trim(), url).href;
    } catch {
      continue;
    }
    setAttr(el, name, absolute);
    if (name === 'src' || FILE_LINK.test(absolute)) files.add(absolute);
  }
  const title = titleOf(doc, pick(profile.selectors.title));
  const timeEl = pick(profile.selectors.time);
  const pageText = textOf(querySelector(doc, 'body') ?? doc);
  const publishedAt = (timeEl ? findPublishTime(textOf(timeEl)) : null) ?? publishTimeFromMeta(html) ?? findPublishTime(pageText);
  const crumbs = pick(profile.selectors.breadcrumb);
  return { title, bodyHtml: innerHtml(body).trim(), publishedAt, box: readGovInfoBox(pageText), files: [...files], breadcrumb: crumbs ? crumbsOf(textOf(crumbs)) : [] };
}

const GOOD = /content|article|zoom|trs_editor|detail|text|main|body|conn|wzy/i;
const BAD = /nav|foot|header|menu|side|comment|share|copyright|link|search|banner|breadcrumb|position|related|hot/i;

/**
 * Without a selector, a readability-style guess: every paragraph-like block gives points to its
 * parent and half to its grandparent (more for longer text with Chinese or Western commas);
 * a paragraph the page repeats word for word (the 主办单位 line of a footer printed many times)
 * counts once; class and id names that look like content count for, navigation and footers
 * against (their score cut to a quarter: a long footer must not outweigh the article); the
 * share of link text counts against. The best scored element is the body.
 */
function largestTextBlock(doc: Node): Element | null {
  const scores = new Map<Element, number>();
  const add = (el: Element | null, points: number) => { if (el && isElement(el)) scores.set(el, (scores.get(el) ?? 0) + points); };
  const seen = new Set<string>();
  for (const el of elements(doc)) {
    if (el.tagName !== 'p' && el.tagName !== 'td' && !(el.tagName === 'div' && !el.childNodes.some((c) => isElement(c) && BLOCKISH.has(c.tagName)))) continue;
    const text = textOf(el).replace(/\s+/g, '');
    if (text.length < 25 || seen.has(text)) continue;
    seen.add(text);
    const points = 1 + (text.match(/[，,。]/g)?.length ?? 0) + Math.min(text.length / 100, 3);
    const parent = el.parentNode as Element | null;
    add(parent, points);
    add((parent?.parentNode ?? null) as Element | null, points / 2);
  }
  let best: Element | null = null;
  let bestScore = 0;
  for (const [el, base] of scores) {
    const names = `${attr(el, 'class') ?? ''} ${attr(el, 'id') ?? ''}`;
    const text = textOf(el).replace(/\s+/g, '').length || 1;
    const linkText = [...elements(el)].filter((a) => a.tagName === 'a').reduce((n, a) => n + textOf(a).replace(/\s+/g, '').length, 0);
    const score = (base + (GOOD.test(names) ? 25 : 0)) * (BAD.test(names) ? 0.25 : 1) * (1 - Math.min(linkText / text, 1));
    if (score > bestScore) {
      best = el;
      bestScore = score;
    }
  }
  return best;
}

const SITE_SUFFIX = /\s*[-_|]\s*[^-_|]{2,20}(网|网站|门户网站|政府)$/;
const BLOCKISH = new Set(['p', 'div', 'table', 'ul', 'ol', 'section', 'article', 'h1', 'h2', 'h3', 'h4', 'blockquote', 'pre']);

/** The page's title: its ArticleTitle or og:title meta, an <h1> that says something, else <title> without the site's name. */
function titleOf(doc: Node, profileTitle: Element | null): string {
  const clean = (s: string) => s.replace(/\s+/g, ' ').trim();
  if (profileTitle) return clean(textOf(profileTitle));
  for (const el of elements(doc)) {
    if (el.tagName !== 'meta') continue;
    const name = (attr(el, 'name') ?? attr(el, 'property') ?? '').toLowerCase();
    // og:title often carries the site's name: "…-中国科普网".
    if ((name === 'articletitle' || name === 'og:title') && attr(el, 'content')?.trim()) return clean(attr(el, 'content')!).replace(SITE_SUFFIX, '');
  }
  const h1 = querySelector(doc, 'h1');
  if (h1 && clean(textOf(h1)).length >= 4) return clean(textOf(h1));
  const title = querySelector(doc, 'title');
  const parts = clean(title ? textOf(title) : '').split(/\s*[_|]\s*|\s+-\s+/).filter(Boolean);
  return (parts.sort((a, b) => b.length - a.length)[0] ?? '').replace(SITE_SUFFIX, '');
}
