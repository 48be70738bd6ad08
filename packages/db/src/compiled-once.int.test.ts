import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@zhanqun/testing/db';
import { compiledOnce } from './compiled-once.js';

// A query compiled once runs with each call's arguments (constants of the query kept), and a
// builder that uses an argument other than as a value is refused on its first call.
describe('compiledOnce', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    await sql`create table compiled_probe (id int primary key, kind text, v text)`.execute(t.db);
    for (let i = 1; i <= 6; i++) await t.db.insertInto('compiled_probe' as never).values({ id: i, kind: i % 2 ? 'odd' : 'even', v: `v${i}` } as never).execute();
  });
  afterAll(async () => { await t.destroy(); });

  it('should run the compiled query with each call\'s arguments, keeping its own constants', async () => {
    let builds = 0;
    const read = compiledOnce((db, kind: string, above: number) => {
      builds += 1;
      return db.selectFrom('compiled_probe' as never).select('v' as never).where('kind' as never, '=', kind as never)
        .where('id' as never, '>', above as never).where('v' as never, '<>', 'v5' as never).orderBy('id' as never).limit(2);
    });
    expect(await read(t.db, 'odd', 0)).toEqual([{ v: 'v1' }, { v: 'v3' }]);
    expect(await read(t.db, 'even', 2)).toEqual([{ v: 'v4' }, { v: 'v6' }]);
    expect(await read(t.db, 'odd', 1)).toEqual([{ v: 'v3' }]); // v5 excluded by the query's own constant
    expect(builds).toBe(1);
    await t.db.transaction().execute(async (trx) => expect(await read(trx, 'even', 5)).toEqual([{ v: 'v6' }]));
  });

  it('should refuse a builder that does not use an argument as a value', async () => {
    const ignored = compiledOnce((db, _kind: string) => db.selectFrom('compiled_probe' as never).select('v' as never));
    await expect(ignored(t.db, 'odd')).rejects.toThrow(/argument 0 is not a parameter/);
    const changed = compiledOnce((db, kind: string) => db.selectFrom('compiled_probe' as never).select('v' as never).where('kind' as never, '=', `${kind}!` as never));
    await expect(changed(t.db, 'odd')).rejects.toThrow(/argument 0 is not a parameter|was changed/);
  });
});
