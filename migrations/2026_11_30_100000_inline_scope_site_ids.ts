// The scope's sites without a function call on public and site-scoped statements (issue 6,
// Speed). Every table's policy reads zhanqun_scope_site_ids() once per statement (an InitPlan per
// table the statement names): as plpgsql (migration 2026_11_27_090500) that was a PL/pgSQL call
// each time, ~7 % of Postgres' time on an uncached article page (perf), for requests that name no
// platform and only need the site list parsed. Now it is a SQL function Postgres inlines — one CASE
// — and only a platform scope calls PL/pgSQL, zhanqun_platform_scope_site_ids(), which collects the
// platform's sites as before. What each policy admits is unchanged.
import { sql, type Kysely } from 'kysely';
import { SCOPE_SITE_IDS_PLPGSQL as PLPGSQL } from './2026_11_27_090500_speed_up_row_security.js';

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
CREATE FUNCTION zhanqun_platform_scope_site_ids() RETURNS uuid[] LANGUAGE plpgsql STABLE AS $f$${PLPGSQL}$f$;
-- No platform named (an empty or unset setting, as zhanqun_setting_uuids reads it): the sites named.
CREATE OR REPLACE FUNCTION zhanqun_scope_site_ids() RETURNS uuid[] LANGUAGE sql STABLE AS $f$
  SELECT CASE WHEN nullif(current_setting('zhanqun.platform_ids', true), '') IS NULL
    THEN zhanqun_setting_uuids('zhanqun.site_ids') ELSE zhanqun_platform_scope_site_ids() END
$f$;
`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`
CREATE OR REPLACE FUNCTION zhanqun_scope_site_ids() RETURNS uuid[] LANGUAGE plpgsql STABLE AS $f$${PLPGSQL}$f$;
DROP FUNCTION zhanqun_platform_scope_site_ids();
`).execute(db);
}
