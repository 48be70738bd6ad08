import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@zhanqun/testing/db';
import { applyScope, inScope } from './scope.js';

// Transactions whose BEGIN travels with their first statement (pg-driver.ts on Postgres; on
// PGlite its own dialect): still all or nothing, still under the app role, in every order.
describe('transactions with BEGIN held back', () => {
  let t: TestDatabase;
  const count = async () => (await sql<{ n: number }>`select count(*)::int as n from scope_begin_probe`.execute(t.db)).rows[0]!.n;

  beforeAll(async () => {
    t = await createTestDatabase();
    await sql`create table scope_begin_probe (id int primary key)`.execute(t.db);
  });
  afterAll(async () => { await t.destroy(); });

  it('should put a scoped transaction under the app role and undo all of it on failure', async () => {
    const seen = await inScope(t.db, { kind: 'public', siteIds: [] }, async (trx) =>
      (await sql<{ role: string; mode: string }>`select current_user as role, current_setting('zhanqun.mode') as mode`.execute(trx)).rows[0]);
    expect(seen).toEqual({ role: 'zhanqun_app', mode: 'public' });
    await expect(t.db.transaction().execute(async (trx) => {
      await applyScope(trx, { kind: 'sites', siteIds: ['00000000-0000-7000-8000-000000000001'] });
      await sql`reset role`.execute(trx); // the probe table belongs to the owner
      await sql`insert into scope_begin_probe values (1)`.execute(trx);
      throw new Error('boom');
    })).rejects.toThrow('boom');
    expect(await count()).toBe(0);
    // Outside any transaction the settings are gone: they were local to it.
    expect((await sql<{ m: string | null }>`select current_setting('zhanqun.mode', true) as m`.execute(t.db)).rows[0]!.m ?? '').toBe('');
  });

  it('should still open the transaction when its first statement is not the scope, and commit an empty one', async () => {
    await expect(t.db.transaction().execute(async (trx) => {
      await sql`insert into scope_begin_probe values (2)`.execute(trx);
      await sql`insert into scope_begin_probe values (3)`.execute(trx);
      throw new Error('boom');
    })).rejects.toThrow('boom');
    expect(await count()).toBe(0);
    await t.db.transaction().execute(async () => undefined);
    await t.db.transaction().execute(async (trx) => { await sql`insert into scope_begin_probe values (4)`.execute(trx); });
    expect(await count()).toBe(1);
  });

  it('should roll back to a savepoint and release it, whatever its name', async () => {
    const trx = await t.db.startTransaction().execute();
    await sql`insert into scope_begin_probe values (10)`.execute(trx);
    const inner = await trx.savepoint('sp "one"').execute();
    await sql`insert into scope_begin_probe values (11)`.execute(inner);
    const back = await inner.rollbackToSavepoint('sp "one"').execute();
    await back.releaseSavepoint('sp "one"').execute();
    await trx.commit().execute();
    expect((await sql<{ id: number }>`select id from scope_begin_probe where id >= 10 order by id`.execute(t.db)).rows).toEqual([{ id: 10 }]);
    await sql`delete from scope_begin_probe where id >= 10`.execute(t.db);
  });

  it('should keep parameters out of the merged statement: an odd id is sent as a parameter', async () => {
    const siteIds = ["x'); drop table scope_begin_probe; --"];
    const got = await inScope(t.db, { kind: 'sites', siteIds }, async (trx) =>
      (await sql<{ s: string }>`select current_setting('zhanqun.site_ids') as s`.execute(trx)).rows[0]!.s);
    expect(got).toBe(siteIds[0]);
    expect(await count()).toBe(1); // the table is still there
  });
});
