// A site's theme settings (issue 6): the values a site admin chose for its pack's config.custom,
// one row per site and pack (switching packs keeps each pack's choices). Site-scoped with
// row-level security like every tenant table; public requests read them (pages show them) and
// never write. A change NOTIFYs the site, so its cached pages go (migration 090300's pattern).
import { sql, type Kysely } from 'kysely';

const EVENTS = [['insert', 'INSERT', 'NEW TABLE AS changed'], ['update', 'UPDATE', 'NEW TABLE AS changed'], ['delete', 'DELETE', 'OLD TABLE AS changed']] as const;

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
CREATE TABLE site_theme_setting (
  site_id uuid NOT NULL CONSTRAINT site_theme_setting_site_id_fkey REFERENCES site (id),
  theme text NOT NULL CONSTRAINT site_theme_setting_theme_chk CHECK (theme ~ '^[a-z0-9][a-z0-9-]*$'),
  settings jsonb NOT NULL DEFAULT '{}'::jsonb CONSTRAINT site_theme_setting_settings_chk CHECK (jsonb_typeof(settings) = 'object'),
  updated_by uuid CONSTRAINT site_theme_setting_updated_by_fkey REFERENCES app_user (id),
  updated_at timestamptz NOT NULL,
  CONSTRAINT site_theme_setting_pkey PRIMARY KEY (site_id, theme)
);
GRANT SELECT, INSERT, UPDATE, DELETE ON site_theme_setting TO zhanqun_app;
ALTER TABLE site_theme_setting ENABLE ROW LEVEL SECURITY;
ALTER TABLE site_theme_setting FORCE ROW LEVEL SECURITY;
CREATE POLICY site_theme_setting_scope ON site_theme_setting
  USING (site_id = ANY ((SELECT zhanqun_scope_site_ids())::uuid[]))
  WITH CHECK (site_id = ANY ((SELECT zhanqun_scope_site_ids())::uuid[]));
CREATE POLICY site_theme_setting_oversight ON site_theme_setting FOR SELECT USING (site_id = ANY ((SELECT zhanqun_read_site_ids())::uuid[]));
CREATE POLICY site_theme_setting_public_insert ON site_theme_setting AS RESTRICTIVE FOR INSERT WITH CHECK (NOT zhanqun_public_mode());
CREATE POLICY site_theme_setting_public_update ON site_theme_setting AS RESTRICTIVE FOR UPDATE USING (NOT zhanqun_public_mode());
CREATE POLICY site_theme_setting_public_delete ON site_theme_setting AS RESTRICTIVE FOR DELETE USING (NOT zhanqun_public_mode());
${EVENTS.map(([name, event, ref]) => `CREATE TRIGGER site_theme_setting_notify_${name} AFTER ${event} ON site_theme_setting REFERENCING ${ref} FOR EACH STATEMENT EXECUTE FUNCTION zhanqun_notify_sites();`).join('\n')}
`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw('DROP TABLE site_theme_setting').execute(db);
}
