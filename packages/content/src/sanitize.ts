/**
 * The article body sanitiser (富文本净化): every body is cleaned on save against an allow-list, so
 * themes can print it unescaped. It is the protection, not the public sites' CSP.
 *
 * Library: DOMPurify on a jsdom window. DOMPurify is the reference HTML sanitiser (cure53, actively
 * maintained; the corpus we test with is its own suite). jsdom parses with parse5, a WHATWG-conformant
 * parser, so the sanitiser works on the tree a browser builds, not on a look-alike: the recent
 * sanitize-html advisories (noscript, xmp/textarea, foreign content) were such parser differences,
 * and sanitize-html's releases that fix them (2.17.6+) require Node 22.12. DOMPurify 3.4 and jsdom 29
 * run on Node 20.19.
 *
 * jsdom is loaded on first use (it costs ~0.5–1 s to import), not at server start. Its window runs
 * no scripts and loads no resources (jsdom's defaults), so parsing hostile HTML here is inert.
 */
import { createRequire } from 'node:module';
import type { Config, DOMPurify } from 'dompurify';
import type { JSDOM } from 'jsdom';

/** Video hosts whose players may be embedded in an iframe (always over https, always sandboxed). */
export const VIDEO_IFRAME_HOSTS: readonly string[] = ['v.qq.com', 'player.bilibili.com', 'player.youku.com', 'www.ixigua.com'];

/** Players need scripts and their own origin's storage; they are cross-origin, so that cannot reach our page. */
const IFRAME_SANDBOX = 'allow-scripts allow-same-origin allow-presentation';

const ALLOWED_TAGS = [
  'p', 'br', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'strong', 'b', 'em', 'i', 'u', 's', 'sub', 'sup', 'blockquote',
  'ul', 'ol', 'li', 'table', 'caption', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'a', 'img', 'figure', 'figcaption',
  'span', 'div', 'hr', 'pre', 'code', 'iframe',
];

/** Attributes per element; nothing else survives (no style, class, id, on*, data-*, aria-*). */
const TAG_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  a: ['href', 'target'],
  img: ['src', 'alt', 'width', 'height'],
  td: ['colspan', 'rowspan'],
  th: ['colspan', 'rowspan', 'scope'],
  iframe: ['src', 'width', 'height', 'title', 'allowfullscreen'],
};

/** Elements removed with their content, not just unwrapped (DOMPurify's list plus Office and form controls). */
const FORBID_CONTENTS_EXTRA = ['xml', 'object', 'embed', 'applet', 'select', 'textarea', 'button', 'datalist'];

const DIMENSION = /^\d{1,4}%?$/;
const SPAN = /^\d{1,3}$/;
const SCOPES = new Set(['row', 'col', 'rowgroup', 'colgroup']);
const DATA_IMAGE = /^data:image\/(?:png|jpeg|jpg|gif);base64,[a-z0-9+/]+={0,2}$/i;
const LINK_SCHEMES = new Set(['', 'http', 'https', 'mailto', 'tel']);
const IMAGE_SCHEMES = new Set(['', 'http', 'https']);

export interface SanitizeOptions {
  /** More iframe hosts on top of VIDEO_IFRAME_HOSTS: exact names or `*.example.gov.cn` for any subdomain. */
  extraIframeHosts?: readonly string[];
}

/**
 * What a browser's URL parser ignores: leading and trailing C0 controls and spaces, and tabs and
 * newlines anywhere (`java&#x09;script:` is `javascript:`). Entities were decoded by the parser.
 */
function browserUrl(value: string): string {
  return value.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '').replace(/[\t\n\r]/g, '');
}

/** The scheme a browser sees (lower case), or '' for a relative URL. */
function schemeOf(url: string): string {
  return /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase() ?? '';
}

function hostAllowed(host: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => (p.startsWith('*.') ? host.endsWith(p.slice(1)) && host.length > p.length - 1 : host === p));
}

/** An embeddable player URL (https, an allowed host, default port, no credentials), or null. */
function iframeSrc(raw: string, hosts: readonly string[]): string | null {
  let value = browserUrl(raw);
  if (value.startsWith('//')) value = `https:${value}`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol === 'http:') url.protocol = 'https:';
  if (url.protocol !== 'https:' || url.username || url.password || url.port) return null;
  return hostAllowed(url.hostname.toLowerCase(), hosts) ? url.href : null;
}

/** Check or normalise one kept attribute; null drops it. */
function checkAttribute(tag: string, name: string, value: string): string | null {
  switch (name) {
    case 'href': {
      const url = browserUrl(value);
      return LINK_SCHEMES.has(schemeOf(url)) ? url : null;
    }
    case 'src': {
      const url = browserUrl(value);
      const scheme = schemeOf(url);
      // Base64 may be wrapped over lines: a data URL loses all its whitespace.
      if (scheme === 'data') return DATA_IMAGE.test(url.replace(/\s+/g, '')) ? url.replace(/\s+/g, '') : null;
      return IMAGE_SCHEMES.has(scheme) ? url : null;
    }
    case 'target': return value === '_blank' ? value : null;
    case 'width': case 'height': return DIMENSION.test(value.trim()) ? value.trim() : null;
    case 'colspan': case 'rowspan': return SPAN.test(value.trim()) && Number(value) > 0 ? String(Number(value)) : null;
    case 'scope': return tag === 'th' && SCOPES.has(value.trim().toLowerCase()) ? value.trim().toLowerCase() : null;
    case 'allowfullscreen': return '';
    default: return value;
  }
}

interface Engine {
  purify: DOMPurify;
  window: JSDOM['window'];
}

let engine: Engine | undefined;
let iframeHosts: readonly string[] = VIDEO_IFRAME_HOSTS;

function getEngine(): Engine {
  if (engine) return engine;
  const require = createRequire(import.meta.url);
  const { JSDOM: Dom } = require('jsdom') as typeof import('jsdom');
  const createDOMPurify = require('dompurify') as typeof import('dompurify').default;
  const window = new Dom('<!DOCTYPE html><html><body></body></html>').window;
  const purify = createDOMPurify(window as unknown as Parameters<typeof createDOMPurify>[0]);
  const config: Config = {
    ALLOWED_TAGS,
    ALLOWED_ATTR: [],
    ADD_ATTR: (attribute, tag) => TAG_ATTRIBUTES[tag]?.includes(attribute) ?? false,
    // Only http(s), mailto, tel and relative URLs; DOMPurify tests this on the value with whitespace
    // and controls removed, and checkAttribute below decides again, per element, the way a browser parses.
    ALLOWED_URI_REGEXP: /^(?:(?:https?|mailto|tel):|[^a-z]|[a-z+.-]+(?:[^a-z+.\-:]|$))/i,
    ADD_FORBID_CONTENTS: FORBID_CONTENTS_EXTRA,
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
    ALLOW_UNKNOWN_PROTOCOLS: false,
    KEEP_CONTENT: true,
    // Parse as body content, the way the page will (a leading <noscript> or <style> would otherwise go to <head>).
    FORCE_BODY: true,
    RETURN_DOM: true,
  };
  // Set once: DOMPurify then skips re-reading the configuration on every call.
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
      const src = iframeSrc(node.getAttribute('src') ?? '', iframeHosts);
      if (src === null) {
        node.remove();
        return;
      }
      node.setAttribute('src', src);
      node.setAttribute('sandbox', IFRAME_SANDBOX);
      node.textContent = '';
    }
  });
  engine = { purify, window };
  return engine;
}

function unwrap(el: Element): void {
  el.replaceWith(...el.childNodes);
}

/**
 * After DOMPurify: h1 becomes h2 (the page's h1 is the title), and markup that means nothing goes.
 * getElementsByTagName, not querySelectorAll: jsdom builds a selector engine per document.
 */
function tidy(root: Element): void {
  const all = (tag: string) => [...root.getElementsByTagName(tag)];
  for (const h1 of all('h1')) {
    const h2 = root.ownerDocument.createElement('h2');
    h2.append(...h1.childNodes);
    h1.replaceWith(h2);
  }
  // Word wraps every run in a styled span; with the style gone a span means nothing.
  for (const span of all('span')) if (span.attributes.length === 0) unwrap(span);
  for (const a of all('a')) if (!a.hasAttribute('href')) unwrap(a);
  for (const img of all('img')) if (!img.hasAttribute('src')) img.remove();
}

/** Sanitise article body HTML against the allow-list; the result is safe to print unescaped. */
export function sanitizeBodyHtml(html: string, options: SanitizeOptions = {}): string {
  const { purify } = getEngine();
  iframeHosts = options.extraIframeHosts ? [...VIDEO_IFRAME_HOSTS, ...options.extraIframeHosts] : VIDEO_IFRAME_HOSTS;
  try {
    // setConfig made it RETURN_DOM: the body element, which tidy() edits before serialising; null
    // when the input parses to no body at all (a <frameset> document).
    const body = purify.sanitize(html) as unknown as Element | null;
    if (!body) return '';
    tidy(body);
    return body.innerHTML;
  } finally {
    iframeHosts = VIDEO_IFRAME_HOSTS;
  }
}

const BLOCKS = new Set([
  'p', 'div', 'br', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li', 'tr', 'blockquote', 'pre', 'table', 'caption', 'figcaption',
  'hr', 'ul', 'ol', 'section', 'article', 'header', 'footer',
]);
const SILENT = new Set(['script', 'style', 'template', 'noscript', 'iframe', 'object', 'xml', 'head', 'title']);

/** Plain text of an HTML body for summaries and search: blocks on their own lines, spaces collapsed. */
export function textOf(html: string): string {
  const { window } = getEngine();
  const doc = new window.DOMParser().parseFromString(html, 'text/html');
  const parts: string[] = [];
  const walk = (node: Node): void => {
    for (const child of node.childNodes) {
      if (child.nodeType === 3) parts.push(child.nodeValue ?? '');
      if (child.nodeType !== 1) continue;
      const tag = child.nodeName.toLowerCase();
      if (SILENT.has(tag)) continue;
      const block = BLOCKS.has(tag);
      if (block) parts.push('\n');
      if (tag === 'td' || tag === 'th') parts.push(' ');
      walk(child);
      if (block) parts.push('\n');
    }
  };
  walk(doc.body);
  // \s covers &nbsp; and the ideographic space (　) too.
  return parts.join('').split('\n').map((line) => line.replace(/\s+/g, ' ').trim()).filter(Boolean).join('\n');
}
