/**
 * The article body sanitiser (富文本净化): every body is cleaned on save against an allow-list, so
 * themes can print it unescaped. It is the protection, not the public sites' CSP.
 *
 * parse5 parses the body as the page will (the WHATWG algorithm, body content, the parser jsdom and
 * the mirror import use), an allow-list walk over that tree keeps what is allowed, and parse5
 * serialises it; the result must be a fixed point of the whole (see sanitizeBodyHtml). The walk
 * applies DOMPurify's rules with our configuration — which elements go with their content, which
 * are unwrapped, DOMPurify's value checks on attributes and its guard on raw-text elements — and a
 * test holds it to DOMPurify's own output on DOMPurify's and OWASP's vectors
 * (sanitize.int.test.ts). Until Nov 2026 DOMPurify itself ran here on a jsdom window: the same
 * results at ~1.7 ms a 3 KB body against ~0.15 ms now, most of it jsdom building its DOM, which
 * was a fifth of a legacy import's CPU (issue 7). sanitize-html, the other maintained option, has
 * its parser differences fixed only in releases needing Node 22.
 */
import { defaultTreeAdapter, html, parseFragment, serialize } from 'parse5';
import type { DefaultTreeAdapterTypes } from 'parse5';

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

type Node = DefaultTreeAdapterTypes.Node;
type Element = DefaultTreeAdapterTypes.Element;
type ChildNode = DefaultTreeAdapterTypes.ChildNode;
type ParentNode = DefaultTreeAdapterTypes.ParentNode;

const ALLOWED = new Set(ALLOWED_TAGS);

/** http(s), mailto and tel, or no scheme at all (DOMPurify's ALLOWED_URI_REGEXP as we configure it). */
const ALLOWED_URI = /^(?:(?:https?|mailto|tel):|[^a-z]|[a-z+.-]+(?:[^a-z+.\-:]|$))/i;

/** Removed with their content, not just unwrapped, on top of DOMPurify's list: Office and form controls. */
const FORBID_CONTENTS_EXTRA = ['xml', 'object', 'embed', 'applet', 'select', 'textarea', 'button', 'datalist'];

/** Removed with their content: DOMPurify's FORBID_CONTENTS (scripts, styles, templates, foreign content…) and ours. */
const FORBID_CONTENTS = new Set([
  'annotation-xml', 'audio', 'colgroup', 'desc', 'foreignobject', 'head', 'iframe', 'math', 'mi', 'mn', 'mo', 'ms', 'mtext',
  'noembed', 'noframes', 'noscript', 'plaintext', 'script', 'selectedcontent', 'style', 'svg', 'template', 'thead', 'title',
  'video', 'xmp', ...FORBID_CONTENTS_EXTRA,
]);

/**
 * The policy, for the test that holds this sanitiser to DOMPurify configured with it
 * (sanitize.int.test.ts); not for use elsewhere.
 */
export const SANITIZE_POLICY = {
  tags: ALLOWED_TAGS, attributes: TAG_ATTRIBUTES, forbidContentsExtra: FORBID_CONTENTS_EXTRA, allowedUri: ALLOWED_URI,
  iframeSandbox: IFRAME_SANDBOX, checkAttribute, iframeSrc,
} as const;

/** Attributes whose value is text, not a URL (DOMPurify's URI-safe list, as far as ours allow them). */
const URI_SAFE = new Set(['alt', 'title']);
/** What DOMPurify strips whatever the allow-list: values that could close an element or a comment around them. */
const VALUE_BREAKOUT = /((--!?|])>)|<\/(style|script|title|xmp|textarea|noscript|iframe|noembed|noframes)/i;
const SELF_CLOSING = /\/>/;
/** Markup in text: a raw-text element (our iframe) holding it is removed, as DOMPurify does. */
const MARKUP = /<[/\w!]/;
const URI_WHITESPACE = /[\u0000-\u0020\u00A0\u1680\u180E\u2000-\u2029\u205F\u3000]/g;

const BODY_CONTEXT = defaultTreeAdapter.createElement('body', html.NS.HTML, []);
const isElement = (n: Node): n is Element => 'tagName' in n;

/** One attribute as DOMPurify then our own checks decide it: the value to keep, or null. */
function keptValue(tag: string, name: string, raw: string): string | null {
  if (!TAG_ATTRIBUTES[tag]?.includes(name)) return null;
  const value = raw.trim();
  if (VALUE_BREAKOUT.test(value) || SELF_CLOSING.test(value)) return null;
  if (value && !URI_SAFE.has(name) && !ALLOWED_URI.test(value.replace(URI_WHITESPACE, ''))
    && !(name === 'src' && tag === 'img' && value.startsWith('data:'))) return null;
  return checkAttribute(tag, name, value);
}

/**
 * An allowed element's attributes, then what the element itself needs: rel=noopener on links
 * opening a window, a checked player URL and the sandbox on an iframe. False: remove the element.
 */
function cleanAttributes(el: Element, tag: string, hosts: readonly string[]): boolean {
  const attrs: Element['attrs'] = [];
  for (const a of el.attrs) {
    if (a.namespace) continue;
    const value = keptValue(tag, a.name, a.value);
    if (value !== null) attrs.push({ name: a.name, value });
  }
  el.attrs = attrs;
  if (tag === 'a' && attrs.some((a) => a.name === 'target')) attrs.push({ name: 'rel', value: 'noopener' });
  if (tag === 'iframe') {
    const src = iframeSrc(attrs.find((a) => a.name === 'src')?.value ?? '', hosts);
    if (src === null) return false;
    for (const a of attrs) if (a.name === 'src') a.value = src;
    attrs.push({ name: 'sandbox', value: IFRAME_SANDBOX });
    el.childNodes = [];
  }
  return true;
}

/** The text of a node and its descendants (as textContent: comments excluded). */
function textContent(node: Node): string {
  if (node.nodeName === '#text') return (node as DefaultTreeAdapterTypes.TextNode).value;
  return 'childNodes' in node ? (node as ParentNode).childNodes.map(textContent).join('') : '';
}

/**
 * The allow-list walk over one parent's children, in place: text stays; comments, doctypes and
 * foreign (SVG, MathML) elements go; an element not allowed goes with its content when that
 * content is dangerous or meaningless (FORBID_CONTENTS), else leaves its sanitised content in its
 * place; an allowed element keeps only its allowed, checked attributes. Then the tidying: h1
 * becomes h2 (the page's h1 is the title), attribute-less spans and links without href are
 * unwrapped (Word wraps every run in a styled span), images without src go.
 */
function cleanChildren(parent: ParentNode, hosts: readonly string[]): void {
  const out: ChildNode[] = [];
  for (const node of parent.childNodes) {
    if (!isElement(node)) {
      if (node.nodeName === '#text') out.push(node);
      continue;
    }
    if (node.namespaceURI !== html.NS.HTML) continue;
    const tag = node.tagName;
    if (!ALLOWED.has(tag)) {
      if (FORBID_CONTENTS.has(tag)) continue;
      cleanChildren(node, hosts);
      for (const child of node.childNodes) {
        child.parentNode = parent;
        out.push(child);
      }
      continue;
    }
    // A raw-text element (iframe) holding markup as text: DOMPurify's mXSS guard removes it.
    if (tag === 'iframe' && MARKUP.test(textContent(node))) continue;
    if (!cleanAttributes(node, tag, hosts)) continue;
    cleanChildren(node, hosts);
    if (tag === 'h1') node.tagName = node.nodeName = 'h2';
    else if ((tag === 'span' && node.attrs.length === 0) || (tag === 'a' && !node.attrs.some((a) => a.name === 'href'))) {
      for (const child of node.childNodes) {
        child.parentNode = parent;
        out.push(child);
      }
      continue;
    } else if (tag === 'img' && !node.attrs.some((a) => a.name === 'src')) continue;
    out.push(node);
  }
  parent.childNodes = out;
}

/** Body HTML parsed as the page will parse it: body content (WHATWG fragment parsing). */
function parseBody(input: string): DefaultTreeAdapterTypes.DocumentFragment {
  return parseFragment(BODY_CONTEXT, input, { scriptingEnabled: false });
}

/** One pass: parse as body content (the way the page will), walk, serialise. */
function sanitizeOnce(input: string, hosts: readonly string[]): string {
  const fragment = parseBody(input);
  cleanChildren(fragment, hosts);
  return serialize(fragment);
}

/** Passes before a body that will not settle is given up on (none of the corpus needs a second). */
const MAX_PASSES = 4;

/**
 * Sanitise article body HTML against the allow-list; the result is safe to print unescaped.
 *
 * The output is a fixed point: parsed again (as the browser will parse the page) it gives a tree
 * the walk leaves unchanged, so what was checked is what the browser builds — the guarantee
 * against mutation XSS that DOMPurify draws from sanitising a parsed tree. Should an input not
 * settle, its text alone is kept, escaped.
 */
export function sanitizeBodyHtml(input: string, options: SanitizeOptions = {}): string {
  const hosts = options.extraIframeHosts ? [...VIDEO_IFRAME_HOSTS, ...options.extraIframeHosts] : VIDEO_IFRAME_HOSTS;
  let out = sanitizeOnce(input, hosts);
  // What one pass left exactly as it was is a fixed point already (a body saved again, an import).
  if (out === input) return out;
  for (let pass = 1; pass < MAX_PASSES; pass++) {
    const again = sanitizeOnce(out, hosts);
    if (again === out) return out;
    out = again;
  }
  return escapeText(textOf(out));
}

function escapeText(text: string): string {
  return text.split('\n').map((line) => `<p>${line.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</p>`).join('');
}

const BLOCKS = new Set([
  'p', 'div', 'br', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li', 'tr', 'blockquote', 'pre', 'table', 'caption', 'figcaption',
  'hr', 'ul', 'ol', 'section', 'article', 'header', 'footer',
]);
const SILENT = new Set(['script', 'style', 'template', 'noscript', 'iframe', 'object', 'xml', 'head', 'title']);

/** Plain text of an HTML body for summaries and search: blocks on their own lines, spaces collapsed. */
export function textOf(input: string): string {
  const parts: string[] = [];
  const walk = (node: ParentNode): void => {
    for (const child of node.childNodes) {
      if (child.nodeName === '#text') parts.push((child as DefaultTreeAdapterTypes.TextNode).value);
      if (!isElement(child)) continue;
      const tag = child.tagName.toLowerCase();
      if (SILENT.has(tag)) continue;
      const block = BLOCKS.has(tag);
      if (block) parts.push('\n');
      if (tag === 'td' || tag === 'th') parts.push(' ');
      walk(child);
      if (block) parts.push('\n');
    }
  };
  walk(parseBody(input));
  // \s covers &nbsp; and the ideographic space (　) too.
  return parts.join('').split('\n').map((line) => line.replace(/\s+/g, ' ').trim()).filter(Boolean).join('\n');
}

/** An element of a body, as the checks read it. */
export interface BodyElement {
  tag: string;
  /** An attribute's value, or null when it is absent. */
  attr(name: string): string | null;
}

/** The body's elements with these tag names, in document order (the pre-publish checks' images and links). */
export function elementsOf(input: string, tags: readonly string[]): BodyElement[] {
  const wanted = new Set(tags);
  const out: BodyElement[] = [];
  const walk = (node: ParentNode): void => {
    for (const child of node.childNodes) {
      if (!isElement(child)) continue;
      if (wanted.has(child.tagName)) {
        const { attrs } = child;
        out.push({ tag: child.tagName, attr: (name) => attrs.find((a) => a.name === name)?.value ?? null });
      }
      walk(child);
    }
  };
  walk(parseBody(input));
  return out;
}
