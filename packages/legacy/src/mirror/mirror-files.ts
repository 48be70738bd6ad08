/**
 * Attachments and images of imported pages (issue 7, Import): each file a body links or shows on
 * the old site is taken from the mirror, stored through the platform's upload path (its checks
 * of name, size and content included), linked to the article's revision so that it is served
 * while the article is live, and the body's link or image source points at it (`/_files/…`).
 * A file is stored once per legacy site: the ID map keeps it (`file:<key>`) for later pages and
 * runs, and a rollback removes what its run stored unless an article that stays still lists it
 * or the site shows it through its theme (settleRunFiles). The storing (storeFile) is shared with the
 * WordPress import, whose files come over HTTP or from a copy of its uploads (wxr/wxr-files.ts).
 * A stored file's old address answers 301 with it (writeFileEntries): a legacy URL entry linked
 * from the file's ID map row, so that it goes when the file goes and stays when the file stays.
 */
import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { sql } from 'kysely';
import { newId } from '@zhanqun/core/id';
import type { ServiceContext } from '@zhanqun/audit/context';
import { attachmentPath } from '@zhanqun/content/article.schema';
import { shownBySite } from '@zhanqun/content/attachment/attachment.repository';
import { uploadAttachment } from '@zhanqun/content/attachment/attachment.service';
import type { BlobStore } from '@zhanqun/content/attachment/blob-store';
import type { LegacySiteRow } from '@zhanqun/db/database';
import { inScope, type Tx } from '@zhanqun/db/scope';
import { chunks } from '@zhanqun/tenancy/csv-import';
import { canonicalKeyOfUrl } from '../canonical-url.js';
import { prepareEntry, siteHosts, upsertEntries } from '../legacy-url.service.js';

export interface StoredFile { id: string; filename: string; mediaType: string }

export interface FileStore {
  store: BlobStore;
  maxBytes: number;
}

/** The files of a legacy site already stored (by canonical key). */
export async function loadStoredFiles(ctx: ServiceContext, siteId: string, legacy: LegacySiteRow): Promise<Map<string, StoredFile>> {
  const rows = await inScope(ctx.db, ctx.scope, (trx) => trx.selectFrom('legacy_item as i')
    .innerJoin('attachment as a', (j) => j.onRef('a.site_id', '=', 'i.site_id').onRef('a.id', '=', 'i.attachment_id'))
    .select(['i.legacy_key', 'a.id', 'a.filename', 'a.media_type']).where('i.site_id', '=', siteId).where('i.legacy_site_id', '=', legacy.id)
    .where('i.legacy_key', 'like', 'file:%').execute());
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

/**
 * A rollback's files, once the run's articles are gone (import-run.service.ts): each file the run
 * stored (its `file:` row) goes if no remaining revision lists it (as an attachment or a cover),
 * and with it every ID map row naming it — an attachment page's entry, whichever run made it —
 * and their URL entries. A file a remaining revision lists stays, and so does its ID map row:
 * handed to the run whose article lists it (the newest such run other than this one), with the
 * rows of this run that hang off it. Why: the admin rolled back what the run brought, not what
 * a later run's article shows; the later run found the file in the ID map instead of storing it
 * again, so the file is as much its own — rolling that run back then settles the file the same
 * way — and without the row the next import would store a second copy. A file only an article
 * from no import lists (an editor's) keeps its row with this run: the dedup holds, and no
 * rollback removes it from under the editor. So does a file the site shows outside articles: an
 * image of its theme settings (a banner, a logo, `/_files/<id>/<name>`) or one its own partials
 * name — the site admin put it on every page since, and the rollback would break them. Returns
 * what it removed and kept.
 */
export async function settleRunFiles(trx: Tx, siteId: string, runId: string): Promise<{ removedFiles: number; keptFiles: number; removedEntries: number }> {
  const files = (await trx.selectFrom('legacy_item').select('attachment_id').where('site_id', '=', siteId).where('created_run_id', '=', runId)
    .where('legacy_key', 'like', 'file:%').where('attachment_id', 'is not', null).execute()).map((r) => r.attachment_id!);
  let removedFiles = 0, keptFiles = 0, removedEntries = 0;
  for (const part of chunks(files, 1000)) {
    const listed = await trx.selectFrom('revision_attachment as ra').innerJoin('article_revision as r', (j) => j.onRef('r.site_id', '=', 'ra.site_id').onRef('r.id', '=', 'ra.revision_id'))
      .select(['ra.attachment_id', 'r.article_id']).where('ra.site_id', '=', siteId).where('ra.attachment_id', 'in', part).execute();
    const covers = await trx.selectFrom('article_revision').select(['cover_attachment_id', 'article_id']).where('site_id', '=', siteId)
      .where('cover_attachment_id', 'in', part).execute();
    const uses = [...listed, ...covers.map((c) => ({ attachment_id: c.cover_attachment_id!, article_id: c.article_id }))];
    const articles = [...new Set(uses.map((u) => u.article_id))];
    // The import items of the articles that list them, newest first.
    const items = articles.length ? await trx.selectFrom('legacy_item').select(['article_id', 'created_run_id']).where('site_id', '=', siteId)
      .where('article_id', 'in', articles).orderBy('created_at', 'desc').orderBy('id', 'desc').execute() : [];
    const kept = new Map<string, string | null>();
    for (const u of uses) if (!kept.has(u.attachment_id)) kept.set(u.attachment_id, null);
    // Settings and partials of every pack the site has worn count, not only the one it wears:
    // switching back brings them back, and a file gone would make them fail the settings' check.
    const shown = await trx.selectFrom('attachment as a').select('a.id').where('a.site_id', '=', siteId).where('a.id', 'in', part)
      .where(shownBySite('a', 'any')).execute();
    for (const s of shown) if (!kept.has(s.id)) kept.set(s.id, null);
    for (const item of items) {
      for (const u of uses) {
        if (u.article_id !== item.article_id) continue;
        const owner = kept.get(u.attachment_id);
        if (owner === null || owner === undefined || (owner === runId && item.created_run_id !== runId)) kept.set(u.attachment_id, item.created_run_id);
      }
    }
    keptFiles += kept.size;
    const handOver = new Map<string, string[]>();
    for (const [attachmentId, owner] of kept) if (owner && owner !== runId) handOver.set(owner, [...(handOver.get(owner) ?? []), attachmentId]);
    for (const [owner, ids] of handOver) {
      await trx.updateTable('legacy_item').set({ created_run_id: owner, updated_run_id: owner }).where('site_id', '=', siteId)
        .where('created_run_id', '=', runId).where('attachment_id', 'in', ids).execute();
    }
    const gone = part.filter((id) => !kept.has(id));
    if (!gone.length) continue;
    const rows = await trx.deleteFrom('legacy_item').where('site_id', '=', siteId).where('attachment_id', 'in', gone).returning('url_path_id').execute();
    const entryIds = rows.map((r) => r.url_path_id).filter((id): id is string => id !== null);
    if (entryIds.length) {
      const removed = await trx.deleteFrom('url_path').where('site_id', '=', siteId).where('id', 'in', entryIds).where('legacy_site_id', 'is not', null).executeTakeFirst();
      removedEntries += Number(removed.numDeletedRows);
    }
    const removed = await trx.deleteFrom('attachment').where('site_id', '=', siteId).where('id', 'in', gone).executeTakeFirst();
    removedFiles += Number(removed.numDeletedRows);
  }
  return { removedFiles, keptFiles, removedEntries };
}

/** Where a stored file is served on the platform (while a live revision lists it). */
export function fileUrl(file: StoredFile): string {
  return attachmentPath(file.id, file.filename);
}

/** The query parameters a download script names its file by (`downfile.jsp?classid=0&filename=1.pdf`), in the order they are read. */
export const FILE_NAME_PARAMS = ['filename', 'file', 'name'] as const;

/** A file's name for people: the download script's `filename` parameter, else the path's last segment. */
export function fileNameOf(url: URL): string {
  const param = FILE_NAME_PARAMS.map((p) => url.searchParams.get(p)).find((v) => v !== null) ?? null;
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

export interface FileEntries {
  /** Entries written by this run (one per stored file that had none). */
  written: number;
  /** Files whose old address keeps another answer or cannot be told apart, with why: no entry. */
  notes: { key: string; url: string; filename: string; reason: string }[];
}

/**
 * The old addresses of a legacy site's stored files answer 301 with them, in one transaction:
 * each `file:` row without an entry gets one at its address (`legacy_url`, canonicalised with
 * the legacy site's significant parameters), 301 to `/_files/<id>/<name>`, linked from the row
 * (url_path_id) — so a rollback removes it with the file, and a file handed to another run
 * (settleRunFiles) keeps it. While no live revision lists the file (a draft's) the resolver
 * answers it awaiting, as it does a WordPress attachment page's. Rows with an entry are left
 * alone, so a re-run writes nothing; files stored before entries existed get theirs now.
 * No entry, with a note, where the address already answers (a page of the platform, another
 * entry) or where it would lose what names the file: a download script's `filename` the legacy
 * site does not keep would make every file of the script one address. An address off the legacy
 * site's hosts (a WordPress files host) answers at its key's path on the site's first host, where
 * WordPress serves its uploads too.
 */
export async function writeFileEntries(ctx: ServiceContext, siteId: string, legacy: LegacySiteRow): Promise<FileEntries> {
  const result: FileEntries = { written: 0, notes: [] };
  const legacyHosts = new Set(legacy.hosts.map((h) => h.toLowerCase()));
  return inScope(ctx.db, ctx.scope, async (trx) => {
    const rows = await trx.selectFrom('legacy_item as i')
      .innerJoin('attachment as a', (j) => j.onRef('a.site_id', '=', 'i.site_id').onRef('a.id', '=', 'i.attachment_id'))
      .select(['i.id', 'i.legacy_key', 'i.legacy_url', 'a.id as attachment_id', 'a.filename', 'a.media_type'])
      .where('i.site_id', '=', siteId).where('i.legacy_site_id', '=', legacy.id).where('i.legacy_key', 'like', 'file:%')
      .where('i.url_path_id', 'is', null).orderBy('i.created_at').orderBy('i.id').execute();
    if (!rows.length) return result;
    const hosts = await siteHosts(trx, siteId);
    const seen = new Set<string>();
    const wanted: { rowId: string; entry: ReturnType<typeof prepareEntry> }[] = [];
    for (const row of rows) {
      const file = { id: row.attachment_id, filename: row.filename, mediaType: row.media_type };
      let address = row.legacy_url ?? '';
      const note = (reason: string) => result.notes.push({ key: row.legacy_key, url: address, filename: row.filename, reason });
      let url: URL;
      try {
        url = new URL(address);
      } catch {
        note(`${address || row.legacy_key} is no address: no entry`);
        continue;
      }
      if (legacyHosts.size && !legacyHosts.has(url.hostname.toLowerCase())) {
        const path = row.legacy_key.slice('file:'.length);
        if (!path.startsWith('/') || path.includes('?')) continue;
        address = `http://${legacy.hosts[0]}${path}`;
        url = new URL(address);
      }
      const dropped = FILE_NAME_PARAMS.filter((p) => url.searchParams.has(p) && !legacy.query_params.includes(p));
      if (dropped.length) {
        note(`${address} names its file by the query parameter ${dropped.join(', ')}, which legacy site ${legacy.code} does not keep: no entry`);
        continue;
      }
      let entry: ReturnType<typeof prepareEntry>;
      try {
        entry = prepareEntry(legacy, hosts, { legacyUrl: address, kind: 'legacy', target: fileUrl(file) });
      } catch (err) {
        note(`${address}: ${(err as Error).message}: no entry`);
        continue;
      }
      if (entry.key === '/') continue;
      if (seen.has(entry.key)) {
        note(`${address} is the address of another stored file too: no entry`);
        continue;
      }
      seen.add(entry.key);
      wanted.push({ rowId: row.id, entry });
    }
    const rowOf = new Map(rows.map((r) => [r.id, r]));
    for (const part of chunks(wanted, 500)) {
      const answered = new Set((await trx.selectFrom('url_path').select('path').where('site_id', '=', siteId)
        .where('path', 'in', part.map((w) => w.entry.key)).execute()).map((r) => r.path));
      const todo = part.filter((w) => {
        if (!answered.has(w.entry.key)) return true;
        const row = rowOf.get(w.rowId)!;
        result.notes.push({ key: row.legacy_key, url: w.entry.legacyUrl, filename: row.filename, reason: `${w.entry.legacyUrl} already answers for another page: no entry` });
        return false;
      });
      if (!todo.length) continue;
      const { ids } = await upsertEntries(trx, siteId, legacy.id, todo.map((w) => w.entry));
      // Each ID map row names its entry: one statement for the part, not one per file.
      await sql`update legacy_item i set url_path_id = v.url_path_id
        from unnest(${todo.map((w) => w.rowId)}::uuid[], ${ids}::uuid[]) as v(id, url_path_id)
        where i.site_id = ${siteId} and i.id = v.id`.execute(trx);
      result.written += todo.length;
    }
    return result;
  });
}
