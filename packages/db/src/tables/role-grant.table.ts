import type { Generated, Insertable, Selectable } from 'kysely';

export type Role = 'platform_admin' | 'site_admin' | 'editor' | 'reviewer' | 'secrecy_reviewer' | 'liaison' | 'auditor';
export type GrantScopeKind = 'platform' | 'org_unit' | 'site' | 'columns';

/** A role held over a scope (a platform, an org-unit subtree, a site, or some columns of a site). */
export interface RoleGrantTable {
  id: string;
  platform_id: string;
  user_id: string;
  role: Role;
  scope_kind: GrantScopeKind;
  org_unit_id: string | null;
  site_id: string | null;
  column_ids: Generated<string[]>;
  expires_at: Date | null;
  granted_by: string | null;
  created_at: Generated<Date>;
  revoked_at: Date | null;
}
export type RoleGrantRow = Selectable<RoleGrantTable>;
export type NewRoleGrantRow = Insertable<RoleGrantTable>;

export interface RecoveryCodeTable {
  id: string;
  user_id: string;
  code_hash: string;
  used_at: Date | null;
  created_at: Generated<Date>;
}

/** A machine client's token: only its SHA-256 is stored. */
export interface ApiTokenTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
  created_at: Generated<Date>;
}
export type ApiTokenRow = Selectable<ApiTokenTable>;

/** A copy of a platform's audit chain head, kept outside the trail. */
export interface AuditAnchorTable {
  id: string;
  platform_id: string;
  seq: number;
  hash: string;
  anchored_at: Date;
}
