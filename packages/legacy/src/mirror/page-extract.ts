/**
 * An article out of a legacy page (issue 7, Extract): title, body, publish time and the
 * government-information box, by the profile's CSS selectors (falling back to <h1> and <title>,
 * and for the body to the largest block of paragraphs). Links and images in the body become
 * absolute URLs on the old site, so the link pass can rewrite the ones that were imported.
 */
import { JSDOM } from 'jsdom';
import { findPublishTime, publishTimeFromMeta, type FoundDate } from '../extract/chinese-date.js';
import { readGovInfoBox, type GovInfoBox } from '../extract/gov-info-box.js';
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
  const dom = new JSDOM(html, { url });
  const doc = dom.window.document;
  try {
    for (const s of doc.querySelectorAll('script, style, noscript')) s.remove();
    const pick = (selector: string | null) => {
      if (!selector) return null;
      try {
        return doc.querySelector(selector);
      } catch {
        return null; // a bad selector finds nothing; the profile check cannot run CSS
      }
    };
    const body = pick(profile.selectors.body) ?? largestTextBlock(doc);
    if (!body || !body.textContent?.trim()) return null;
    const files = new Set<string>();
    for (const el of body.querySelectorAll('a[href], img[src]')) {
      const attr = el.tagName === 'A' ? 'href' : 'src';
      const raw = el.getAttribute(attr) ?? '';
      if (/^(#|mailto:|tel:|javascript:)/i.test(raw)) continue;
      let absolute: string;
      try {
        absolute = new URL(raw, url).href;
      } catch {
        continue;
      }
      el.setAttribute(attr, absolute);
      if (attr === 'src' || FILE_LINK.test(absolute)) files.add(absolute);
    }
    const titleEl = pick(profile.selectors.title) ?? doc.querySelector('h1');
    const title = (titleEl?.textContent ?? doc.title.replace(/[_|-][^_|-]*$/, '')).replace(/\s+/g, ' ').trim();
    const timeText = pick(profile.selectors.time)?.textContent ?? '';
    const pageText = doc.body?.textContent ?? '';
    const publishedAt = findPublishTime(timeText) ?? publishTimeFromMeta(html) ?? findPublishTime(pageText);
    return { title, bodyHtml: body.innerHTML.trim(), publishedAt, box: readGovInfoBox(pageText), files: [...files] };
  } finally {
    dom.window.close();
  }
}

/** Without a selector: the element holding the most paragraph text (a readability-style guess). */
function largestTextBlock(doc: Document): Element | null {
  let best: Element | null = null;
  let bestLength = 0;
  for (const el of doc.querySelectorAll('div, article, section, td')) {
    const length = [...el.children].filter((c) => c.tagName === 'P').reduce((n, p) => n + (p.textContent?.trim().length ?? 0), 0);
    if (length > bestLength) {
      best = el;
      bestLength = length;
    }
  }
  return best;
}
