/**
 * Attachments and images of a WordPress import (issue 7, Import): the files its posts use — the
 * images and links of their bodies that point at the blog's uploads (`…/wp-content/uploads/…`,
 * or the export's files host such as `*.files.wordpress.com`), their featured image
 * (`_thumbnail_id`) and the attachments uploaded to them (`wp:post_parent`). Each is fetched
 * through the crawler's safe fetcher (public addresses only, also after DNS and on redirects; a
 * size cap and a timeout; a few at a time) — or read from a copy of the uploads on disk when the
 * old server is gone — and stored as the mirror import stores its files (mirror-files.ts): once
 * per legacy site, in the ID map, removed by a rollback of the run that stored it. A file that
 * cannot be had is a note on each item that uses it, never a failed run.
 */
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import type { ServiceContext } from '@zhanqun/audit/context';
import { assertAllowedExtension } from '@zhanqun/content/attachment/file-kind';
import { MAX_ATTACHMENTS } from '@zhanqun/content/revision-attachments';
import type { LegacySiteRow } from '@zhanqun/db/database';
import { canonicalKey } from '../canonical-url.js';
import { fetchPage, type FetchOptions, type FetchResult } from '../crawl/page-fetch.js';
import { fileNameOf, fileUrl, storeFile, type FileStore, type StoredFile } from '../mirror/mirror-files.js';
import type { AttachmentPages } from './attachment-pages.js';
import { httpUrl, unescapeAttr } from './link-rewrite.js';
import type { WxrDocument, WxrItem } from './wxr-parser.js';

export interface WxrFileOptions extends FileStore {
  /** A copy of the old `wp-content/uploads` on disk: upload URLs are read from it and never fetched. */
  uploadsDir?: string | null;
  /** Where the old uploads are served now (the blog moved): upload URLs are fetched from under this address. */
  uploadsUrl?: string | null;
  /** Downloads at a time (default 4). */
  concurrency?: number;
  /** Per file (default 30 s). */
  timeoutMs?: number;
  /** TEST ONLY (see page-fetch.ts): addresses exempt from the private-address rule. */
  unsafeAllowAddressesForTests?: readonly string[];
  resolve?: FetchOptions['resolve'];
}

export interface FilesReport {
  /** Distinct files the export's imported items use. */
  found: number;
  /** Of those, stored by an earlier run (not fetched again). */
  alreadyStored: number;
  /** Fetched over HTTP, and read from the uploads directory. */
  downloaded: number;
  readFromDir: number;
  /** Stored as the site's attachments by this run. */
  stored: number;
  /** Could not be had or were refused (each item using one has a note with the reason). */
  failed: number;
  /**
   * WordPress attachment pages of the export (attachment-pages.ts), and those whose file is stored:
   * their old addresses answer 301 with the file, links to them lead to it.
   */
  pages: number;
  pagesRedirected: number;
}

/** A file of the blog's uploads: its ID map key, the address it was used at, its path under the uploads. */
export interface UploadFile { key: string; url: string; rel: string }

/** What one item uses: files in body order, then its attached uploads; its featured image; the attachment pages it links (their post ids). */
export interface ItemFiles { files: UploadFile[]; cover: UploadFile | null; pages: string[] }

const UPLOADS = /^(.*?\/wp-content\/uploads\/)(.+)$/i;
/** A files host serves files only, but a page's permalink may end in .html: never a file. */
const FILE_NAME = /\/[^/]+\.[a-z0-9]{2,5}$/i;
const PAGE = /\.(?:s?html?|php|aspx?|jsp)$/i;
const ATTR = /\b(?:src|href|poster)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>\]]+))/gi;

/** Which addresses are the blog's uploads. Pure. */
export interface UploadMatcher {
  /** Hosts a download may go to (redirects among them only). */
  hosts: ReadonlySet<string>;
  match(raw: string): UploadFile | null;
}

/**
 * The blog's uploads by its export: `/wp-content/uploads/` on the blog's hosts and on the hosts
 * of its attachments, and the whole of a host its attachments live on without that path (a
 * files host). The key is the path under the uploads, so the blog's own address and its files
 * host, http or https, with or without WordPress.com's resize parameters (`?w=604`), are one file.
 */
export function uploadMatcher(doc: WxrDocument, blogHosts: readonly string[]): UploadMatcher {
  const uploadHosts = new Set(blogHosts.map((h) => h.toLowerCase()));
  const filesHosts = new Set<string>();
  for (const item of doc.items) {
    const url = httpUrl(item.attachmentUrl);
    if (!url) continue;
    if (UPLOADS.test(url.pathname)) uploadHosts.add(url.hostname.toLowerCase());
    else filesHosts.add(url.hostname.toLowerCase());
  }
  const base = doc.baseBlogUrl ?? doc.baseSiteUrl ?? undefined;
  return {
    hosts: new Set([...uploadHosts, ...filesHosts]),
    match(raw) {
      const url = httpUrl(unescapeAttr(raw), base);
      if (!url) return null;
      const host = url.hostname.toLowerCase();
      const uploads = UPLOADS.exec(url.pathname);
      let rel: string | null = null;
      if (uploads && (uploadHosts.has(host) || filesHosts.has(host))) rel = uploads[2]!;
      else if (filesHosts.has(host) && FILE_NAME.test(url.pathname) && !PAGE.test(url.pathname)) rel = url.pathname.slice(1);
      if (!rel || rel.endsWith('/')) return null;
      try {
        return { key: canonicalKey(`/wp-content/uploads/${rel}`), url: `${url.origin}${url.pathname}`, rel };
      } catch {
        return null;
      }
    },
  };
}

/**
 * The uploads an item uses (body order — a link to an attachment page counts as its file — then
 * its featured image and the attachments uploaded to it). Pure.
 */
export function filesOfItem(item: WxrItem, bodyHtml: string, uploads: UploadMatcher, attachments: ReadonlyMap<string, WxrItem>,
  children: ReadonlyMap<string, WxrItem[]>, pages?: AttachmentPages): ItemFiles {
  const files = new Map<string, UploadFile>();
  const linked = new Set<string>();
  const add = (file: UploadFile | null) => { if (file && !files.has(file.key)) files.set(file.key, file); return file; };
  for (const m of bodyHtml.matchAll(ATTR)) {
    const value = m[1] ?? m[2] ?? m[3] ?? '';
    const page = uploads.match(value) ? null : pages?.match(value);
    if (page) linked.add(page.postId);
    add(page ? page.file : uploads.match(value));
  }
  const thumbnail = item.thumbnailId ? attachments.get(item.thumbnailId) : undefined;
  const cover = thumbnail?.attachmentUrl ? uploads.match(thumbnail.attachmentUrl) : null;
  for (const child of (item.postId ? children.get(item.postId) : undefined) ?? []) add(uploads.match(child.attachmentUrl ?? ''));
  return { files: [...files.values()], cover, pages: [...linked] };
}

/**
 * What an item's ID map hash adds for its files: which files it uses (a changed featured image
 * or attachment makes the item change), and after the downloads which are missing (an item
 * whose files could not all be had is tried again by the next run).
 */
export function filesTag(f: ItemFiles, missing: readonly string[] = []): string {
  if (!f.files.length && !f.cover) return '';
  const digest = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 16);
  // The attachment pages it links count only when there are some, so the tags of items without any stay as they were.
  const used: unknown[] = [f.files.map((x) => x.key), f.cover?.key ?? null, ...(f.pages.length ? [f.pages] : [])];
  const tag = `:files:${digest(used)}`;
  return missing.length ? `${tag}:missing:${digest([...missing].sort())}` : tag;
}

/**
 * Fetch (or read) and store the files not stored yet, a few at a time. Returns why each file
 * that could not be stored was not. Never throws for a file.
 */
export async function storeUploads(
  ctx: ServiceContext, siteId: string, legacy: LegacySiteRow, runId: string, options: WxrFileOptions, uploads: UploadMatcher,
  stored: Map<string, StoredFile>, wanted: readonly UploadFile[], report: FilesReport, onProgress?: (done: number, total: number) => void,
): Promise<Map<string, string>> {
  const failed = new Map<string, string>();
  const todo = wanted.filter((f) => !stored.has(f.key));
  report.alreadyStored += wanted.length - todo.length;
  const fetchOptions: FetchOptions = {
    hosts: new Set([...uploads.hosts, ...(options.uploadsUrl ? [new URL(options.uploadsUrl).hostname.toLowerCase()] : [])]),
    maxBytes: options.maxBytes, timeoutMs: options.timeoutMs ?? 30_000, userAgent: 'zhanqun-legacy-import/1.0',
    ...(options.unsafeAllowAddressesForTests ? { unsafeAllowAddressesForTests: options.unsafeAllowAddressesForTests } : {}),
    ...(options.resolve ? { resolve: options.resolve } : {}),
  };
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < todo.length) {
      const file = todo[next++]!;
      const filename = fileNameOf(new URL(file.url));
      try {
        // A type the platform never keeps is not downloaded at all.
        assertAllowedExtension(filename);
        const bytes = await obtain(file, options, fetchOptions, report);
        if (typeof bytes === 'string') failed.set(file.key, bytes);
        else {
          await storeFile(ctx, siteId, legacy, runId, options, stored, { key: file.key, url: file.url, filename, stream: bytes });
          report.stored += 1;
        }
      } catch (err) {
        failed.set(file.key, (err as Error).message);
      }
      onProgress?.(++done, todo.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, todo.length)) }, worker));
  report.failed += failed.size;
  return failed;
}

/** The file's bytes from the uploads directory or over HTTP, or why not. */
async function obtain(file: UploadFile, options: WxrFileOptions, fetchOptions: FetchOptions, report: FilesReport): Promise<Readable | string> {
  if (options.uploadsDir) {
    const dir = resolve(options.uploadsDir);
    let rel: string;
    try {
      rel = decodeURIComponent(file.rel);
    } catch {
      rel = file.rel;
    }
    const path = resolve(dir, rel);
    if (!path.startsWith(`${dir}${sep}`)) return `${file.rel} is outside the uploads directory`;
    let size: number;
    try {
      const st = statSync(path);
      if (!st.isFile()) return `${rel} is not a file in the uploads directory`;
      size = st.size;
    } catch {
      return `${rel} is not in the uploads directory`;
    }
    if (size > options.maxBytes) return `larger than the upload limit of ${megabytes(options.maxBytes)} MB`;
    report.readFromDir += 1;
    return createReadStream(path);
  }
  const from = options.uploadsUrl ? new URL(file.rel, options.uploadsUrl.endsWith('/') ? options.uploadsUrl : `${options.uploadsUrl}/`).href : file.url;
  const result = await fetchPage(from, fetchOptions);
  if (!result.ok) return whyNot(result, options);
  report.downloaded += 1;
  return Readable.from([result.bytes]);
}

const megabytes = (bytes: number) => Number((bytes / 1024 / 1024).toFixed(2));

function whyNot(r: Extract<FetchResult, { ok: false }>, options: WxrFileOptions): string {
  switch (r.error) {
    case 'http_error': return `the server answered HTTP ${r.status ?? '?'}`;
    case 'too_large': return `larger than the upload limit of ${megabytes(options.maxBytes)} MB`;
    case 'timeout': return `no complete answer within ${Math.round((options.timeoutMs ?? 30_000) / 1000)} s`;
    case 'private_address': return `${new URL(r.url).hostname} is at a private, loopback or link-local address (${r.detail ?? '?'}): refused`;
    case 'off_site_redirect': return `redirected away from the old site's hosts (${r.detail ?? r.url}): refused`;
    case 'too_many_redirects': return 'too many redirects';
    case 'dns': return `${new URL(r.url).hostname} cannot be resolved`;
    default: return `network error (${r.detail ?? r.error})`;
  }
}

/**
 * An item's files as stored: the attachment ids for its revision (body files first), its cover
 * when the featured image is an image, a note for each file it lacks, and which those are.
 */
export function itemAttachments(f: ItemFiles, stored: ReadonlyMap<string, StoredFile>, failed: ReadonlyMap<string, string>):
  { attachmentIds: string[]; coverId: string | null; notes: string[]; missing: string[] } {
  const ids: string[] = [];
  const notes: string[] = [];
  const missing: string[] = [];
  const lacking = (file: UploadFile) => {
    missing.push(file.key);
    notes.push(`${file.url} was not stored: ${failed.get(file.key) ?? 'not fetched'}`);
  };
  for (const file of f.files) {
    const s = stored.get(file.key);
    if (!s) lacking(file);
    else if (!ids.includes(s.id)) ids.push(s.id);
  }
  let coverId: string | null = null;
  if (f.cover) {
    const s = stored.get(f.cover.key);
    if (!s) { if (!f.files.some((x) => x.key === f.cover!.key)) lacking(f.cover); }
    else if (s.mediaType.startsWith('image/')) coverId = s.id;
    else notes.push(`${f.cover.url} is the featured image but not an image: no cover`);
  }
  if (ids.length > MAX_ATTACHMENTS) {
    notes.push(`${ids.length} files: the first ${MAX_ATTACHMENTS} are linked to the article`);
    ids.length = MAX_ATTACHMENTS;
  }
  return { attachmentIds: ids, coverId, notes, missing };
}

const HREF = /\b(href|src)="([^"]+)"/g;

/**
 * Point a sanitised body's links and images, and its links to attachment pages, at the stored
 * files the revision carries (`linked`: a file is served only while a live revision lists it). Pure.
 */
export function pointAtFiles(body: string, uploads: UploadMatcher, stored: ReadonlyMap<string, StoredFile>, linked: ReadonlySet<string>,
  pages?: AttachmentPages): string {
  return body.replace(HREF, (whole, attr: string, value: string) => {
    const file = uploads.match(value) ?? (attr === 'href' ? pages?.match(value)?.file : null);
    const s = file ? stored.get(file.key) : undefined;
    return s && linked.has(s.id) ? `${attr}="${fileUrl(s)}"` : whole;
  });
}
