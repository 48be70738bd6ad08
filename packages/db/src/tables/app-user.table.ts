import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/** A console account. Roles and scoped grants arrive with the identity issue. */
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
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}
export type AppUserRow = Selectable<AppUserTable>;
export type NewAppUserRow = Insertable<AppUserTable>;
export type AppUserRowUpdate = Updateable<AppUserTable>;
