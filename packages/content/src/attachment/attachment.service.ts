import type { Readable } from 'node:stream';
import { createError, invalid } from '@zhanqun/core/errors';
import { isUuid, newId } from '@zhanqun/core/id';
import { writeAudit } from '@zhanqun/audit/audit.writer';
import type { ServiceContext } from '@zhanqun/audit/context';
import type { AttachmentRow } from '@zhanqun/db/database';
import { inScope, type Db } from '@zhanqun/db/scope';
import { siteWithSomeColumn } from '../column-access.js';
import * as attachmentRepository from './attachment.repository.js';
import { fileTooLarge, type BlobStore } from './blob-store.js';
import { assertAllowedExtension, detectFileKind } from './file-kind.js';

export type { ServableAttachment } from './attachment.repository.js';

export const AttachmentNotFoundError = createError<[string, string]>('ZQ_CONTENT_ATTACHMENT_NOT_FOUND', 'Attachment %s not found in site %s', 404);

export interface UploadInput {
  /** The uploader's file name (multipart `data.filename`); kept as given, Chinese included. */
  filename: string;
  /**
   * The bytes (multipart `data.file`). busboy sets `truncated` when its own `limits.fileSize`
   * cut the stream short; the stream then ends quietly, so that is checked here as well.
   */
  stream: Readable & { truncated?: boolean };
}

export interface UploadOptions {
  store: BlobStore;
  /** The configured upload limit (default DEFAULT_MAX_UPLOAD_BYTES, 50 MB). */
  maxBytes: number;
}

const FILENAME_MAX = 255;
/** Bidirectional controls let "报告\u202Efdp.exe" display as "报告exe.pdf": refused outright. */
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

/** A file name fit to store and send back: 1 to 255 characters, no path, no control characters. */
export function validateFilename(raw: string): string {
  // NFC: macOS sends decomposed names; the same file should carry the same name from any client.
  const name = raw.normalize('NFC').trim();
  if (!name) throw invalid('file', 'name must not be empty');
  if ([...name].length > FILENAME_MAX) throw invalid('file', `name must be at most ${FILENAME_MAX} characters`);
  if (/[/\\]/.test(name)) throw invalid('file', 'name must not contain / or \\');
  if (/[\p{Cc}\p{Cs}]/u.test(name)) throw invalid('file', 'name must not contain control characters');
  if (BIDI_CONTROLS.test(name)) throw invalid('file', 'name must not contain bidirectional control characters');
  return name;
}

/**
 * Upload a file to a site's attachments (附件). The bytes are streamed to the blob store first,
 * outside any transaction (a 50 MB upload must not hold locks), hashed and checked: size, then
 * name and content against the allow-list. Only then one transaction checks the permission and
 * records the shared blob, the site's attachment row and the audit entry. A refused upload
 * writes nothing to the database, and its scratch file is deleted.
 */
export async function uploadAttachment(ctx: ServiceContext, siteId: string, input: UploadInput, opts: UploadOptions): Promise<AttachmentRow> {
  let filename: string;
  try {
    filename = validateFilename(input.filename);
    assertAllowedExtension(filename);
  } catch (err) {
    // Refused by name alone: stop the upload instead of storing bytes we will not keep.
    input.stream.destroy();
    throw err;
  }
  const staged = await opts.store.stage(input.stream, { maxBytes: opts.maxBytes });
  try {
    if (input.stream.truncated) throw fileTooLarge(opts.maxBytes);
    const kind = await detectFileKind(filename, staged);
    return await inScope(ctx.db, ctx.scope, async (trx) => {
      const site = await siteWithSomeColumn(trx, ctx, siteId, 'content.edit');
      const now = ctx.clock.now();
      // The file goes under its hash before any row names it. Should the transaction fail after
      // this, the file is left with no row: never served (downloads go through rows), and reused
      // by the next upload of the same bytes. Deleting it here could race with that upload.
      await staged.commit();
      await attachmentRepository.insertBlob(trx, { sha256: staged.sha256, size: staged.size, media_type: kind.mediaType, created_at: now });
      const row = await attachmentRepository.insert(trx, {
        id: newId(), site_id: siteId, blob_sha256: staged.sha256, filename, media_type: kind.mediaType,
        size: staged.size, created_by: ctx.actor.userId, created_at: now,
      });
      await writeAudit(trx, ctx.clock, ctx.actor, {
        platformId: site.platform_id, siteId, action: 'attachment.upload', objectType: 'attachment', objectId: row.id,
        after: { filename, size: staged.size, sha256: staged.sha256 },
      });
      return row;
    });
  } finally {
    await staged.discard();
  }
}

/**
 * What a public download of `attachmentId` may send, or undefined: only while a live revision of
 * `siteId` lists it. Meant for the public scope, where row-level security enforces it too.
 */
export async function findServable(db: Db, siteId: string, attachmentId: string): Promise<attachmentRepository.ServableAttachment | undefined> {
  // A malformed id in a public URL is a plain 404, not a database error.
  if (!isUuid(attachmentId)) return undefined;
  return attachmentRepository.findLiveById(db, siteId, attachmentId);
}

/** One attachment of a site, for the console; ZQ_CONTENT_ATTACHMENT_NOT_FOUND (404) otherwise. */
export async function getAttachment(db: Db, siteId: string, attachmentId: string): Promise<AttachmentRow> {
  const row = isUuid(attachmentId) ? await attachmentRepository.findById(db, siteId, attachmentId) : undefined;
  if (!row) throw new AttachmentNotFoundError(attachmentId, siteId);
  return row;
}

export interface ListAttachmentsOptions {
  /** 1 to 200; default 50. */
  limit?: number;
  /** The last id of the previous page. */
  beforeId?: string;
}

/** A site's attachments, newest first, a page at a time. */
export function listAttachments(db: Db, siteId: string, opts: ListAttachmentsOptions = {}): Promise<AttachmentRow[]> {
  const limit = opts.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw invalid('limit', 'must be an integer from 1 to 200');
  if (opts.beforeId !== undefined && !isUuid(opts.beforeId)) throw invalid('beforeId', 'must be an attachment id');
  return attachmentRepository.list(db, siteId, { limit, beforeId: opts.beforeId });
}
