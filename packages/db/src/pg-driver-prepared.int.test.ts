import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@zhanqun/testing/db';
import { inScope } from './scope.js';

// Parameterised queries run as prepared statements on Postgres (pg-driver.ts): planned once
// per connection, with results, errors and row-level security as before.
describe('prepared statements', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    await sql`create table prepared_probe (id int primary key, v text)`.execute(t.db);
  });
  afterAll(async () => { await t.destroy(); });

  it('should answer the same query with new values, report errors, and keep the statement', async () => {
    for (let i = 1; i <= 8; i++) await t.db.insertInto('prepared_probe' as never).values({ id: i, v: `v${i}` } as never).execute();
    const read = (id: number) => t.db.selectFrom('prepared_probe' as never).select('v' as never).where('id' as never, '=', id as never).executeTakeFirst();
    expect(await read(3)).toEqual({ v: 'v3' });
    expect(await read(7)).toEqual({ v: 'v7' });
    await expect(t.db.insertInto('prepared_probe' as never).values({ id: 3, v: 'again' } as never).execute()).rejects.toThrow(/duplicate key/);
    expect(await read(3)).toEqual({ v: 'v3' });
    if (t.kind !== 'postgres') return; // PGlite has its own dialect
    const statements = await sql<{ n: number }>`select count(*)::int as n from pg_prepared_statements where name like 'zq_%'`.execute(t.db);
    expect(statements.rows[0]!.n).toBeGreaterThan(0);
  });

  it('should apply row-level security on every run of a prepared statement, whoever and whatever the scope', async () => {
    const a = '00000000-0000-7000-8000-00000000000a';
    const b = '00000000-0000-7000-8000-00000000000b';
    await sql.raw(`create table rls_probe (site_id uuid not null, v text);
      alter table rls_probe enable row level security;
      create policy rls_probe_scope on rls_probe using (site_id = any (zhanqun_scope_site_ids()));
      grant select on rls_probe to zhanqun_app;
      insert into rls_probe values ('${a}', 'a'), ('${b}', 'b');`).execute(t.db);
    const read = (db: Parameters<Parameters<typeof inScope>[2]>[0] | TestDatabase['db']) =>
      db.selectFrom('rls_probe' as never).select('v' as never).where('v' as never, '<>', 'none' as never).orderBy('v' as never).execute();
    // More than five runs of the one text, so Postgres may settle on a generic plan meanwhile.
    for (let i = 0; i < 4; i++) {
      expect(await inScope(t.db, { kind: 'sites', siteIds: [a] }, (trx) => read(trx))).toEqual([{ v: 'a' }]);
      expect(await inScope(t.db, { kind: 'sites', siteIds: [b] }, (trx) => read(trx))).toEqual([{ v: 'b' }]);
      expect(await inScope(t.db, { kind: 'public', siteIds: [] }, (trx) => read(trx))).toEqual([]);
      expect(await read(t.db)).toEqual([{ v: 'a' }, { v: 'b' }]); // the owner, outside any scope
    }
  });
});
