import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/** A console session. `id` is the SHA-256 of the cookie token: the token itself is never stored. */
export interface SessionTable {
  id: string;
  user_id: string;
  created_at: Generated<Date>;
  expires_at: Date;
  ip: string | null;
  user_agent: string | null;
  /** Password accepted, second factor (TOTP) still due: good for nothing but the TOTP step. */
  mfa_pending: Generated<boolean>;
}
export type SessionRow = Selectable<SessionTable>;
export type NewSessionRow = Insertable<SessionTable>;
export type SessionRowUpdate = Updateable<SessionTable>;
