import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@zhanqun/testing/db';
import { migrateAllDown, migrateToLatest, migrationStatus } from './migrator.js';

const TENANT_TABLES = ['site', 'org_unit', 'org_unit_name_history', 'role_grant', 'site_domain', 'site_column', 'site_counter', 'article', 'article_revision', 'article_placement', 'url_path', 'audit_log_entry'];

describe('migrations', () => {
  let t: TestDatabase;
  beforeAll(async () => { t = await createTestDatabase(); });
  afterAll(async () => { await t.destroy(); });

  it('should go all the way down and up again, leaving nothing behind', async () => {
    expect((await migrationStatus(t.db)).pending).toEqual([]);
    await migrateAllDown(t.db);
    const left = await sql<{ tablename: string }>`select tablename from pg_tables where schemaname = 'public' and tablename not like 'kysely_%'`.execute(t.db);
    expect(left.rows).toEqual([]);
    const fns = await sql<{ proname: string }>`select proname from pg_proc where proname like 'zhanqun_%'`.execute(t.db);
    expect(fns.rows).toEqual([]);
    await migrateToLatest(t.db);
    expect((await migrationStatus(t.db)).pending).toEqual([]);
  });

  it('should enable and force row-level security on every tenant table', async () => {
    const { rows } = await sql<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>`
      select relname, relrowsecurity, relforcerowsecurity from pg_class where relname in (${sql.join(TENANT_TABLES)})`.execute(t.db);
    expect(rows).toHaveLength(TENANT_TABLES.length);
    for (const r of rows) expect([r.relname, r.relrowsecurity, r.relforcerowsecurity]).toEqual([r.relname, true, true]);
  });

  it('should give the app role no UPDATE or DELETE on the audit trail, no UPDATE on revisions, and no BYPASSRLS', async () => {
    const { rows } = await sql<{ upd: boolean; del: boolean; ins: boolean; rev_upd: boolean; bypass: boolean }>`
      select has_table_privilege('zhanqun_app', 'audit_log_entry', 'UPDATE') as upd,
             has_table_privilege('zhanqun_app', 'audit_log_entry', 'DELETE') as del,
             has_table_privilege('zhanqun_app', 'audit_log_entry', 'INSERT') as ins,
             has_table_privilege('zhanqun_app', 'article_revision', 'UPDATE') as rev_upd,
             (select rolbypassrls from pg_roles where rolname = 'zhanqun_app') as bypass`.execute(t.db);
    expect(rows[0]).toEqual({ upd: false, del: false, ins: true, rev_upd: false, bypass: false });
  });

  it('should read the scope settings once per statement in every policy, not once per row', async () => {
    // A bare zhanqun_setting_uuids(…) in a policy runs current_setting and a uuid[] cast for every
    // row filtered; in a scalar subquery it is an InitPlan (migration 2026_11_28_130000).
    const { rows } = await sql<{ policy: string; expr: string }>`
      select polrelid::regclass || '.' || polname as policy,
             coalesce(pg_get_expr(polqual, polrelid), '') || ' ' || coalesce(pg_get_expr(polwithcheck, polrelid), '') as expr
      from pg_policy`.execute(t.db);
    expect(rows.filter((r) => r.expr.includes('zhanqun_setting_uuids')).length).toBeGreaterThan(10);
    const bare = rows.filter((r) => /(?<!SELECT )zhanqun_setting_uuids\(/.test(r.expr)).map((r) => r.policy);
    expect(bare).toEqual([]);
  });

  it('should check a revision foreign key through the (site_id, id) index, even on an empty table', async () => {
    // The shape of Postgres' own foreign-key check, as a generic plan on tables without statistics
    // (a new platform): it must not pick an index led by site_id alone and read the site's every
    // revision per check (migration 2026_11_28_140000).
    const plan = await t.db.transaction().execute(async (trx) => {
      await sql`set local plan_cache_mode = force_generic_plan`.execute(trx);
      await sql`prepare zq_fk_check(uuid, uuid) as select 1 from only article_revision x where site_id = $1 and id = $2 for key share of x`.execute(trx);
      const { rows } = await sql<{ 'QUERY PLAN': string }>`explain execute zq_fk_check(null, null)`.execute(trx);
      await sql`deallocate zq_fk_check`.execute(trx);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    });
    expect(plan).toMatch(/Index Cond: \(\(site_id = \$1\) AND \(id = \$2\)\)/);
    expect(plan).not.toContain('Filter');
  });
});
