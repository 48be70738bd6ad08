/**
 * Paste from Word and WPS (粘贴 Word/WPS 文档): most government text reaches the console this way.
 * Office puts its own HTML on the clipboard: every run in a styled span, `mso-*` properties,
 * `class="Mso…"`, `<o:p>`, conditional comments hiding VML and an `<xml>` block, a `<style>` sheet.
 * ProseMirror's schema parse would drop the styles, and with them the bold and italic runs that
 * Word writes as `font-weight:bold` spans, so this cleaner turns those into <strong>/<em> first
 * and then drops every style, class and Office element.
 *
 * Kept: paragraphs, headings (h1 becomes h2: the page's h1 is the article title, as on save),
 * lists, tables with colspan/rowspan, links, images with a web address, line breaks, and emphasis
 * (bold, italic, underline, strike-through, sub/superscript) whether Word wrote it as a tag or a style.
 * Dropped: styles, classes and all other attributes, fonts, colours, alignment and indents, Office
 * namespaces (<o:p>, VML shapes; smart tags like <st1:chsdate> keep their text), comments,
 * <style>/<meta>/<link>/<xml>/<script>, <col>/<colgroup>, Word page breaks, and images that point
 * into the author's computer (`file:`, `cid:`, `blob:`: they cannot load here; upload them instead).
 *
 * Word's numbered and bulleted paragraphs (`<p class=MsoListParagraph style="mso-list:l0 level1">`)
 * stay plain paragraphs that keep their number as text: official documents number by the national
 * format (一、（一）1.（1）), which an HTML list would replace by 1. 2. 3.
 *
 * It runs in the browser (DOMParser, inert: no scripts run and nothing loads) and in Node on
 * jsdom's DOMParser for tests.
 */

/** What the cleaner needs from a DOMParser (the browser's, or jsdom's in Node). */
export interface HtmlParser {
  parseFromString(html: string, type: 'text/html'): Document;
}

/** The style attribute's name while we work (see prepare()). */
const STYLE = 'data-zq-style';

const ELEMENT = 1;
const TEXT = 3;
const COMMENT = 8;

/** Removed with their content. */
const DROP = new Set(['script', 'style', 'meta', 'link', 'title', 'xml', 'template', 'noscript', 'object', 'embed',
  'applet', 'iframe', 'frame', 'frameset', 'col', 'colgroup', 'button', 'input', 'select', 'textarea']);

/** Replaced by their content: wrappers that mean nothing once their style and class are gone. */
const UNWRAP = new Set(['span', 'font', 'section', 'article', 'header', 'footer', 'main', 'center', 'nobr', 'ins', 'big', 'small',
  'label', 'form']);

/** Renamed to the element the editor's schema (and the sanitiser) uses. */
const RENAME: Readonly<Record<string, string>> = { b: 'strong', i: 'em', strike: 's', del: 's', h1: 'h2' };

/** Attributes that survive, per element; everything else goes. */
const KEEP_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  a: ['href', 'title'], img: ['src', 'alt', 'title'], td: ['colspan', 'rowspan'], th: ['colspan', 'rowspan'], ol: ['start'],
};

/** Bold already: a bold style on these adds nothing. */
const BOLD_ALREADY = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'th', 'b', 'strong']);

/** Children of these are rows, cells or items, so no emphasis wrapper may go directly inside them. */
const STRUCTURAL = new Set(['table', 'thead', 'tbody', 'tfoot', 'tr', 'ul', 'ol', 'dl']);

const BLOCK = new Set(['address', 'blockquote', 'div', 'dl', 'dd', 'dt', 'figure', 'figcaption', 'h1', 'h2', 'h3', 'h4',
  'h5', 'h6', 'hr', 'li', 'ol', 'p', 'pre', 'table', 'ul', 'section', 'article', 'header', 'footer', 'main', 'center']);

/** Images the browser could never load from the console. */
const LOCAL_IMAGE = /^\s*(?:file|cid|blob|about):/i;

/** A line break between two CJK characters: Office wraps long lines, and a space there would show. */
const CJK = '\\u2e80-\\u9fff\\uf900-\\ufaff\\uff00-\\uffef\\u3000-\\u303f';
const CJK_LINE_BREAK = new RegExp(`([${CJK}])[ \\t]*[\\r\\n]+[ \\t]*(?=[${CJK}])`, 'g');

/** One style property's value, lower case, from an inline style (our own parse: DOM parsers drop `mso-*`). */
function styleValue(style: string, property: string): string | undefined {
  for (const declaration of style.split(';')) {
    const colon = declaration.indexOf(':');
    if (colon < 0) continue;
    if (declaration.slice(0, colon).trim().toLowerCase() === property) return declaration.slice(colon + 1).trim().toLowerCase();
  }
  return undefined;
}

/** An element's inline style, renamed or not (one with a `>` before it in its tag keeps its name). */
function styleOf(el: Element): string {
  return el.getAttribute(STYLE) ?? el.getAttribute('style') ?? '';
}

type Emphasis = 'strong' | 'em' | 'u' | 's' | 'sup' | 'sub';

/** The emphasis an inline style stands for, outermost first. */
function emphasisOf(style: string): Emphasis[] {
  const marks: Emphasis[] = [];
  const weight = styleValue(style, 'font-weight');
  if (weight && (/^bold(er)?\b/.test(weight) || Number.parseInt(weight, 10) >= 600)) marks.push('strong');
  const fontStyle = styleValue(style, 'font-style');
  if (fontStyle && /^(italic|oblique)\b/.test(fontStyle)) marks.push('em');
  const decoration = `${styleValue(style, 'text-decoration') ?? ''} ${styleValue(style, 'text-decoration-line') ?? ''}`;
  if (/\bunderline\b/.test(decoration)) marks.push('u');
  if (/\bline-through\b/.test(decoration)) marks.push('s');
  const align = styleValue(style, 'vertical-align');
  if (align === 'super') marks.push('sup');
  else if (align === 'sub') marks.push('sub');
  return marks;
}

/** A style that switches emphasis off: Google Docs wraps whole pastes in `<b style="font-weight:normal">`. */
function cancelsOwnEmphasis(tag: string, style: string): boolean {
  if (tag === 'b' || tag === 'strong') return /^(normal|[1-5]00)\b/.test(styleValue(style, 'font-weight') ?? '');
  if (tag === 'i' || tag === 'em') return styleValue(style, 'font-style') === 'normal';
  return false;
}

function unwrap(el: Element): void {
  el.replaceWith(...Array.from(el.childNodes));
}

function rename(el: Element, tag: string): Element {
  const replacement = el.ownerDocument.createElement(tag);
  // Not the style: its emphasis is taken already, and a style attribute set in the page is a CSP report.
  for (const { name, value } of Array.from(el.attributes)) if (name !== 'style' && name !== STYLE) replacement.setAttribute(name, value);
  replacement.append(...Array.from(el.childNodes));
  el.replaceWith(replacement);
  return replacement;
}

function hasBlockChild(el: Element): boolean {
  return Array.from(el.children).some((child) => BLOCK.has(child.localName));
}

/** Put the element's children inside the given emphasis elements (outermost first). */
function wrapChildren(el: Element, marks: readonly Emphasis[]): void {
  if (marks.length === 0 || !el.firstChild) return;
  const outer = el.ownerDocument.createElement(marks[0]!);
  let inner = outer;
  for (const mark of marks.slice(1)) inner = inner.appendChild(el.ownerDocument.createElement(mark));
  inner.append(...Array.from(el.childNodes));
  el.append(outer);
}

/** Word's list number or bullet (`<span style="mso-list:Ignore">1.<span style="font:7pt">&nbsp;&nbsp; </span></span>`). */
function isListMarker(el: Element): boolean {
  return /mso-list\s*:\s*ignore/i.test(styleOf(el));
}

/** Keep the number as text with one space after it; a Symbol or Wingdings bullet becomes •. */
function cleanListMarker(el: Element): void {
  const text = (el.textContent ?? '').replace(/[\s\u00a0]+/g, ' ').trim();
  // The bullet's font is set on the marker, a span inside it or the run around it: those glyphs
  // are private-use characters in any other font.
  const styled = [el, ...Array.from(el.querySelectorAll(`[${STYLE}], [style]`))];
  for (let up = el.parentElement; up && !BLOCK.has(up.localName); up = up.parentElement) styled.push(up);
  const symbolFont = styled.some((s) => /symbol|wingdings/.test(styleValue(styleOf(s), 'font-family') ?? ''));
  el.textContent = `${symbolFont || text.length === 0 ? '•' : text} `;
}

function cleanAttributes(el: Element, tag: string): void {
  const keep = KEEP_ATTRIBUTES[tag] ?? [];
  for (const { name, value } of Array.from(el.attributes)) {
    if (!keep.includes(name)) el.removeAttribute(name);
    else if ((name === 'colspan' || name === 'rowspan') && value.trim() === '1') el.removeAttribute(name);
  }
}

/** Clean one element whose children are already clean. */
function cleanElement(el: Element): void {
  const name = el.localName.toLowerCase();
  if (DROP.has(name)) {
    el.remove();
    return;
  }
  // Office namespaces: <o:p> holds Word's empty-paragraph &nbsp;, <v:*> VML drawings (the picture
  // also comes as a plain <img>); smart tags and the rest (<st1:chsdate>, <w:sdt>) hold real text.
  if (name.includes(':')) {
    const prefix = name.slice(0, name.indexOf(':'));
    if (prefix === 'v' || (prefix === 'o' && (el.textContent ?? '').trim() === '')) el.remove();
    else unwrap(el);
    return;
  }
  const style = styleOf(el);
  if (name === 'br' && /page-break/i.test(style)) {
    el.remove();
    return;
  }
  if (name === 'img' && LOCAL_IMAGE.test(el.getAttribute('src') ?? 'about:')) {
    el.remove();
    return;
  }
  if (cancelsOwnEmphasis(name, style)) {
    unwrap(el);
    return;
  }
  if (style && !STRUCTURAL.has(name) && !hasBlockChild(el)) {
    const own = RENAME[name] ?? name;
    wrapChildren(el, emphasisOf(style).filter((mark) => mark !== own && !(mark === 'strong' && BOLD_ALREADY.has(name))));
  }
  let current = el;
  let tag = name;
  if (RENAME[name]) {
    tag = RENAME[name];
    current = rename(el, tag);
  }
  cleanAttributes(current, tag);
  if (UNWRAP.has(tag) || (tag === 'a' && !current.hasAttribute('href'))) {
    unwrap(current);
  } else if (tag === 'div') {
    // A div of text is a paragraph to the reader; a div of blocks (Word's WordSection1) is nothing.
    if (hasBlockChild(current)) unwrap(current);
    else rename(current, 'p');
  }
}

function cleanTree(node: Node): void {
  for (const child of Array.from(node.childNodes)) {
    if (child.nodeType === COMMENT) child.remove();
    else if (child.nodeType === TEXT) child.nodeValue = (child.nodeValue ?? '').replace(CJK_LINE_BREAK, '$1');
    else if (child.nodeType === ELEMENT) {
      if (isListMarker(child as Element)) cleanListMarker(child as Element);
      cleanTree(child);
      cleanElement(child as Element);
    }
  }
}

/** Merge the siblings that per-run conversion leaves (`<strong>a</strong><strong>b</strong>`). */
function mergeAdjacent(root: Element): void {
  for (const el of Array.from(root.querySelectorAll('strong, em, u, s, sup, sub'))) {
    if (!el.parentNode) continue; // merged into its previous sibling already
    for (let next = el.nextSibling; next?.nodeType === ELEMENT && (next as Element).localName === el.localName; next = el.nextSibling) {
      el.append(...Array.from(next.childNodes));
      next.remove();
    }
  }
}

/**
 * String work before parsing. Office's conditional comments: downlevel-hidden ones
 * (`<!--[if gte mso 9]>…<![endif]-->`) go with their content (VML, the <xml> settings block); of
 * downlevel-revealed ones (`<![if !supportLists]>1.<![endif]>`) only the markers go, because what
 * they reveal is the text. And no parser may see a <style> element or a style attribute: a
 * document parsed in the page takes the page's CSP, and the console's refuses inline styles, so
 * each one would be reported as a violation. Style attributes are read under another name.
 */
function prepare(html: string): string {
  return html
    .replace(/<!--\[if[^\]]*\]>[\s\S]*?<!\[endif\]\s*-->/gi, '')
    .replace(/<!\[if[^\]]*\]>|<!\[endif\]>/gi, '')
    .replace(/<style\b[^>]*>[\s\S]*?<\/style\s*>/gi, '')
    .replace(/(<[a-z][^>]*?\s)style(\s*=)/gi, `$1${STYLE}$2`);
}

/** Clean pasted Word/WPS (or any) HTML into the plain markup the editor's schema reads. */
export function cleanPastedHtml(html: string, parser: HtmlParser = new DOMParser()): string {
  const doc = parser.parseFromString(prepare(html), 'text/html');
  const body = doc.body;
  if (!body) return '';
  cleanTree(body);
  mergeAdjacent(body);
  return body.innerHTML.trim();
}

/** Whether HTML came from Word, WPS or another Office program (for callers that want to know). */
export function isOfficeHtml(html: string): boolean {
  return /urn:schemas-microsoft-com:office|class="?Mso|mso-[a-z-]+\s*:|<o:p>|ProgId"? content="?(Word|KSO)|Kingsoft|WPS/i.test(html);
}
