import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@zhanqun/testing/db';
import { rowMaker } from './pg-driver.js';
import { inScope, readInScope } from './scope.js';

// Reads that carry their scope statement by statement (readInScope; pg-driver.ts on Postgres, one
// round trip each; on PGlite a transaction each): row-level security of the scope on every
// statement, read-only, nothing left on the connection afterwards, errors as clear as inScope's.
describe('readInScope', () => {
  let t: TestDatabase;
  const a = '00000000-0000-7000-8000-0000000000a1';
  const b = '00000000-0000-7000-8000-0000000000b2';
  const read = (db: TestDatabase['db'] | Parameters<Parameters<typeof readInScope>[2]>[0]) =>
    db.selectFrom('carry_probe' as never).select('v' as never).where('v' as never, '<>', 'none' as never).orderBy('v' as never).execute();

  beforeAll(async () => {
    t = await createTestDatabase();
    await sql.raw(`create table carry_probe (site_id uuid not null, v text);
      alter table carry_probe enable row level security;
      create policy carry_probe_scope on carry_probe using (site_id = any (zhanqun_scope_site_ids()));
      grant select, insert on carry_probe to zhanqun_app;
      insert into carry_probe values ('${a}', 'a1'), ('${a}', 'a2'), ('${b}', 'b1');`).execute(t.db);
  });
  afterAll(async () => { await t.destroy(); });

  it('should put every statement under the scope and the app role, and never show another site', async () => {
    for (let i = 0; i < 7; i++) { // past five runs of one prepared text: the generic plan too
      const seen = await readInScope(t.db, { kind: 'public', siteIds: [a] }, async (db) => {
        const first = await read(db);
        const who = (await sql<{ role: string; mode: string; sites: string }>`select current_user as role, current_setting('zhanqun.mode') as mode,
          current_setting('zhanqun.site_ids') as sites`.execute(db)).rows[0];
        const again = await read(db); // the second statement carries the scope as well
        return { first, who, again };
      });
      expect(seen.first).toEqual([{ v: 'a1' }, { v: 'a2' }]);
      expect(seen.again).toEqual(seen.first);
      expect(seen.who).toEqual({ role: 'zhanqun_app', mode: 'public', sites: a });
      expect(await readInScope(t.db, { kind: 'public', siteIds: [b] }, (db) => read(db))).toEqual([{ v: 'b1' }]);
      expect(await readInScope(t.db, { kind: 'public', siteIds: [] }, (db) => read(db))).toEqual([]);
    }
    // Nothing stays on the connection: outside, the owner sees every row with no scope set.
    expect(await read(t.db)).toEqual([{ v: 'a1' }, { v: 'a2' }, { v: 'b1' }]);
    const after = (await sql<{ role: string; mode: string | null }>`select current_user as role, current_setting('zhanqun.mode', true) as mode`.execute(t.db)).rows[0]!;
    expect(after.role).not.toBe('zhanqun_app');
    expect(after.mode ?? '').toBe('');
  });

  it('should refuse to write, even where the scope would allow it, and leave the table as it was', async () => {
    await expect(readInScope(t.db, { kind: 'sites', siteIds: [a] }, (db) =>
      db.insertInto('carry_probe' as never).values({ site_id: a, v: 'a3' } as never).execute())).rejects.toThrow(/read-only/);
    // The same insert in a transaction under the same scope is allowed: the difference is read-only.
    await inScope(t.db, { kind: 'sites', siteIds: [a] }, async (trx) => {
      await trx.insertInto('carry_probe' as never).values({ site_id: a, v: 'a3' } as never).execute();
      throw new Error('undo');
    }).catch(() => undefined);
    expect(await read(t.db)).toEqual([{ v: 'a1' }, { v: 'a2' }, { v: 'b1' }]);
  });

  it('should report a failing statement, then serve the next read on a clean connection', async () => {
    await expect(readInScope(t.db, { kind: 'public', siteIds: [a] }, (db) =>
      sql`select 1 / (count(*) - count(*)) as x from carry_probe where v <> ${'none'}`.execute(db))).rejects.toThrow(/division by zero/);
    await expect(readInScope(t.db, { kind: 'public', siteIds: [a] }, (db) => sql`select no_such_column from carry_probe`.execute(db))).rejects.toThrow(/no_such_column/);
    expect(await readInScope(t.db, { kind: 'public', siteIds: [a] }, (db) => read(db))).toEqual([{ v: 'a1' }, { v: 'a2' }]);
    expect(await read(t.db)).toHaveLength(3);
  });

  it('should not let the reads open a transaction', async () => {
    await expect(readInScope(t.db, { kind: 'public', siteIds: [a] }, (db) =>
      (db as TestDatabase['db']).transaction().execute((trx) => read(trx)))).rejects.toThrow(/cannot open a transaction/);
    expect(await readInScope(t.db, { kind: 'public', siteIds: [a] }, (db) => read(db))).toHaveLength(2);
  });

  it('should carry values of every kind the pages send: arrays, dates, nulls, JSON', async () => {
    const row = await readInScope(t.db, { kind: 'public', siteIds: [a] }, async (db) => (await sql<{ n: number; d: Date; z: null; j: { k: number[] } }>`
      select cardinality(${[a, b]}::uuid[]) as n, ${new Date('2026-11-27T08:00:00Z')}::timestamptz as d, ${null}::text as z, ${JSON.stringify({ k: [1, 2] })}::jsonb as j`.execute(db)).rows[0]);
    expect(row).toEqual({ n: 2, d: new Date('2026-11-27T08:00:00Z'), z: null, j: { k: [1, 2] } });
  });
  it('should give each column its value under its own name, whatever the name, null and typed values included', async () => {
    const rows = await readInScope(t.db, { kind: 'public', siteIds: [a] }, async (db) => (await sql<Record<string, unknown>>`
      select v, null::text as "gone", 7::int8 as "n", '{"k":[1]}'::json as "j", 'q"\\' as "it's ""quoted""\\",
        v as "dup", 'second' as "dup", timestamptz '2026-11-28 08:30:00+08' as "at"
      from carry_probe order by v`.execute(db)).rows);
    expect(rows).toHaveLength(2);
    expect(Object.keys(rows[0]!)).toEqual(Object.keys(rows[1]!));
    for (const [i, row] of rows.entries()) {
      expect(Object.keys(row)).toEqual(['v', 'gone', 'n', 'j', 'it\'s "quoted"\\', 'dup', 'at']);
      expect(row).toMatchObject({ v: `a${i + 1}`, gone: null, n: 7, j: { k: [1] }, 'it\'s "quoted"\\': 'q"\\', dup: 'second' });
      expect((row.at as Date).toISOString()).toBe('2026-11-28T00:30:00.000Z');
    }
  });

  it('should describe a statement\'s rows once per connection and make later rows from what it said', async () => {
    // Each connection describes the statement once (the pool has several; a fresh text here).
    const describes: string[] = [];
    const describe = pg.Connection.prototype.describe;
    pg.Connection.prototype.describe = function (this: pg.Connection, ...args: Parameters<typeof describe>) {
      describes.push(String(args[0]?.type));
      return describe.apply(this, args);
    };
    try {
      for (let i = 0; i < 30; i++) {
        const [site, rows] = i % 2 === 0 ? [a, [{ v: 'a1', n: i, at: new Date('2026-11-28T00:30:00Z') }, { v: 'a2', n: i, at: new Date('2026-11-28T00:30:00Z') }]]
          : [b, [{ v: 'b1', n: i, at: new Date('2026-11-28T00:30:00Z') }]];
        expect(await readInScope(t.db, { kind: 'public', siteIds: [site] }, async (db) => (await sql`
          select v, ${i}::int as n, timestamptz '2026-11-28 08:30:00+08' as at, 'describe-once' as tag from carry_probe where v <> ${'none'} order by v`.execute(db)).rows
          .map(({ tag: _t, ...row }) => row))).toEqual(rows);
      }
    } finally {
      pg.Connection.prototype.describe = describe;
    }
    if (t.backend === 'postgres') {
      expect(describes.length).toBeGreaterThan(0);
      expect(describes.length).toBeLessThanOrEqual(5); // at most once per connection of the pool (5), not 30 times
    }
  });

  it('should make rows whose "__proto__" column is a column, not their prototype', () => {
    const make = rowMaker(['a', '__proto__']);
    const row = make(['1', 'x'], [Number, String]);
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(row, '__proto__')?.value).toBe('x');
    expect(row.a).toBe(1);
    expect(rowMaker(['a', '__proto__'])).toBe(make); // made once per list of names
  });
});
