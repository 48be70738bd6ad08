import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/** A console account; what it may do comes from its role grants (role_grant). */
export interface AppUserTable {
  id: string;
  platform_id: string;
  username: string;
  display_name: string;
  password_hash: string;
  is_platform_admin: boolean;
  /** Console language: zh-CN or en. */
  locale: string;
  disabled_at: Date | null;
  /** 外包服务人员: grants end no later than the contract; never publish, approve or grant. */
  is_outsourced: Generated<boolean>;
  contract_ref: string | null;
  contract_end: Date | null;
  /** Base32 TOTP key, set when a second factor is enrolled. */
  totp_key: string | null;
  totp_enabled_at: Date | null;
  /** The time step of the last TOTP code accepted: a code is good once (no replay in its window). */
  totp_last_step: number | null;
  failed_logins: Generated<number>;
  locked_until: Date | null;
  password_changed_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}
export type AppUserRow = Selectable<AppUserTable>;
export type NewAppUserRow = Insertable<AppUserTable>;
export type AppUserRowUpdate = Updateable<AppUserTable>;
