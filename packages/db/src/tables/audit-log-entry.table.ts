import type { Insertable, Selectable } from 'kysely';

/** One link of a platform's append-only, hash-chained audit trail. */
export interface AuditLogEntryTable {
  id: string;
  platform_id: string;
  /** Position in the platform's chain, from 1. */
  seq: number;
  site_id: string | null;
  actor_user_id: string | null;
  /** Who, in words: a username, `cli:<account>`, `system:<job>`. */
  actor_label: string;
  ip: string | null;
  action: string;
  object_type: string;
  object_id: string | null;
  before: unknown | null;
  after: unknown | null;
  created_at: Date;
  prev_hash: string;
  hash: string;
}
export type AuditLogEntryRow = Selectable<AuditLogEntryTable>;
export type NewAuditLogEntryRow = Insertable<AuditLogEntryTable>;

/** The head of each platform's chain, locked FOR UPDATE to append. */
export interface AuditChainHeadTable {
  platform_id: string;
  seq: number;
  hash: string;
}
