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
});
