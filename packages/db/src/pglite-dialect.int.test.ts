import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DbHandle } from './connect.js';

// Always the embedded database, whatever the suite runs on: this is the adapter's own test.
describe('PGlite dialect', () => {
  let h: DbHandle;
  beforeAll(async () => {
    h = await openDatabase({ pgliteDir: 'memory://' });
    await sql.raw('create table t (id int primary key, v text); create table d (x date, n bigint)').execute(h.db);
  });
  afterAll(async () => { await h.close(); });

  it('should roll back a throwing transaction completely', async () => {
    await expect(h.db.transaction().execute(async (trx) => {
      await trx.insertInto('t' as never).values({ id: 1, v: 'a' } as never).execute();
      throw new Error('boom');
    })).rejects.toThrow('boom');
    const { rows } = await sql`select count(*)::int as n from t`.execute(h.db);
    expect(rows[0]).toEqual({ n: 0 });
  });

  it('should not let a concurrent query slip into an open transaction and be rolled back with it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const failing = h.db.transaction().execute(async (trx) => {
      await trx.insertInto('t' as never).values({ id: 2, v: 'in tx' } as never).execute();
      await gate;
      throw new Error('rollback');
    });
    const outside = sql`insert into t values (3, 'outside')`.execute(h.db);
    release();
    await expect(failing).rejects.toThrow('rollback');
    await outside;
    const { rows } = await sql<{ id: number }>`select id from t order by id`.execute(h.db);
    expect(rows.map((r) => r.id)).toEqual([3]);
  });

  it('should report affected rows of updates and deletes', async () => {
    await sql`insert into t values (10, 'x'), (11, 'y')`.execute(h.db);
    const upd = await h.db.updateTable('t' as never).set({ v: 'z' } as never).where('id' as never, '>=', 10 as never).executeTakeFirst();
    expect(upd.numUpdatedRows).toBe(2n);
    const del = await h.db.deleteFrom('t' as never).where('id' as never, '=', 10 as never).executeTakeFirst();
    expect(del.numDeletedRows).toBe(1n);
  });

  it('should return dates as strings and int8 as numbers, as on pg', async () => {
    await sql`insert into d values ('2026-03-05', 42)`.execute(h.db);
    const { rows } = await sql`select x, n from d`.execute(h.db);
    expect(rows[0]).toEqual({ x: '2026-03-05', n: 42 });
  });

  it('should support savepoints in nested transactions', async () => {
    const trx = await h.db.startTransaction().execute();
    await sql`insert into t values (20, 'outer')`.execute(trx);
    const sp = await trx.savepoint('inner').execute();
    await sql`insert into t values (21, 'inner')`.execute(sp);
    await sp.rollbackToSavepoint('inner').execute();
    await trx.commit().execute();
    const { rows } = await sql<{ id: number }>`select id from t where id >= 20 order by id`.execute(h.db);
    expect(rows.map((r) => r.id)).toEqual([20]);
  });
});
