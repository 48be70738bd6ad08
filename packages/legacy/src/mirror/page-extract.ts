/**
 * An article out of a legacy page (issue 7, Extract): title, body, publish time and the
 * government-information box, by the profile's CSS selectors (falling back to <h1> and <title>,
 * and for the body to the element with the most paragraph text, a readability-style guess).
 * Links and images in the body become absolute URLs on the old site, so the link pass can
 * rewrite the ones that were imported. Pure (parse5, html-tree.ts).
 */
import { findPublishTime, publishTimeFromMeta, type FoundDate } from '../extract/chinese-date.js';
import { readGovInfoBox, type GovInfoBox } from '../extract/gov-info-box.js';
import { attr, elements, innerHtml, parseHtml, querySelector, setAttr, textOf, type Element, type Node } from './html-tree.js';
import type { MirrorProfile } from './mirror-profile.js';

export interface ExtractedPage {
  title: string;
  bodyHtml: string;
  publishedAt: FoundDate | null;
  box: GovInfoBox;
  /** Files the body links or shows (absolute URLs on the old site). */
  files: string[];
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
  const titleEl = pick(profile.selectors.title) ?? querySelector(doc, 'h1');
  const pageTitle = querySelector(doc, 'title');
  const title = (titleEl ? textOf(titleEl) : (pageTitle ? textOf(pageTitle) : '').replace(/[_|-][^_|-]*$/, '')).replace(/\s+/g, ' ').trim();
  const timeEl = pick(profile.selectors.time);
  const pageText = textOf(querySelector(doc, 'body') ?? doc);
  const publishedAt = (timeEl ? findPublishTime(textOf(timeEl)) : null) ?? publishTimeFromMeta(html) ?? findPublishTime(pageText);
  return { title, bodyHtml: innerHtml(body).trim(), publishedAt, box: readGovInfoBox(pageText), files: [...files] };
}

/** Without a selector: the element holding the most paragraph text. */
function largestTextBlock(doc: Node): Element | null {
  let best: Element | null = null;
  let bestLength = 0;
  for (const el of elements(doc)) {
    if (!['div', 'article', 'section', 'td'].includes(el.tagName)) continue;
    let length = 0;
    for (const child of el.childNodes) if ('tagName' in child && child.tagName === 'p') length += textOf(child).trim().length;
    if (length > bestLength) {
      best = el;
      bestLength = length;
    }
  }
  return best;
}
