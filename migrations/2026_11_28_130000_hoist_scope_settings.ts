// Row-level security reads its scope settings once per statement, not once per row (issue 7,
// Speed; every platform-scoped statement gains). Policies that compare a column with
// zhanqun_setting_uuids('zhanqun.…') directly — site, org_unit, audit_log_entry, role_grant and the
// platform-wide lists — evaluated it for every row they filter: current_setting, string_to_array
// and a uuid[] cast per row. zhanqun_scope_site_ids(), which every other table's policy calls once
// per statement, collects a platform's sites through the site policy, so under a platform scope it
// cost ~1 ms per call on a 600-site platform (a third of Postgres' time in a mirror import) and
// grows with the province. Wrapped in a scalar subquery the setting becomes an InitPlan, read
// once; what each policy admits is unchanged.
//
// Done over pg_policy rather than policy by policy, so a policy written later the old way is caught
// by the test (rls-policies.int.test.ts) and not by a slow province.
import { sql, type Kysely } from 'kysely';

const rewrite = (from: string, to: string, match: string) => `
DO $$
DECLARE
  p record;
  q text;
  c text;
  stmt text;
BEGIN
  FOR p IN
    SELECT pol.polname, pol.polrelid::regclass::text AS rel,
           pg_get_expr(pol.polqual, pol.polrelid) AS qual, pg_get_expr(pol.polwithcheck, pol.polrelid) AS chk
    FROM pg_policy pol
    WHERE coalesce(pg_get_expr(pol.polqual, pol.polrelid), '') || coalesce(pg_get_expr(pol.polwithcheck, pol.polrelid), '') ~ '${match}'
  LOOP
    q := regexp_replace(p.qual, '${from}', '${to}', 'g');
    c := regexp_replace(p.chk, '${from}', '${to}', 'g');
    stmt := format('ALTER POLICY %I ON %s', p.polname, p.rel);
    IF q IS NOT NULL THEN stmt := stmt || format(' USING (%s)', q); END IF;
    IF c IS NOT NULL THEN stmt := stmt || format(' WITH CHECK (%s)', c); END IF;
    EXECUTE stmt;
  END LOOP;
END $$;
`;

// A bare call (not already the subquery's own): zhanqun_setting_uuids('zhanqun.site_ids'::text).
const BARE = `(?<!SELECT )zhanqun_setting_uuids\\(''(zhanqun\\.[a-z_]+)''::text\\)`;
// The subquery as pg_get_expr prints it back (cast: `= ANY ((SELECT …))` would read as ANY over a subquery's rows).
const HOISTED = `\\( SELECT zhanqun_setting_uuids\\(''(zhanqun\\.[a-z_]+)''::text\\) AS zhanqun_setting_uuids\\)::uuid\\[\\]`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(rewrite(BARE, `(SELECT zhanqun_setting_uuids(''\\1''::text))::uuid[]`, BARE)).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(rewrite(HOISTED, `zhanqun_setting_uuids(''\\1''::text)`, HOISTED)).execute(db);
}
