import type { Generated, Insertable, Selectable } from 'kysely';

/** Stored bytes, once per SHA-256, shared by every site that uploads the same file. */
export interface BlobTable {
  sha256: string;
  size: number;
  media_type: string;
  created_at: Date;
}
export type BlobRow = Selectable<BlobTable>;

/** A file uploaded to a site (附件), pointing at its blob. */
export interface AttachmentTable {
  id: string;
  site_id: string;
  blob_sha256: string;
  /** The uploader's file name, shown and sent as RFC 5987 filename*. */
  filename: string;
  media_type: string;
  size: number;
  created_by: string | null;
  created_at: Date;
}
export type AttachmentRow = Selectable<AttachmentTable>;
export type NewAttachmentRow = Insertable<AttachmentTable>;

/** The attachments a revision carries; a file is served while a live revision lists it. */
export interface RevisionAttachmentTable {
  site_id: string;
  revision_id: string;
  attachment_id: string;
  position: number;
  /** Its revision is the live one of a live article not in the trash (set by triggers only; migration 2026_11_29_110000). */
  public_live: Generated<boolean>;
}
export type RevisionAttachmentRow = Selectable<RevisionAttachmentTable>;

/** The platform's serious-error list (严重错误): wrong forms and forbidden words. */
export interface SeriousErrorTermTable {
  id: string;
  platform_id: string;
  term: string;
  /** The right form, where one exists. */
  correction: string | null;
  kind: 'wrong_form' | 'forbidden';
  note: string | null;
  created_by: string | null;
  created_at: Date;
}
export type SeriousErrorTermRow = Selectable<SeriousErrorTermTable>;
export type NewSeriousErrorTermRow = Insertable<SeriousErrorTermTable>;
