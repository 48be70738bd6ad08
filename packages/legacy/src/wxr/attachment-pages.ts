/**
 * WordPress attachment pages (issue 7, rewrite links and redirects): WordPress gives every upload
 * a page of its own — its permalink (`<the post's permalink>/<the upload's slug>/`), and
 * `?attachment_id=<id>` whatever the permalink settings — and a post often links an image to
 * that page rather than to the file. The platform has no such pages. When the import stores the
 * file (wxr-files.ts), a body's link to the page leads to the file itself, and the page's old
 * addresses answer 301 with the file: legacy URL entries, in the ID map as `url:<key>` naming the
 * file, so that they go when the file goes (mirror-files.ts, settleRunFiles). A page whose file
 * was not stored gets no entry; a link to it stays, reported as broken with the reason.
 */
import { createHash } from 'node:crypto';
import { newId } from '@zhanqun/core/id';
import type { ServiceContext } from '@zhanqun/audit/context';
import type { LegacySiteRow } from '@zhanqun/db/database';
import { inScope } from '@zhanqun/db/scope';
import { chunks } from '@zhanqun/tenancy/csv-import';
import { canonicalKey, canonicalKeyOfUrl } from '../canonical-url.js';
import { prepareEntry, siteHosts, upsertEntries } from '../legacy-url.service.js';
import { fileUrl, type StoredFile } from '../mirror/mirror-files.js';
import { httpUrl, unescapeAttr } from './link-rewrite.js';
import type { UploadFile, UploadMatcher } from './wxr-files.js';
import type { WxrDocument } from './wxr-parser.js';

/** One attachment of the export whose file is among the blog's uploads. */
export interface AttachmentPage {
  /** Its item (for notes). */
  index: number;
  line: number;
  postId: string;
  title: string;
  /** The upload the page shows. */
  file: UploadFile;
  /** Its page's old addresses: its permalink, `?attachment_id=`, its guid when that is a page and not the file. */
  urls: string[];
}

/** The export's attachment pages. Pure. */
export interface AttachmentPages {
  all: readonly AttachmentPage[];
  /** The attachment page a link leads to (an address of the blog, absolute or relative), if any. */
  match(raw: string): AttachmentPage | null;
}

/**
 * WordPress answers `?attachment_id=` on every permalink setting, so links are read with it
 * whatever the legacy site's significant parameters; its entry is written only where the legacy
 * site keeps the parameter (the WordPress import's default), else the address is the home page's.
 */
const ATTACHMENT_PARAM = 'attachment_id';

/**
 * The export's attachment pages, found by their addresses on the legacy site's hosts; and, for a
 * link written under another form of its post's permalink (another date or category, WordPress'
 * `…/attachment/…`), by `<post slug>/<upload slug>` at the end of the path. The posts' and pages'
 * own addresses are never taken for an attachment's.
 */
export function attachmentPages(doc: WxrDocument, uploads: UploadMatcher, legacy: Pick<LegacySiteRow, 'hosts' | 'query_params'>): AttachmentPages {
  const hosts = new Set(legacy.hosts.map((h) => h.toLowerCase()));
  const params = [...new Set([...legacy.query_params, ATTACHMENT_PARAM])];
  const base = doc.baseBlogUrl ?? doc.baseSiteUrl ?? undefined;
  const keyOf = (raw: string | null): string | null => {
    const url = httpUrl(raw, base);
    if (!url || !hosts.has(url.hostname.toLowerCase())) return null;
    try {
      const key = canonicalKeyOfUrl(url.href, params).key;
      return key === '/' ? null : key;
    } catch {
      return null;
    }
  };
  const slugs = (parent: string, name: string) => {
    try {
      return canonicalKey(`/${parent}/${name}`).slice(1);
    } catch {
      return null;
    }
  };
  const own = new Set<string>();
  for (const item of doc.items) {
    if (item.postType === 'attachment') continue;
    for (const url of [item.link, item.guid]) { const key = keyOf(url); if (key) own.add(key); }
  }
  const byId = new Map(doc.items.filter((i) => i.postId).map((i) => [i.postId!, i]));
  const blog = httpUrl(base ?? null);
  const all: AttachmentPage[] = [];
  const byKey = new Map<string, AttachmentPage>();
  const bySlugs = new Map<string, AttachmentPage>();
  for (const item of doc.items) {
    if (item.postType !== 'attachment' || !item.postId || item.error) continue;
    const file = item.attachmentUrl ? uploads.match(item.attachmentUrl) : null;
    if (!file) continue;
    const page: AttachmentPage = { index: item.index, line: item.line, postId: item.postId, title: item.title.trim(), file, urls: [] };
    const origin = blog && hosts.has(blog.hostname.toLowerCase()) ? blog.origin : httpUrl(item.link)?.origin;
    for (const url of [item.link, item.guid, origin ? `${origin}/?${ATTACHMENT_PARAM}=${item.postId}` : null]) {
      // An attachment's guid is usually its file: that is no page.
      if (!url || uploads.match(url)) continue;
      const key = keyOf(url);
      if (!key || own.has(key) || byKey.has(key)) continue;
      byKey.set(key, page);
      page.urls.push(url);
    }
    const parent = item.postParent ? byId.get(item.postParent) : undefined;
    const pair = parent?.postName && item.postName ? slugs(parent.postName, item.postName) : null;
    if (pair && !bySlugs.has(pair)) bySlugs.set(pair, page);
    all.push(page);
  }
  return {
    all,
    match(raw) {
      const key = keyOf(unescapeAttr(raw));
      if (!key) return null;
      const page = byKey.get(key);
      if (page || own.has(key) || key.includes('?')) return page ?? null;
      const segments = key.split('/').filter(Boolean);
      const name = segments.pop();
      let parent = segments.pop();
      if (parent === 'attachment') parent = segments.pop();
      return name && parent ? bySlugs.get(`${parent}/${name}`) ?? null : null;
    },
  };
}

/** Why a link to an attachment page leads nowhere (it stays, reported as broken): mostly, its file was not stored. */
export function whyNoFile(page: AttachmentPage, files: { stored: ReadonlyMap<string, StoredFile>; failed: ReadonlyMap<string, string> } | null): string {
  if (!files) return `attachment page of ${page.file.url}: the import ran without files`;
  if (files.stored.has(page.file.key)) return `attachment page of ${page.file.url}: its address answers for another page`;
  return `attachment page of ${page.file.url}, which was not stored: ${files.failed.get(page.file.key) ?? 'not fetched'}`;
}

export interface PageEntries {
  /** Pages whose file is stored: their old addresses answer 301 with it. */
  redirected: number;
  /** Entries written (new or changed) by this run. */
  written: number;
  /** url_path key → the file's URL, for each entry of a stored file's page (link rewriting). */
  targets: Map<string, string>;
  notes: { page: AttachmentPage; reason: string }[];
}

const digest = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex');

/**
 * The entries of the pages whose file is stored, in one transaction: 301 to the file, each in the
 * ID map as `url:<key>` naming the file (created by this run, or updated when its file changed);
 * unchanged ones are left alone. An address the platform or another entry already answers for
 * (a post's, another legacy site's) keeps its answer, with a note.
 */
export async function writePageEntries(ctx: ServiceContext, siteId: string, legacy: LegacySiteRow, runId: string, pages: AttachmentPages,
  stored: ReadonlyMap<string, StoredFile>): Promise<PageEntries> {
  const result: PageEntries = { redirected: 0, written: 0, targets: new Map(), notes: [] };
  return inScope(ctx.db, ctx.scope, async (trx) => {
    const hosts = await siteHosts(trx, siteId);
    const wanted: { page: AttachmentPage; file: StoredFile; entry: ReturnType<typeof prepareEntry> }[] = [];
    const seen = new Set<string>();
    for (const page of pages.all) {
      const file = stored.get(page.file.key);
      if (!file) continue;
      result.redirected += 1;
      for (const url of page.urls) {
        const entry = prepareEntry(legacy, hosts, { legacyUrl: url, kind: 'legacy', target: fileUrl(file) });
        if (entry.key === '/' || seen.has(entry.key)) continue;
        seen.add(entry.key);
        wanted.push({ page, file, entry });
      }
    }
    for (const part of chunks(wanted, 500)) {
      const keys = part.map((w) => w.entry.key);
      const mapped = new Map((await trx.selectFrom('legacy_item').select(['id', 'legacy_key', 'content_hash']).where('site_id', '=', siteId)
        .where('legacy_site_id', '=', legacy.id).where('legacy_key', 'in', keys.map((k) => `url:${k}`)).execute()).map((r) => [r.legacy_key.slice('url:'.length), r]));
      const answered = new Map((await trx.selectFrom('url_path').select(['path', 'legacy_site_id', 'article_id', 'target']).where('site_id', '=', siteId)
        .where('path', 'in', keys).execute()).map((r) => [r.path, r]));
      const todo = part.filter(({ page, entry }) => {
        const row = answered.get(entry.key);
        if (row && !(row.legacy_site_id === legacy.id && row.article_id === null && row.target?.startsWith('/_files/') && mapped.has(entry.key))) {
          result.notes.push({ page, reason: `${entry.legacyUrl} already answers for another page: no entry` });
          return false;
        }
        result.targets.set(entry.key, entry.target!);
        return !row || mapped.get(entry.key)?.content_hash !== digest([entry.kind, entry.target]);
      });
      if (!todo.length) continue;
      const { ids } = await upsertEntries(trx, siteId, legacy.id, todo.map((w) => w.entry));
      const now = ctx.clock.now();
      const fresh = [];
      for (const [i, { file, entry }] of todo.entries()) {
        const hash = digest([entry.kind, entry.target]);
        const row = mapped.get(entry.key);
        if (row) {
          await trx.updateTable('legacy_item').set({ content_hash: hash, url_path_id: ids[i]!, attachment_id: file.id, updated_run_id: runId, updated_at: now })
            .where('site_id', '=', siteId).where('id', '=', row.id).execute();
        } else {
          fresh.push({
            id: newId(), site_id: siteId, legacy_site_id: legacy.id, legacy_key: `url:${entry.key}`, legacy_url: entry.legacyUrl, article_id: null,
            url_path_id: ids[i]!, revision_id: null, attachment_id: file.id, content_hash: hash, created_run_id: runId, updated_run_id: runId, created_at: now, updated_at: now,
          });
        }
      }
      if (fresh.length) await trx.insertInto('legacy_item').values(fresh).execute();
      result.written += todo.length;
    }
    return result;
  });
}
