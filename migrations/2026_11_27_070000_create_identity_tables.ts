// Identity and access: scoped role grants, outsourced operators under contract, TOTP and
// recovery codes, login lockout, API tokens, and audit-chain anchors kept outside the trail.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
ALTER TABLE app_user
  ADD COLUMN is_outsourced boolean NOT NULL DEFAULT false,
  ADD COLUMN contract_ref text,
  ADD COLUMN contract_end timestamptz,
  ADD COLUMN totp_key text,
  ADD COLUMN totp_enabled_at timestamptz,
  ADD COLUMN totp_last_step bigint,
  ADD COLUMN failed_logins integer NOT NULL DEFAULT 0,
  ADD COLUMN locked_until timestamptz,
  ADD COLUMN password_changed_at timestamptz,
  ADD CONSTRAINT app_user_outsourced_contract_chk CHECK (NOT is_outsourced OR (contract_ref IS NOT NULL AND contract_end IS NOT NULL));
-- A session that passed the password but not yet the second factor.
ALTER TABLE session ADD COLUMN mfa_pending boolean NOT NULL DEFAULT false;

CREATE TABLE role_grant (
  id uuid PRIMARY KEY,
  platform_id uuid NOT NULL CONSTRAINT role_grant_platform_id_fkey REFERENCES platform (id),
  user_id uuid NOT NULL CONSTRAINT role_grant_user_id_fkey REFERENCES app_user (id),
  role text NOT NULL CONSTRAINT role_grant_role_chk CHECK (role IN
    ('platform_admin', 'site_admin', 'editor', 'reviewer', 'secrecy_reviewer', 'liaison', 'auditor')),
  scope_kind text NOT NULL CONSTRAINT role_grant_scope_kind_chk CHECK (scope_kind IN ('platform', 'org_unit', 'site', 'columns')),
  org_unit_id uuid CONSTRAINT role_grant_org_unit_id_fkey REFERENCES org_unit (id),
  site_id uuid CONSTRAINT role_grant_site_id_fkey REFERENCES site (id),
  column_ids uuid[] NOT NULL DEFAULT '{}',
  expires_at timestamptz,
  granted_by uuid CONSTRAINT role_grant_granted_by_fkey REFERENCES app_user (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  CONSTRAINT role_grant_scope_chk CHECK (
    (scope_kind = 'platform' AND org_unit_id IS NULL AND site_id IS NULL) OR
    (scope_kind = 'org_unit' AND org_unit_id IS NOT NULL AND site_id IS NULL) OR
    (scope_kind = 'site' AND site_id IS NOT NULL) OR
    (scope_kind = 'columns' AND site_id IS NOT NULL AND cardinality(column_ids) > 0))
);
CREATE INDEX role_grant_user_id_idx ON role_grant (user_id) WHERE revoked_at IS NULL;
CREATE INDEX role_grant_site_id_idx ON role_grant (site_id);

CREATE TABLE recovery_code (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL CONSTRAINT recovery_code_user_id_fkey REFERENCES app_user (id) ON DELETE CASCADE,
  code_hash text NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX recovery_code_user_id_idx ON recovery_code (user_id);

CREATE TABLE api_token (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL CONSTRAINT api_token_user_id_fkey REFERENCES app_user (id),
  name text NOT NULL,
  token_hash text NOT NULL CONSTRAINT api_token_token_hash_uq UNIQUE,
  expires_at timestamptz,
  last_used_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX api_token_user_id_idx ON api_token (user_id);

-- Chain heads copied out of the audit table: truncating its tail no longer goes unnoticed.
CREATE TABLE audit_anchor (
  id uuid PRIMARY KEY,
  platform_id uuid NOT NULL CONSTRAINT audit_anchor_platform_id_fkey REFERENCES platform (id),
  seq bigint NOT NULL,
  hash text NOT NULL,
  anchored_at timestamptz NOT NULL
);
CREATE INDEX audit_anchor_platform_id_seq_idx ON audit_anchor (platform_id, seq DESC);

GRANT SELECT, INSERT, UPDATE, DELETE ON role_grant, recovery_code, api_token TO zhanqun_app;
GRANT SELECT, INSERT ON audit_anchor TO zhanqun_app;
REVOKE UPDATE, DELETE ON audit_anchor FROM zhanqun_app;

ALTER TABLE role_grant ENABLE ROW LEVEL SECURITY;
ALTER TABLE role_grant FORCE ROW LEVEL SECURITY;
-- Grants are read when a user signs in (before any scope exists) and managed within a scope.
CREATE POLICY role_grant_own ON role_grant FOR SELECT
  USING (user_id::text = coalesce(current_setting('zhanqun.user_id', true), ''));
CREATE POLICY role_grant_scope ON role_grant
  USING (platform_id = ANY (zhanqun_setting_uuids('zhanqun.platform_ids'))
         OR site_id = ANY ((SELECT zhanqun_scope_site_ids())::uuid[]))
  WITH CHECK (platform_id = ANY (zhanqun_setting_uuids('zhanqun.platform_ids'))
         OR site_id = ANY ((SELECT zhanqun_scope_site_ids())::uuid[]));
CREATE POLICY role_grant_oversight ON role_grant FOR SELECT
  USING (platform_id = ANY (zhanqun_setting_uuids('zhanqun.read_platform_ids')));
`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`
DROP TABLE audit_anchor;
DROP TABLE api_token;
DROP TABLE recovery_code;
DROP TABLE role_grant;
ALTER TABLE session DROP COLUMN mfa_pending;
ALTER TABLE app_user DROP CONSTRAINT app_user_outsourced_contract_chk,
  DROP COLUMN is_outsourced, DROP COLUMN contract_ref, DROP COLUMN contract_end, DROP COLUMN totp_key,
  DROP COLUMN totp_enabled_at, DROP COLUMN totp_last_step, DROP COLUMN failed_logins, DROP COLUMN locked_until, DROP COLUMN password_changed_at;
`).execute(db);
}
