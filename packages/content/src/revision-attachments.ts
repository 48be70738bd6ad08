import { invalid } from '@zhanqun/core/errors';
import { isUuid } from '@zhanqun/core/id';
import type { Db, Tx } from '@zhanqun/db/scope';

/** The most attachments one revision may carry. */
export const MAX_ATTACHMENTS = 100;

/** Check a save's attachment list before anything is written: ids, no duplicates, not too many. */
export function validateAttachmentIds(ids: readonly string[] | undefined): string[] {
  const list = [...(ids ?? [])];
  if (list.length > MAX_ATTACHMENTS) throw invalid('attachmentIds', `must list at most ${MAX_ATTACHMENTS} attachments`);
  list.forEach((id, i) => { if (!isUuid(id)) throw invalid(`attachmentIds[${i}]`, 'must be an attachment id'); });
  if (new Set(list).size !== list.length) throw invalid('attachmentIds', 'must not list an attachment twice');
  return list;
}

/**
 * Attach files to a new revision, in order. Each must be an attachment of the same site (read
 * under the caller's scope, so another tenant's file is simply not found).
 */
export async function linkAttachments(trx: Tx, siteId: string, revisionId: string, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const found = new Set((await trx.selectFrom('attachment').select('id').where('site_id', '=', siteId).where('id', 'in', [...ids]).execute()).map((r) => r.id));
  ids.forEach((id, i) => { if (!found.has(id)) throw invalid(`attachmentIds[${i}]`, 'is not an attachment of this site'); });
  await trx.insertInto('revision_attachment')
    .values(ids.map((id, position) => ({ site_id: siteId, revision_id: revisionId, attachment_id: id, position }))).execute();
}

export interface RevisionAttachment {
  id: string;
  filename: string;
  media_type: string;
  size: number;
}

/** A revision's attachments in order. Run it in scope (public scope sees live revisions' only). */
export function attachmentsOf(db: Db, siteId: string, revisionId: string): Promise<RevisionAttachment[]> {
  return db.selectFrom('revision_attachment as ra')
    .innerJoin('attachment as f', (j) => j.onRef('f.site_id', '=', 'ra.site_id').onRef('f.id', '=', 'ra.attachment_id'))
    .select(['f.id', 'f.filename', 'f.media_type', 'f.size'])
    .where('ra.site_id', '=', siteId).where('ra.revision_id', '=', revisionId)
    .orderBy('ra.position').execute();
}

/** The ids a revision carries, in order (a restore copies them). */
export async function attachmentIdsOf(db: Db, siteId: string, revisionId: string): Promise<string[]> {
  return (await attachmentsOf(db, siteId, revisionId)).map((a) => a.id);
}
