// Tenancy in full: org-unit history and vertical oversight (垂直管理), read-only oversight of
// city platforms by the province, site locales and closing, column merge/close, and column
// templates maintained by platform admins.
import { sql, type Kysely } from 'kysely';

const SITE_TABLES = ['site_domain', 'site_column', 'site_counter', 'article', 'article_revision', 'article_placement', 'url_path'];

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
ALTER TABLE org_unit
  ADD COLUMN oversight_unit_id uuid CONSTRAINT org_unit_oversight_unit_id_fkey REFERENCES org_unit (id),
  ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX org_unit_platform_id_idx ON org_unit (platform_id);
CREATE INDEX org_unit_division_code_idx ON org_unit (division_code);

CREATE TABLE org_unit_name_history (
  id uuid PRIMARY KEY,
  org_unit_id uuid NOT NULL CONSTRAINT org_unit_name_history_org_unit_id_fkey REFERENCES org_unit (id),
  platform_id uuid NOT NULL CONSTRAINT org_unit_name_history_platform_id_fkey REFERENCES platform (id),
  name text NOT NULL,
  valid_from date NOT NULL,
  valid_to date NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX org_unit_name_history_org_unit_id_idx ON org_unit_name_history (org_unit_id);

ALTER TABLE site
  ADD COLUMN locales text[] NOT NULL DEFAULT '{}',
  ADD COLUMN closed_at timestamptz;
CREATE INDEX site_name_trgm_idx ON site (lower(name) text_pattern_ops);

ALTER TABLE site_column
  ADD COLUMN merged_into_id uuid,
  ADD COLUMN closed_at timestamptz,
  ADD CONSTRAINT site_column_merged_into_fkey FOREIGN KEY (site_id, merged_into_id) REFERENCES site_column (site_id, id);

CREATE TABLE column_template (
  id uuid PRIMARY KEY,
  platform_id uuid NOT NULL CONSTRAINT column_template_platform_id_fkey REFERENCES platform (id),
  code text NOT NULL CONSTRAINT column_template_code_chk CHECK (code ~ '^[a-z][a-z0-9-]{1,39}$'),
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT column_template_platform_id_code_uq UNIQUE (platform_id, code),
  CONSTRAINT column_template_platform_id_id_uq UNIQUE (platform_id, id)
);
CREATE TABLE column_template_column (
  id uuid PRIMARY KEY,
  template_id uuid NOT NULL CONSTRAINT column_template_column_template_id_fkey REFERENCES column_template (id) ON DELETE CASCADE,
  parent_id uuid CONSTRAINT column_template_column_parent_id_fkey REFERENCES column_template_column (id) ON DELETE CASCADE,
  slug text NOT NULL CONSTRAINT column_template_column_slug_chk CHECK (slug ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
  name text NOT NULL,
  kind text NOT NULL CONSTRAINT column_template_column_kind_chk CHECK (kind IN
    ('news', 'notice', 'policy', 'personnel', 'plans', 'interpretation', 'interaction', 'service', 'page', 'link')),
  sort_order integer NOT NULL DEFAULT 0
);
CREATE INDEX column_template_column_template_id_idx ON column_template_column (template_id);

GRANT SELECT, INSERT, UPDATE, DELETE ON org_unit_name_history, column_template, column_template_column TO zhanqun_app;

-- Read-only oversight: a provincial platform admin reads (never writes) its city platforms.
CREATE FUNCTION zhanqun_read_site_ids() RETURNS uuid[] LANGUAGE sql STABLE AS $$
  SELECT zhanqun_scope_site_ids()
    || coalesce((SELECT array_agg(id) FROM site
                 WHERE platform_id = ANY (zhanqun_setting_uuids('zhanqun.read_platform_ids'))), '{}'::uuid[])
$$;
CREATE POLICY site_oversight ON site FOR SELECT
  USING (platform_id = ANY (zhanqun_setting_uuids('zhanqun.read_platform_ids')));
CREATE POLICY org_unit_oversight ON org_unit FOR SELECT
  USING (platform_id = ANY (zhanqun_setting_uuids('zhanqun.read_platform_ids')));
${SITE_TABLES.map((t) => `CREATE POLICY ${t}_oversight ON ${t} FOR SELECT USING (site_id = ANY ((SELECT zhanqun_read_site_ids())::uuid[]));`).join('\n')}
CREATE POLICY audit_log_entry_oversight ON audit_log_entry FOR SELECT
  USING (platform_id = ANY (zhanqun_setting_uuids('zhanqun.read_platform_ids')));

ALTER TABLE org_unit_name_history ENABLE ROW LEVEL SECURITY;
ALTER TABLE org_unit_name_history FORCE ROW LEVEL SECURITY;
CREATE POLICY org_unit_name_history_scope ON org_unit_name_history
  USING (platform_id = ANY (zhanqun_setting_uuids('zhanqun.platform_ids')))
  WITH CHECK (platform_id = ANY (zhanqun_setting_uuids('zhanqun.platform_ids')));
CREATE POLICY org_unit_name_history_oversight ON org_unit_name_history FOR SELECT
  USING (platform_id = ANY (zhanqun_setting_uuids('zhanqun.read_platform_ids')));
`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`
DROP POLICY org_unit_name_history_oversight ON org_unit_name_history;
DROP POLICY org_unit_name_history_scope ON org_unit_name_history;
DROP POLICY audit_log_entry_oversight ON audit_log_entry;
${SITE_TABLES.map((t) => `DROP POLICY ${t}_oversight ON ${t};`).join('\n')}
DROP POLICY org_unit_oversight ON org_unit;
DROP POLICY site_oversight ON site;
DROP FUNCTION zhanqun_read_site_ids();
DROP TABLE column_template_column;
DROP TABLE column_template;
ALTER TABLE site_column DROP CONSTRAINT site_column_merged_into_fkey, DROP COLUMN merged_into_id, DROP COLUMN closed_at;
DROP INDEX site_name_trgm_idx;
ALTER TABLE site DROP COLUMN locales, DROP COLUMN closed_at;
DROP TABLE org_unit_name_history;
DROP INDEX org_unit_division_code_idx;
DROP INDEX org_unit_platform_id_idx;
ALTER TABLE org_unit DROP COLUMN oversight_unit_id, DROP COLUMN updated_at;
`).execute(db);
}
