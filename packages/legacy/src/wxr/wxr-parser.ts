/**
 * WordPress eXtended RSS (WXR 1.0–1.2) read with saxes, a strict streaming XML parser (the one
 * jsdom uses). Elements are matched by namespace URI, not prefix, so a redefined or unusual
 * prefix (the importer's namespace-edge-cases fixture) neither hides nor fakes a field. A
 * well-formedness error inside an item fails that item only, with its line; parsing goes on.
 * Pure: text in, items out.
 */
import { SaxesParser, type SaxesTagNS } from 'saxes';

export interface WxrCategory { domain: string; nicename: string; name: string }

export interface WxrItem {
  /** 1-based position among the file's items, and the line it starts on. */
  index: number;
  line: number;
  title: string;
  link: string | null;
  guid: string | null;
  postId: string | null;
  postType: string | null;
  status: string | null;
  postName: string | null;
  /** `wp:post_date` (the blog's local time) and `wp:post_date_gmt`, as written. */
  postDate: string | null;
  postDateGmt: string | null;
  pubDate: string | null;
  creator: string | null;
  contentHtml: string;
  excerpt: string;
  password: string | null;
  categories: WxrCategory[];
  /** An attachment's file (`wp:attachment_url`), the post it was uploaded to (`wp:post_parent`). */
  attachmentUrl: string | null;
  postParent: string | null;
  /** The featured image's attachment post id (`_thumbnail_id` postmeta). */
  thumbnailId: string | null;
  /** Why the item cannot be read, when it cannot. */
  error: string | null;
}

export interface WxrAuthor { login: string; displayName: string | null; email: string | null }

export interface WxrDocument {
  version: string | null;
  title: string | null;
  baseSiteUrl: string | null;
  baseBlogUrl: string | null;
  authors: WxrAuthor[];
  items: WxrItem[];
  /** Problems outside any item (line and message); with `fatal`, the file is not a WXR export. */
  errors: { line: number; message: string }[];
  fatal: boolean;
}

const RSS_CONTENT = 'http://purl.org/rss/1.0/modules/content/';
const DC = 'http://purl.org/dc/elements/1.1/';
const WP_RE = /^https?:\/\/wordpress\.org\/export\/1\.[0-2]\/$/;
const EXCERPT_RE = /^https?:\/\/wordpress\.org\/export\/1\.[0-2]\/excerpt\/$/;
export const WXR_VERSIONS = ['1.0', '1.1', '1.2'];

type Ns = 'wp' | 'content' | 'excerpt' | 'dc' | '';

function nsOf(uri: string): Ns | null {
  if (uri === '') return '';
  if (WP_RE.test(uri)) return 'wp';
  if (EXCERPT_RE.test(uri)) return 'excerpt';
  if (uri === RSS_CONTENT) return 'content';
  if (uri === DC) return 'dc';
  return null; // another vocabulary: never one of ours
}

function emptyItem(index: number, line: number): WxrItem {
  return {
    index, line, title: '', link: null, guid: null, postId: null, postType: null, status: null, postName: null, postDate: null,
    postDateGmt: null, pubDate: null, creator: null, contentHtml: '', excerpt: '', password: null, categories: [],
    attachmentUrl: null, postParent: null, thumbnailId: null, error: null,
  };
}

/** The item fields, by namespace and local name, that are read from an item's direct children. */
const ITEM_FIELDS: Record<string, keyof WxrItem> = {
  ':title': 'title', ':link': 'link', ':guid': 'guid', ':pubDate': 'pubDate', 'wp:post_id': 'postId', 'wp:post_type': 'postType',
  'wp:status': 'status', 'wp:post_name': 'postName', 'wp:post_date': 'postDate', 'wp:post_date_gmt': 'postDateGmt',
  'dc:creator': 'creator', 'content:encoded': 'contentHtml', 'excerpt:encoded': 'excerpt', 'wp:post_password': 'password',
  'wp:attachment_url': 'attachmentUrl', 'wp:post_parent': 'postParent',
};

/**
 * Parse a WXR export. Never throws on bad input: problems come back in `errors` and items'
 * `error`. A well-formed file is read in one pass. When it is not, XML gives no reliable way to
 * resynchronise, so each item is read again on its own (split at its <item> tags, as WordPress'
 * own fallback parser does, with the file's namespace declarations): a broken item fails alone.
 */
export function parseWxr(xml: string): WxrDocument {
  const whole = parseStream(xml, 0, 1);
  const broken = whole.errors.length > 0 || whole.items.some((i) => i.error);
  if (!broken || !/<item[\s>]/.test(xml)) return finish(whole);
  return finish(parseByItem(xml));
}


function parseByItem(xml: string): WxrDocument {
  const starts = [...xml.matchAll(/<item[\s>]/g)].map((m) => m.index);
  const header = xml.slice(0, starts[0]);
  const rssOpen = /<rss\b[^>]*>/.exec(header)?.[0] ?? '<rss>';
  const doc = parseStream(`${header}</channel></rss>`, 0, 1);
  doc.items = [];
  const prefix = `${rssOpen.replace(/\s+/g, ' ')}<channel>`;
  starts.forEach((start, i) => {
    const end = starts[i + 1] ?? xml.length;
    let chunk = xml.slice(start, end);
    const close = chunk.lastIndexOf('</item>');
    if (close >= 0) chunk = chunk.slice(0, close + '</item>'.length);
    const line = lineAt(xml, start);
    const one = parseStream(`${prefix}${chunk}</channel></rss>`, line - 1, i + 1);
    const item = one.items[0] ?? emptyItem(i + 1, line);
    if (close < 0) item.error = `line ${line}: the item is not closed (no </item>)`;
    if (!one.items[0] || one.errors.length) item.error ??= `line ${one.errors[0]?.line ?? line}: ${one.errors[0]?.message ?? 'the item cannot be read'}`;
    doc.items.push(item);
  });
  return doc;
}

function lineAt(text: string, offset: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Whether the file is a WXR export at all (a fatal problem: nothing is imported). */
function finish(doc: WxrDocument): WxrDocument {
  if (doc.version === null) {
    doc.errors.unshift({ line: 1, message: 'missing <wp:wxr_version>: this is not a WXR export' });
    doc.fatal = true;
  } else if (!WXR_VERSIONS.includes(doc.version)) {
    doc.errors.unshift({ line: 1, message: `unsupported WXR version "${doc.version}" (1.0, 1.1 or 1.2)` });
    doc.fatal = true;
  }
  return doc;
}

/** One saxes pass; `lineOffset` is added to every line reported (an item read on its own). */
function parseStream(xml: string, lineOffset: number, firstIndex: number): WxrDocument {
  const doc: WxrDocument = { version: null, title: null, baseSiteUrl: null, baseBlogUrl: null, authors: [], items: [], errors: [], fatal: false };
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: { ns: Ns | null; local: string; text: string; attrs: Record<string, string> }[] = [];
  let item: WxrItem | null = null;
  let itemDepth = -1;
  const filled = new Set<string>();
  let author: Partial<WxrAuthor> | null = null;
  /** The item's postmeta being read (its key and value). */
  let meta: { key: string | null; value: string | null } | null = null;
  let rootSeen = false;

  parser.on('error', (err) => {
    const line = parser.line + lineOffset;
    const message = err.message.replace(/^(?:[^:\n]*:)?\d+:\d+: /, '');
    if (item) {
      item.error ??= `line ${line}: ${message}`;
    } else {
      doc.errors.push({ line, message });
    }
  });
  parser.on('opentag', (tag: SaxesTagNS) => {
    const ns = nsOf(tag.uri);
    const attrs: Record<string, string> = {};
    for (const a of Object.values(tag.attributes)) attrs[a.local] = a.value;
    stack.push({ ns, local: tag.local, text: '', attrs });
    if (stack.length === 1) {
      rootSeen = true;
      if (tag.local !== 'rss') doc.errors.push({ line: parser.line + lineOffset, message: `the root element is <${tag.name}>, not <rss>` });
    }
    if (ns === '' && tag.local === 'item' && !item) {
      item = emptyItem(doc.items.length + firstIndex, parser.line + lineOffset);
      filled.clear();
      itemDepth = stack.length;
    }
    if (!item && ns === 'wp' && tag.local === 'author') author = {};
  });
  const onText = (text: string) => { const top = stack[stack.length - 1]; if (top) top.text += text; };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    const el = stack.pop();
    if (!el) return;
    const key = `${el.ns ?? '?'}:${el.local}`;
    if (item) {
      if (stack.length === itemDepth) {
        const field = ITEM_FIELDS[key];
        // The first of a repeated field counts (an aliased prefix cannot override it later).
        if (field && !filled.has(field)) {
          filled.add(field);
          (item as unknown as Record<string, unknown>)[field] = field === 'contentHtml' || field === 'excerpt' || field === 'title' ? el.text : el.text.trim();
        }
        if (key === ':category') item.categories.push({ domain: el.attrs['domain'] ?? '', nicename: el.attrs['nicename'] ?? '', name: el.text.trim() });
        if (key === 'wp:postmeta' && meta) {
          if (meta.key === '_thumbnail_id' && !item.thumbnailId) item.thumbnailId = meta.value;
          meta = null;
        }
      } else if (stack.length === itemDepth + 1 && stack[itemDepth]?.ns === 'wp' && stack[itemDepth]?.local === 'postmeta') {
        // Only the postmeta the import uses is kept (a post's meta may hold large serialised values).
        meta ??= { key: null, value: null };
        if (key === 'wp:meta_key') meta.key = el.text.trim();
        else if (key === 'wp:meta_value') meta.value = el.text.trim();
      } else if (stack.length === itemDepth - 1) {
        doc.items.push(item);
        item = null;
        itemDepth = -1;
      }
      return;
    }
    if (author && el.ns === 'wp') {
      if (el.local === 'author_login') author.login = el.text.trim();
      else if (el.local === 'author_display_name') author.displayName = el.text.trim();
      else if (el.local === 'author_email') author.email = el.text.trim();
      else if (el.local === 'author') {
        if (author.login) doc.authors.push({ login: author.login, displayName: author.displayName ?? null, email: author.email ?? null });
        author = null;
      }
      return;
    }
    if (el.ns === 'wp' && el.local === 'wxr_version') doc.version = el.text.trim();
    else if (el.ns === 'wp' && el.local === 'base_site_url') doc.baseSiteUrl = el.text.trim();
    else if (el.ns === 'wp' && el.local === 'base_blog_url') doc.baseBlogUrl = el.text.trim();
    else if (key === ':title' && stack.length === 2) doc.title = el.text.trim();
  });

  try {
    parser.write(xml).close();
  } catch (err) {
    doc.errors.push({ line: parser.line + lineOffset, message: (err as Error).message });
  }
  // An item still open at the end of the file never closed: it fails, with where it began.
  if (item) {
    const open: WxrItem = item;
    open.error ??= `line ${open.line}: the item is not closed before the end of the file`;
    doc.items.push(open);
  }
  if (!rootSeen) doc.errors.push({ line: 1, message: 'no XML element found: this is not a WXR export' });
  return doc;
}
