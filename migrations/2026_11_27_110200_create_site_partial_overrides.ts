// A site's own versions of its theme pack's partials (issue 6: per-site partial overrides), one row
// per site, pack and partial, checked when saved (theme-overrides.ts). Site-scoped with row-level
// security like every tenant table; public requests read them and never write; a change NOTIFYs
// the site so its cached pages go (migration 090300's pattern).
import { sql, type Kysely } from 'kysely';

const EVENTS = [['insert', 'INSERT', 'NEW TABLE AS changed'], ['update', 'UPDATE', 'NEW TABLE AS changed'], ['delete', 'DELETE', 'OLD TABLE AS changed']] as const;

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
CREATE TABLE site_partial_override (
  site_id uuid NOT NULL CONSTRAINT site_partial_override_site_id_fkey REFERENCES site (id),
  theme text NOT NULL CONSTRAINT site_partial_override_theme_chk CHECK (theme ~ '^[a-z0-9][a-z0-9-]*$'),
  name text NOT NULL CONSTRAINT site_partial_override_name_chk CHECK (name ~ '^[a-z0-9][a-z0-9_-]*$'),
  source text NOT NULL CONSTRAINT site_partial_override_source_chk CHECK (length(source) <= 20000),
  updated_by uuid CONSTRAINT site_partial_override_updated_by_fkey REFERENCES app_user (id),
  updated_at timestamptz NOT NULL,
  CONSTRAINT site_partial_override_pkey PRIMARY KEY (site_id, theme, name)
);
GRANT SELECT, INSERT, UPDATE, DELETE ON site_partial_override TO zhanqun_app;
ALTER TABLE site_partial_override ENABLE ROW LEVEL SECURITY;
ALTER TABLE site_partial_override FORCE ROW LEVEL SECURITY;
CREATE POLICY site_partial_override_scope ON site_partial_override
  USING (site_id = ANY ((SELECT zhanqun_scope_site_ids())::uuid[]))
  WITH CHECK (site_id = ANY ((SELECT zhanqun_scope_site_ids())::uuid[]));
CREATE POLICY site_partial_override_oversight ON site_partial_override FOR SELECT USING (site_id = ANY ((SELECT zhanqun_read_site_ids())::uuid[]));
CREATE POLICY site_partial_override_public_insert ON site_partial_override AS RESTRICTIVE FOR INSERT WITH CHECK (NOT zhanqun_public_mode());
CREATE POLICY site_partial_override_public_update ON site_partial_override AS RESTRICTIVE FOR UPDATE USING (NOT zhanqun_public_mode());
CREATE POLICY site_partial_override_public_delete ON site_partial_override AS RESTRICTIVE FOR DELETE USING (NOT zhanqun_public_mode());
${EVENTS.map(([name, event, ref]) => `CREATE TRIGGER site_partial_override_notify_${name} AFTER ${event} ON site_partial_override REFERENCING ${ref} FOR EACH STATEMENT EXECUTE FUNCTION zhanqun_notify_sites();`).join('\n')}
`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw('DROP TABLE site_partial_override').execute(db);
}
