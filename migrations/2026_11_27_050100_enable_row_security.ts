// The app role and row-level security: every transaction of the application runs as
// zhanqun_app (NOBYPASSRLS, not the owner) with its scope in transaction-local settings, and
// every table that carries a site or org unit is ENABLEd and FORCEd with policies.
import { sql, type Kysely } from 'kysely';

/** Tables keyed by site_id whose rows belong to one tenant site. */
const SITE_TABLES = ['site_domain', 'site_column', 'site_counter', 'article', 'article_revision', 'article_placement', 'url_path'];
/** Tables public requests may write (hit counters). */
const PUBLIC_WRITABLE = new Set(['url_path']);

function readOnlyInPublic(table: string, allowUpdate: boolean): string {
  // Restrictive policies AND with the scope policy: a public request never changes content.
  return `
CREATE POLICY ${table}_public_insert ON ${table} AS RESTRICTIVE FOR INSERT WITH CHECK (NOT zhanqun_public_mode());
CREATE POLICY ${table}_public_delete ON ${table} AS RESTRICTIVE FOR DELETE USING (NOT zhanqun_public_mode());
${allowUpdate ? '' : `CREATE POLICY ${table}_public_update ON ${table} AS RESTRICTIVE FOR UPDATE USING (NOT zhanqun_public_mode());`}`;
}

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
DO $$ BEGIN
  CREATE ROLE zhanqun_app NOLOGIN NOBYPASSRLS;
EXCEPTION WHEN duplicate_object THEN NULL; -- roles are cluster-wide: another database made it
END $$;
DO $$ BEGIN
  EXECUTE format('GRANT zhanqun_app TO %I', current_user); -- so the owner may SET ROLE to it
EXCEPTION WHEN OTHERS THEN NULL; -- superusers need no membership
END $$;

GRANT USAGE ON SCHEMA public TO zhanqun_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO zhanqun_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO zhanqun_app;
REVOKE ALL ON kysely_migration, kysely_migration_lock FROM zhanqun_app;
-- The audit trail is append-only for the application.
REVOKE UPDATE, DELETE ON audit_log_entry FROM zhanqun_app;

CREATE FUNCTION zhanqun_setting_uuids(setting text) RETURNS uuid[] LANGUAGE sql STABLE AS $$
  SELECT coalesce(string_to_array(nullif(current_setting(setting, true), ''), ',')::uuid[], '{}'::uuid[])
$$;
CREATE FUNCTION zhanqun_public_mode() RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT coalesce(current_setting('zhanqun.mode', true), '') = 'public'
$$;
-- Sites in scope: those named, plus every site of the platforms named. Runs as the caller, so
-- the site policy below (which reads no table) filters it: no recursion, no definer rights.
CREATE FUNCTION zhanqun_scope_site_ids() RETURNS uuid[] LANGUAGE sql STABLE AS $$
  SELECT zhanqun_setting_uuids('zhanqun.site_ids')
    || coalesce((SELECT array_agg(id) FROM site
                 WHERE platform_id = ANY (zhanqun_setting_uuids('zhanqun.platform_ids'))), '{}'::uuid[])
$$;

ALTER TABLE site ENABLE ROW LEVEL SECURITY;
ALTER TABLE site FORCE ROW LEVEL SECURITY;
CREATE POLICY site_scope ON site
  USING (platform_id = ANY (zhanqun_setting_uuids('zhanqun.platform_ids'))
         OR id = ANY (zhanqun_setting_uuids('zhanqun.site_ids')))
  WITH CHECK (platform_id = ANY (zhanqun_setting_uuids('zhanqun.platform_ids'))
         OR id = ANY (zhanqun_setting_uuids('zhanqun.site_ids')));
CREATE POLICY site_public_live ON site AS RESTRICTIVE FOR SELECT
  USING (NOT zhanqun_public_mode() OR deleted_at IS NULL);
${readOnlyInPublic('site', false)}

ALTER TABLE org_unit ENABLE ROW LEVEL SECURITY;
ALTER TABLE org_unit FORCE ROW LEVEL SECURITY;
CREATE POLICY org_unit_scope ON org_unit
  USING (platform_id = ANY (zhanqun_setting_uuids('zhanqun.platform_ids'))
         OR id IN (SELECT org_unit_id FROM site WHERE id = ANY (zhanqun_setting_uuids('zhanqun.site_ids'))))
  WITH CHECK (platform_id = ANY (zhanqun_setting_uuids('zhanqun.platform_ids')));
${readOnlyInPublic('org_unit', false)}

${SITE_TABLES.map((t) => `
ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY;
ALTER TABLE ${t} FORCE ROW LEVEL SECURITY;
CREATE POLICY ${t}_scope ON ${t}
  USING (site_id = ANY ((SELECT zhanqun_scope_site_ids())::uuid[]))
  WITH CHECK (site_id = ANY ((SELECT zhanqun_scope_site_ids())::uuid[]));
${readOnlyInPublic(t, PUBLIC_WRITABLE.has(t))}`).join('\n')}

-- Host routing data is what DNS publishes anyway: any request may read it to find its site.
CREATE POLICY site_domain_route ON site_domain FOR SELECT USING (true);

-- Public requests see published content only.
CREATE POLICY article_public_live ON article AS RESTRICTIVE FOR SELECT
  USING (NOT zhanqun_public_mode() OR (live AND deleted_at IS NULL));
CREATE POLICY article_revision_public_live ON article_revision AS RESTRICTIVE FOR SELECT
  USING (NOT zhanqun_public_mode() OR EXISTS (
    SELECT 1 FROM article a WHERE a.site_id = article_revision.site_id AND a.live_revision_id = article_revision.id));
CREATE POLICY site_column_public_open ON site_column AS RESTRICTIVE FOR SELECT
  USING (NOT zhanqun_public_mode() OR deleted_at IS NULL);

ALTER TABLE audit_log_entry ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log_entry FORCE ROW LEVEL SECURITY;
CREATE POLICY audit_log_entry_read ON audit_log_entry FOR SELECT
  USING (platform_id = ANY (zhanqun_setting_uuids('zhanqun.platform_ids'))
         OR site_id = ANY ((SELECT zhanqun_scope_site_ids())::uuid[]));
CREATE POLICY audit_log_entry_append ON audit_log_entry FOR INSERT
  WITH CHECK (NOT zhanqun_public_mode());
`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  const tables = ['site', 'org_unit', ...SITE_TABLES, 'audit_log_entry'];
  const policies = await sql<{ tablename: string; policyname: string }>`
    select tablename, policyname from pg_policies where schemaname = current_schema()`.execute(db);
  const drops = policies.rows.map((p) => `DROP POLICY ${p.policyname} ON ${p.tablename};`).join('\n');
  await sql.raw(`
${drops}
${tables.map((t) => `ALTER TABLE ${t} NO FORCE ROW LEVEL SECURITY; ALTER TABLE ${t} DISABLE ROW LEVEL SECURITY;`).join('\n')}
DROP FUNCTION zhanqun_scope_site_ids();
DROP FUNCTION zhanqun_public_mode();
DROP FUNCTION zhanqun_setting_uuids(text);
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM zhanqun_app;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM zhanqun_app;
REVOKE USAGE ON SCHEMA public FROM zhanqun_app;
-- The role itself stays: it is cluster-wide and other databases may use it.
`).execute(db);
}
