/**
 * From a WXR item to what the platform imports (Drupal's "process" step): which items come in and
 * how (published, as a draft, skipped, failed, each with its reason), the article's fields, its
 * original publish time, its legacy URLs and a content hash for idempotent re-runs. Pure.
 */
import { createHash } from 'node:crypto';
import { fromZoned } from '@zhanqun/core/time';
import type { WxrAuthor, WxrItem } from './wxr-parser.js';

export type ItemPlan =
  | { action: 'import'; publish: boolean; note: string | null; key: string; article: MappedArticle; legacyUrls: string[]; hash: string }
  | { action: 'skip'; key: string; reason: string }
  | { action: 'fail'; key: string; reason: string };

export interface MappedArticle {
  kind: 'post' | 'page';
  title: string;
  bodyHtml: string;
  summary: string | null;
  author: string | null;
  tags: string[];
  publishedAt: Date | null;
}

const PUBLISHED = new Set(['publish']);
const AS_DRAFT: Record<string, string> = {
  draft: 'a draft on the old site: imported as a draft', pending: 'pending review on the old site: imported as a draft',
  future: 'scheduled on the old site: imported as a draft', private: 'private on the old site: imported as a draft',
};
const MAX_TITLE = 200;

/**
 * The ID map key of an item: its WordPress post id (the export's primary key; GUIDs repeat in
 * real exports), else its GUID, else its link.
 */
export function itemKey(item: WxrItem): string {
  if (item.postId && /^\d+$/.test(item.postId)) return `post:${item.postId}`;
  return item.guid || item.link || `item:${item.index}`;
}

/** Decide what becomes of an item and map it. */
export function planItem(item: WxrItem, authors: ReadonlyMap<string, WxrAuthor>): ItemPlan {
  const key = itemKey(item);
  if (item.error) return { action: 'fail', key, reason: item.error };
  if (!item.postType && !item.status) return { action: 'skip', key, reason: 'neither wp:post_type nor wp:status: not a post (comments or metadata only)' };
  const type = item.postType ?? 'post';
  if (type !== 'post' && type !== 'page') return { action: 'skip', key, reason: `post type ${type} is not imported as an article` };
  if (!item.status) return { action: 'fail', key, reason: 'no wp:status: the item says neither published nor draft' };
  const status = item.status;
  let publish = PUBLISHED.has(status);
  let note: string | null = publish ? null : (AS_DRAFT[status] ?? null);
  if (!publish && !note) return { action: 'skip', key, reason: `status ${status} is not imported` };
  if (publish && item.password) {
    publish = false;
    note = 'password-protected on the old site: imported as a draft (a government page is public or not at all)';
  }
  let title = item.title.trim().replace(/\s+/g, ' ');
  if (!title) {
    title = `无标题（原文 ${item.postId ?? item.index}）`;
    note = [note, 'no title on the old site: a placeholder title was given'].filter(Boolean).join('; ');
  }
  if (title.length > MAX_TITLE) {
    title = `${title.slice(0, MAX_TITLE - 1)}…`;
    note = [note, `title longer than ${MAX_TITLE} characters: shortened`].filter(Boolean).join('; ');
  }
  const publishedAt = publishTime(item);
  if (publish && !publishedAt) return { action: 'fail', key, reason: 'no valid publish time (wp:post_date_gmt, wp:post_date or pubDate)' };
  const creator = item.creator ? authors.get(item.creator) : undefined;
  const article: MappedArticle = {
    kind: type, title, bodyHtml: autop(item.contentHtml), summary: plainText(item.excerpt) || null,
    author: creator?.displayName || item.creator || null, tags: tagsOf(item), publishedAt,
  };
  const legacyUrls = [...new Set([item.link, item.guid].filter((u): u is string => !!u && /^https?:\/\//i.test(u)))];
  return { action: 'import', publish, note, key, article, legacyUrls, hash: contentHash(article, publish) };
}

/** The original publish time: post_date_gmt (UTC), else post_date (no offset: +08:00, DESIGN.md Time), else pubDate. */
export function publishTime(item: Pick<WxrItem, 'postDate' | 'postDateGmt' | 'pubDate'>): Date | null {
  const wall = (s: string | null) => /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(s ?? '');
  const gmt = wall(item.postDateGmt);
  if (gmt && gmt[1] !== '0000') {
    const d = new Date(Date.UTC(+gmt[1]!, +gmt[2]! - 1, +gmt[3]!, +gmt[4]!, +gmt[5]!, +(gmt[6] ?? 0)));
    if (!Number.isNaN(d.getTime())) return d;
  }
  const local = wall(item.postDate);
  if (local && local[1] !== '0000') return fromZoned(+local[1]!, +local[2]!, +local[3]!, +local[4]!, +local[5]!, +(local[6] ?? 0));
  if (item.pubDate) {
    const d = new Date(item.pubDate);
    if (!Number.isNaN(d.getTime()) && d.getUTCFullYear() > 1970) return d;
  }
  return null;
}

/** Tags from the item's categories and tags (not WordPress' "Uncategorized"), as the platform allows them. */
function tagsOf(item: WxrItem): string[] {
  const names = item.categories.filter((c) => c.nicename !== 'uncategorized' && (c.domain === 'category' || c.domain === 'post_tag'))
    .map((c) => c.name.trim()).filter((n) => n && n.length <= 40);
  return [...new Set(names)].slice(0, 20);
}

/** Block-level tags (wpautop's list): they are never wrapped in a paragraph nor broken by <br>. */
const BLOCKS = 'table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary';
const BLOCK_START = new RegExp(`^(?:<\\/?(?:${BLOCKS})\\b|<!--)`, 'i');
const BLOCK_OPEN = new RegExp(`(<(?:${BLOCKS})\\b[^>]*>)`, 'gi');
const BLOCK_CLOSE = new RegExp(`(</(?:${BLOCKS})>)`, 'gi');

/**
 * WordPress keeps post text with blank lines for paragraphs and newlines for breaks (wpautop at
 * display time); the platform keeps HTML. As wpautop does, block tags stand apart, text between
 * them becomes paragraphs, and a newline becomes <br> only inside a paragraph.
 */
export function autop(text: string): string {
  // Preformatted text keeps its lines: set aside, put back at the end.
  const pres: string[] = [];
  const held = text.replace(/\r\n?/g, '\n').replace(/<pre\b[\s\S]*?<\/pre>/gi, (pre) => `<pre zq-held="${pres.push(pre) - 1}"></pre>`);
  const normalised = held.replace(BLOCK_OPEN, '\n\n$1').replace(BLOCK_CLOSE, '$1\n\n').trim();
  if (!normalised) return '';
  return normalised.split(/\n\s*\n/).map((chunk) => chunk.trim()).filter(Boolean).map((c) => {
    if (BLOCK_START.test(c)) return c;
    return `<p>${c.replace(/\n/g, '<br>\n')}</p>`;
  }).join('\n').replace(/<pre zq-held="(\d+)">\n*\n*<\/pre>/g, (_m, i: string) => pres[Number(i)]!);
}

function plainText(html: string): string {
  return html.replace(/<[^>]*>/g, ' ').replace(/&nbsp;/g, ' ').replace(/\s+/g, ' ').trim();
}

/** A digest of everything an import writes for an item: equal digests mean nothing to do. */
export function contentHash(article: MappedArticle, publish: boolean): string {
  return createHash('sha256').update(JSON.stringify({ ...article, publishedAt: article.publishedAt?.toISOString() ?? null, publish })).digest('hex');
}
