// Row-level security at the speed of a public page (bench public-pages, issue 6): the scope
// functions were SQL functions Postgres does not inline, re-planned in every statement and each
// scanning `site` even on public and site-scoped requests, which name no platform. As plpgsql
// they return the named sites at once when no platform is in scope. The live-revision policies
// (public requests see live revisions only) get the index their EXISTS needs.
import { sql, type Kysely } from 'kysely';

/** The PL/pgSQL body of the scope's sites (migration 2026_11_30_100000 keeps it for platform scopes). */
export const SCOPE_SITE_IDS_PLPGSQL = `
DECLARE
  platforms uuid[] := zhanqun_setting_uuids('zhanqun.platform_ids');
  sites uuid[] := zhanqun_setting_uuids('zhanqun.site_ids');
BEGIN
  IF cardinality(platforms) = 0 THEN RETURN sites; END IF;
  RETURN sites || coalesce((SELECT array_agg(id) FROM site WHERE platform_id = ANY (platforms)), '{}'::uuid[]);
END `;

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
CREATE OR REPLACE FUNCTION zhanqun_scope_site_ids() RETURNS uuid[] LANGUAGE plpgsql STABLE AS $$${SCOPE_SITE_IDS_PLPGSQL}$$;
CREATE OR REPLACE FUNCTION zhanqun_read_site_ids() RETURNS uuid[] LANGUAGE plpgsql STABLE AS $$
DECLARE
  readable uuid[] := zhanqun_setting_uuids('zhanqun.read_platform_ids');
BEGIN
  IF cardinality(readable) = 0 THEN RETURN zhanqun_scope_site_ids(); END IF;
  RETURN zhanqun_scope_site_ids() || coalesce((SELECT array_agg(id) FROM site WHERE platform_id = ANY (readable)), '{}'::uuid[]);
END $$;
CREATE INDEX article_site_id_live_revision_id_idx ON article (site_id, live_revision_id) WHERE live_revision_id IS NOT NULL;
`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`
DROP INDEX article_site_id_live_revision_id_idx;
CREATE OR REPLACE FUNCTION zhanqun_read_site_ids() RETURNS uuid[] LANGUAGE sql STABLE AS $f$
  SELECT zhanqun_scope_site_ids()
    || coalesce((SELECT array_agg(id) FROM site
                 WHERE platform_id = ANY (zhanqun_setting_uuids('zhanqun.read_platform_ids'))), '{}'::uuid[])
$f$;
CREATE OR REPLACE FUNCTION zhanqun_scope_site_ids() RETURNS uuid[] LANGUAGE sql STABLE AS $f$
  SELECT zhanqun_setting_uuids('zhanqun.site_ids')
    || coalesce((SELECT array_agg(id) FROM site
                 WHERE platform_id = ANY (zhanqun_setting_uuids('zhanqun.platform_ids'))), '{}'::uuid[])
$f$;
`).execute(db);
}
