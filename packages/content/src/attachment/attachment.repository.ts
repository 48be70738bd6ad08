import { sql } from 'kysely';
import type { AttachmentRow, BlobRow, NewAttachmentRow } from '@zhanqun/db/database';
import type { Db } from '@zhanqun/db/scope';

export const ATTACHMENT_COLUMNS = ['id', 'site_id', 'blob_sha256', 'filename', 'media_type', 'size', 'created_by', 'created_at'] as const;

/** What a download needs: the name to send, the type, the length and where the bytes are. */
export interface ServableAttachment {
  filename: string;
  media_type: string;
  size: number;
  blob_sha256: string;
}

/**
 * Add the blob row unless the same bytes are known already. DO NOTHING rather than an update:
 * blobs are immutable and the app role may not update them; the first upload's type stays.
 */
export async function insertBlob(db: Db, row: BlobRow): Promise<void> {
  await db.insertInto('blob').values(row).onConflict((oc) => oc.column('sha256').doNothing()).execute();
}

export function insert(db: Db, row: NewAttachmentRow): Promise<AttachmentRow> {
  return db.insertInto('attachment').values(row).returning(ATTACHMENT_COLUMNS).executeTakeFirstOrThrow();
}

export function findById(db: Db, siteId: string, id: string): Promise<AttachmentRow | undefined> {
  return db.selectFrom('attachment').select(ATTACHMENT_COLUMNS).where('site_id', '=', siteId).where('id', '=', id).executeTakeFirst();
}

/**
 * Does the site show the attachment (`<alias>`: id, site_id) outside articles — its theme settings
 * (a banner, a logo) or its own versions of partials name `/_files/<id>/`? `worn`: only for the
 * pack the site wears now (what its pages show: findLiveById); `any`: for any pack it has settings
 * or partials for (what a switch back would show again: a legacy rollback keeps such files). Only
 * the attachment's own site counts: files are per site.
 */
export function shownBySite(alias: string, packs: 'worn' | 'any') {
  const file = sql.ref(`${alias}.id`);
  const site = sql.ref(`${alias}.site_id`);
  const worn = (table: 't' | 'p') => (packs === 'worn' ? sql`join site s on s.id = ${sql.raw(table)}.site_id and s.theme = ${sql.raw(table)}.theme` : sql``);
  return sql<boolean>`(exists (select 1 from site_theme_setting t ${worn('t')}
      where t.site_id = ${site} and position('/_files/' || ${file}::text || '/' in t.settings::text) > 0)
    or exists (select 1 from site_partial_override p ${worn('p')}
      where p.site_id = ${site} and position('/_files/' || ${file}::text || '/' in p.source) > 0))`;
}

/**
 * The attachment, if a live revision of its site lists it: the revision is the article's
 * live_revision_id and the article is live and not in the trash. The public RLS policy on
 * revision_attachment says the same, so a public-scope caller gets this answer twice over.
 */
export function findLiveById(db: Db, siteId: string, id: string): Promise<ServableAttachment | undefined> {
  return db.selectFrom('attachment')
    .select(['attachment.filename', 'attachment.media_type', 'attachment.size', 'attachment.blob_sha256'])
    .where('attachment.site_id', '=', siteId)
    .where('attachment.id', '=', id)
    .where(({ exists, or, selectFrom }) => or([
      exists(selectFrom('revision_attachment as ra')
        .innerJoin('article as a', (join) => join.onRef('a.site_id', '=', 'ra.site_id').onRef('a.live_revision_id', '=', 'ra.revision_id'))
        .select('ra.attachment_id')
        .whereRef('ra.site_id', '=', 'attachment.site_id')
        .whereRef('ra.attachment_id', '=', 'attachment.id')
        .where('a.live', '=', true)
        .where('a.deleted_at', 'is', null)),
      // A live revision's cover image (picture news) is public too.
      exists(selectFrom('article_revision as r')
        .innerJoin('article as a', (join) => join.onRef('a.site_id', '=', 'r.site_id').onRef('a.live_revision_id', '=', 'r.id'))
        .select('r.id')
        .whereRef('r.site_id', '=', 'attachment.site_id')
        .whereRef('r.cover_attachment_id', '=', 'attachment.id')
        .where('a.live', '=', true)
        .where('a.deleted_at', 'is', null)),
      // An image the site shows outside articles, in the pack it wears now (a banner, a QR code in its top bar).
      shownBySite('attachment', 'worn'),
    ]))
    .executeTakeFirst();
}

export interface ListOptions {
  limit: number;
  /** Keyset paging: only attachments uploaded before this one (UUID v7 ids sort by time). */
  beforeId?: string | undefined;
}

/** A site's attachments, newest first, for the console's picker and list. */
export function list(db: Db, siteId: string, { limit, beforeId }: ListOptions): Promise<AttachmentRow[]> {
  let query = db.selectFrom('attachment').select(ATTACHMENT_COLUMNS).where('site_id', '=', siteId);
  if (beforeId) query = query.where('id', '<', beforeId);
  return query.orderBy('id', 'desc').limit(limit).execute();
}
