/**
 * Attachments and images of imported pages (issue 7, Import): each file a body links or shows on
 * the old site is taken from the mirror, stored through the platform's upload path (its checks
 * of name, size and content included), linked to the article's revision so that it is served
 * while the article is live, and the body's link or image source points at it (`/_files/…`).
 * A file is stored once per legacy site: the ID map keeps it (`file:<key>`) for later pages and
 * runs, and a rollback removes what its run stored. The storing (storeFile) is shared with the
 * WordPress import, whose files come over HTTP or from a copy of its uploads (wxr/wxr-files.ts).
 */
import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { newId } from '@zhanqun/core/id';
import type { ServiceContext } from '@zhanqun/audit/context';
import { uploadAttachment } from '@zhanqun/content/attachment/attachment.service';
import type { BlobStore } from '@zhanqun/content/attachment/blob-store';
import type { LegacySiteRow } from '@zhanqun/db/database';
import { inScope } from '@zhanqun/db/scope';
import { canonicalKeyOfUrl } from '../canonical-url.js';

export interface StoredFile { id: string; filename: string; mediaType: string }

export interface FileStore {
  store: BlobStore;
  maxBytes: number;
}

/** The files of a legacy site already stored (by canonical key). */
export async function loadStoredFiles(ctx: ServiceContext, siteId: string, legacy: LegacySiteRow): Promise<Map<string, StoredFile>> {
  const rows = await inScope(ctx.db, ctx.scope, (trx) => trx.selectFrom('legacy_item as i')
    .innerJoin('attachment as a', (j) => j.onRef('a.site_id', '=', 'i.site_id').onRef('a.id', '=', 'i.attachment_id'))
    .select(['i.legacy_key', 'a.id', 'a.filename', 'a.media_type']).where('i.site_id', '=', siteId).where('i.legacy_site_id', '=', legacy.id).execute());
  return new Map(rows.map((r) => [r.legacy_key.slice('file:'.length), { id: r.id, filename: r.filename, mediaType: r.media_type }]));
}

/**
 * Store one file of a legacy site as the site's attachment, through the upload path (its checks
 * of name, size and content), and keep it in the ID map under `file:<key>` for later pages and
 * runs, made by this run (a rollback removes it). Throws what the upload refuses.
 */
export async function storeFile(
  ctx: ServiceContext, siteId: string, legacy: LegacySiteRow, runId: string, files: FileStore, stored: Map<string, StoredFile>,
  file: { key: string; url: string; filename: string; stream: Readable },
): Promise<StoredFile> {
  const row = await uploadAttachment(ctx, siteId, { filename: file.filename, stream: file.stream }, { store: files.store, maxBytes: files.maxBytes });
  const now = ctx.clock.now();
  await inScope(ctx.db, ctx.scope, (trx) => trx.insertInto('legacy_item').values({
    id: newId(), site_id: siteId, legacy_site_id: legacy.id, legacy_key: `file:${file.key}`, legacy_url: file.url, article_id: null, url_path_id: null,
    revision_id: null, attachment_id: row.id, content_hash: row.blob_sha256, created_run_id: runId, updated_run_id: runId, created_at: now, updated_at: now,
  }).onConflict((oc) => oc.columns(['site_id', 'legacy_site_id', 'legacy_key']).doNothing()).execute());
  const storedFile = { id: row.id, filename: row.filename, mediaType: row.media_type };
  stored.set(file.key, storedFile);
  return storedFile;
}

/** Where a stored file is served on the platform (while a live revision lists it). */
export function fileUrl(file: StoredFile): string {
  return `/_files/${file.id}/${encodeURIComponent(file.filename)}`;
}

/** A file's name for people: the download script's `filename` parameter, else the path's last segment. */
export function fileNameOf(url: URL): string {
  const param = url.searchParams.get('filename') ?? url.searchParams.get('file') ?? url.searchParams.get('name');
  const raw = (param ?? url.pathname).split('/').pop() ?? 'file';
  try {
    return decodeURIComponent(raw) || 'file';
  } catch {
    return raw || 'file';
  }
}

const escapeAttr = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

/**
 * Store the files of one page and point its body at them. Returns the new body, the attachment
 * ids for the revision, and a note for each file that could not be stored.
 */
export async function storePageFiles(
  ctx: ServiceContext, siteId: string, legacy: LegacySiteRow, runId: string, root: string, files: FileStore,
  stored: Map<string, StoredFile>, bodyHtml: string, urls: readonly string[],
): Promise<{ bodyHtml: string; attachmentIds: string[]; notes: string[] }> {
  const hosts = new Set(legacy.hosts);
  const ids: string[] = [];
  const notes: string[] = [];
  let body = bodyHtml;
  for (const href of urls) {
    const url = new URL(href);
    if (!hosts.has(url.hostname.toLowerCase())) continue;
    // Every parameter counts for a file: download scripts name the file in the query (downfile.jsp?filename=…).
    const key = canonicalKeyOfUrl(href, 'all').key;
    let file = stored.get(key);
    if (!file) {
      const path = join(root, `${decodeURIComponent(url.pathname).slice(1)}${url.search}`);
      if (!existsSync(path)) {
        notes.push(`${href} is not in the mirror: the link is left as it was`);
        continue;
      }
      try {
        file = await storeFile(ctx, siteId, legacy, runId, files, stored, { key, url: href, filename: fileNameOf(url), stream: createReadStream(path) });
      } catch (err) {
        notes.push(`${href} was not stored: ${(err as Error).message}`);
        continue;
      }
    }
    if (!ids.includes(file.id)) ids.push(file.id);
    body = body.split(`"${escapeAttr(href)}"`).join(`"${fileUrl(file)}"`);
  }
  return { bodyHtml: body, attachmentIds: ids, notes };
}
