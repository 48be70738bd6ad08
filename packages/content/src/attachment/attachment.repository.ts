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
      // An image the site's theme settings show (a banner), for the pack the site wears now.
      exists(selectFrom('site_theme_setting as t')
        .innerJoin('site as s', (join) => join.onRef('s.id', '=', 't.site_id').onRef('s.theme', '=', 't.theme'))
        .select('t.site_id')
        .whereRef('t.site_id', '=', 'attachment.site_id')
        .where(sql<boolean>`position('/_files/' || attachment.id::text || '/' in t.settings::text) > 0`)),
      // An image the site's own version of a partial shows (a QR code in its top bar), likewise.
      exists(selectFrom('site_partial_override as p')
        .innerJoin('site as s', (join) => join.onRef('s.id', '=', 'p.site_id').onRef('s.theme', '=', 'p.theme'))
        .select('p.site_id')
        .whereRef('p.site_id', '=', 'attachment.site_id')
        .where(sql<boolean>`position('/_files/' || attachment.id::text || '/' in p.source) > 0`)),
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
