import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@zhanqun/testing/db';

// Booleans are written into the statement (query-compiler.ts), so the generic plan of a
// prepared statement can use a partial index on them, as a public column page's does.
describe('LiteralBooleanCompiler', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    await sql`create table bool_probe (id int primary key, grp int not null, listed boolean not null, at int not null)`.execute(t.db);
    await sql`insert into bool_probe select i, i % 10, i % 3 <> 0, i from generate_series(1, 5000) i`.execute(t.db);
    await sql`create index bool_probe_list_idx on bool_probe (grp, at) where listed`.execute(t.db);
    await sql`analyze bool_probe`.execute(t.db);
  });
  afterAll(async () => { await t.destroy(); });

  const query = (grp: number) => t.db.selectFrom('bool_probe' as never).select('id' as never)
    .where('grp' as never, '=', grp as never).where('listed' as never, '=', true as never).orderBy('at' as never, 'desc').limit(5);

  it('should write booleans as literals and keep other values as parameters', async () => {
    const compiled = query(3).compile();
    expect(compiled.sql).toMatch(/"listed" = true/);
    expect(compiled.parameters).toEqual([3, 5]);
    const rows = await query(3).execute();
    expect(rows.map((r) => (r as { id: number }).id)).toEqual([4993, 4973, 4963, 4943, 4933]);
    // Inserts and updates keep working with boolean values.
    await t.db.insertInto('bool_probe' as never).values({ id: 9001, grp: 3, listed: false, at: 9001 } as never).execute();
    await t.db.updateTable('bool_probe' as never).set({ listed: true } as never).where('id' as never, '=', 9001 as never).execute();
    expect((await query(3).execute()).map((r) => (r as { id: number }).id)[0]).toBe(9001);
  });

  it('should let the generic plan of the prepared statement use the partial index', async () => {
    const { sql: text } = query(3).compile();
    const plan = await t.db.connection().execute(async (c) => {
      await sql`set plan_cache_mode = force_generic_plan`.execute(c);
      await sql.raw(`prepare probe_list(int, int) as ${text}`).execute(c);
      const r = await sql.raw<{ 'QUERY PLAN': string }>('explain execute probe_list(3, 5)').execute(c);
      await sql`deallocate probe_list`.execute(c);
      await sql`reset plan_cache_mode`.execute(c);
      return r.rows.map((row) => row['QUERY PLAN']).join('\n');
    });
    expect(plan).toContain('bool_probe_list_idx');
  });
});
