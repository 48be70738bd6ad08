/**
 * Bulk provisioning: 2,000 sites of a generated province (portals, department sites and
 * sub-sites, 1–2 hosts each, all with the standard column template) through provisionSites on a
 * throwaway Postgres database, compared with a baseline measured in the same run: the same
 * number of column and path rows multi-row INSERTed into plain tables (no index, no RLS, no
 * foreign key, no validation, no audit).
 *
 *   node --conditions=@zhanqun/source --import tsx scripts/bench/bulk-provision.ts
 *
 * Env: DATABASE_URL (the server; default postgres://postgres@127.0.0.1:5432/postgres; the bench
 * creates and drops its own database there), BENCH_SITES (default 2000).
 */
import { sql } from 'kysely';
import { verifyChain } from '@zhanqun/audit/audit.verify';
import type { ServiceContext } from '@zhanqun/audit/context';
import { systemClock } from '@zhanqun/core/clock';
import { openDatabase, type DbHandle } from '@zhanqun/db/connect';
import { migrateToLatest } from '@zhanqun/db/migrator';
import { provisionSites } from '@zhanqun/tenancy/bulk-provision.service';
import { importOrgUnits } from '@zhanqun/tenancy/org-import.service';
import { createPlatform } from '@zhanqun/tenancy/platform.service';
import { buildTemplateRows, liveColumnPaths } from '@zhanqun/tenancy/standard-template';
import { generateProvince } from './generated-province.js';
import { withDatabase } from './bench-process.js';

const SERVER = process.env.DATABASE_URL?.trim() || 'postgres://postgres@127.0.0.1:5432/postgres';
const SITES = Number(process.env.BENCH_SITES ?? 2000) || 2000;
const TARGET_S = 60;

const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function count(db: DbHandle['db'], table: string): Promise<number> {
  const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(db);
  return r.rows[0]!.n;
}

/** The same volume of column and path rows, multi-row INSERTed into bare copies of the tables. */
async function baseline(db: DbHandle['db'], sites: number): Promise<{ ms: number; rows: number }> {
  await sql`create table bench_column (like site_column including defaults)`.execute(db);
  await sql`create table bench_path (like url_path including defaults)`.execute(db);
  const ids = Array.from({ length: sites }, () => crypto.randomUUID());
  const t0 = performance.now();
  let rows = 0;
  await db.transaction().execute(async (trx) => {
    const columns = ids.flatMap((id) => buildTemplateRows(id, new Map()));
    const paths = liveColumnPaths(columns);
    for (let i = 0; i < columns.length; i += 2_000) await trx.insertInto('bench_column' as 'site_column').values(columns.slice(i, i + 2_000)).execute();
    for (let i = 0; i < paths.length; i += 5_000) await trx.insertInto('bench_path' as 'url_path').values(paths.slice(i, i + 5_000)).execute();
    rows = columns.length + paths.length;
  });
  return { ms: performance.now() - t0, rows };
}

const byStatement = new Map<string, { n: number; ms: number }>();
let tallying = false;
function tally({ sql: text, durationMs }: { sql: string; durationMs: number }): void {
  if (!tallying) return;
  const m = /^(insert into|select .*? from|update|savepoint|rollback)\s*"?([a-z_]*)/is.exec(text);
  const key = m ? `${m[1]!.split(' ')[0]!.toLowerCase()} ${m[2] ?? ''}`.trim() : text.slice(0, 20);
  const e = byStatement.get(key) ?? { n: 0, ms: 0 };
  byStatement.set(key, { n: e.n + 1, ms: e.ms + durationMs });
}

async function main(): Promise<void> {
  const name = `zq_bench_${Date.now().toString(36)}_${process.pid}`;
  const admin = await openDatabase({ databaseUrl: SERVER, poolSize: 1 });
  await sql.raw(`create database "${name}"`).execute(admin.db);
  let handle: DbHandle | undefined;
  try {
    // Every query's time, by the table it writes or reads: where the import spends the database's time.
    handle = await openDatabase({
      databaseUrl: withDatabase(SERVER, name), poolSize: 2, slowQueryMs: 0,
      logger: { warn: (o) => tally(o as { sql: string; durationMs: number }), error: () => {} },
    });
    const { db } = handle;
    const version = (await sql<{ v: string }>`select current_setting('server_version') as v`.execute(db)).rows[0]!.v;
    console.log(`bulk-provision bench: node ${process.version}, Postgres ${version}, database ${name}`);
    await migrateToLatest(db);

    const actor = { userId: null, label: 'bench:bulk-provision' };
    const platform = await createPlatform(db, systemClock, actor, { code: 'bench', name: '基准平台' });
    const ctx: ServiceContext = { db, clock: systemClock, actor, scope: { kind: 'platform', platformIds: [platform.id] } };
    const gen = generateProvince(SITES);

    let t = performance.now();
    const orgs = await importOrgUnits(ctx, gen.orgCsv, { mode: 'all_or_nothing' });
    const orgMs = performance.now() - t;
    if (orgs.errors.length) throw new Error(`org import refused: ${JSON.stringify(orgs.errors.slice(0, 3))}`);
    console.log(`org tree: ${orgs.imported} units imported in ${secs(orgMs)}`);

    t = performance.now();
    tallying = true;
    const result = await provisionSites(ctx, gen.siteCsv, { mode: 'all_or_nothing', devDomain: 'localhost', adminHost: 'admin.localhost' });
    const ms = performance.now() - t;
    tallying = false;
    if (result.errors.length) throw new Error(`site import refused: ${JSON.stringify(result.errors.slice(0, 3))}`);

    const written = {
      sites: await count(db, 'site'), domains: await count(db, 'site_domain'), columns: await count(db, 'site_column'),
      paths: await count(db, 'url_path'), audit: await count(db, 'audit_log_entry') - 1 - orgs.imported,
    };
    const total = Object.values(written).reduce((a, b) => a + b, 0);
    const chain = await verifyChain(db, platform.id);
    const base = await baseline(db, result.imported);

    console.log(`\nprovisionSites, all_or_nothing, ${gen.sites} sites (${gen.subSites} sub-sites), one transaction`);
    console.log(`  rows written: ${written.sites} site, ${written.domains} site_domain, ${written.columns} site_column, ${written.paths} url_path, ${written.audit} audit_log_entry = ${total}`);
    console.log(`  audit chain: ${chain.ok ? `intact (${chain.checked} entries)` : `BROKEN ${JSON.stringify(chain.firstBad)}`}`);
    console.log(`  time: ${secs(ms)}  →  ${Math.round(result.imported / (ms / 1000))} sites/s, ${Math.round(total / (ms / 1000))} rows/s`);
    const top = [...byStatement].sort((a, b) => b[1].ms - a[1].ms);
    const dbMs = top.reduce((a, [, e]) => a + e.ms, 0);
    console.log(`  query time by statement, driver and server (${secs(dbMs)} of ${secs(ms)}; the rest is parsing, checks, building rows and hashing in Node):`);
    for (const [key, e] of top.slice(0, 8)) console.log(`    ${key.padEnd(28)} ${String(e.n).padStart(5)}×  ${secs(e.ms)}`);
    console.log(`baseline: ${base.rows} plain column + path rows multi-row INSERTed into unindexed tables without RLS: ${secs(base.ms)} (${Math.round(base.rows / (base.ms / 1000))} rows/s)`);
    console.log(`ratio (provisionSites / baseline): ${(ms / base.ms).toFixed(1)}×`);
    console.log(`\nbulk provisioning of ${result.imported} sites: ${secs(ms)} (target < ${TARGET_S} s)${ms < TARGET_S * 1000 ? '' : '  OVER TARGET'}`);
  } finally {
    await handle?.close();
    await sql.raw(`drop database if exists "${name}" with (force)`).execute(admin.db);
    await admin.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bulk-provision: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
