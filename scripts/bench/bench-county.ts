/**
 * What the import benches share: a throwaway database on the Postgres server named by
 * DATABASE_URL (created, migrated, dropped at the end, also on failure) and in it one county
 * portal of a fresh platform, with the platform admin's service context.
 */
import { sql } from 'kysely';
import type { ServiceContext } from '@zhanqun/audit/context';
import { systemClock } from '@zhanqun/core/clock';
import { openDatabase, type DbHandle } from '@zhanqun/db/connect';
import type { SiteRow } from '@zhanqun/db/database';
import { migrateToLatest } from '@zhanqun/db/migrator';
import { createOrgUnit } from '@zhanqun/tenancy/org-unit.service';
import { createPlatform } from '@zhanqun/tenancy/platform.service';
import { createSite } from '@zhanqun/tenancy/site.service';
import { withDatabase } from './bench-process.js';

export const BENCH_SERVER = process.env.DATABASE_URL?.trim() || 'postgres://postgres@127.0.0.1:5432/postgres';

/** Run `fn` on a migrated database of its own, dropped afterwards whatever happens. */
export async function withBenchDatabase<T>(fn: (handle: DbHandle, name: string) => Promise<T>): Promise<T> {
  const name = `zq_bench_${Date.now().toString(36)}_${process.pid}`;
  const admin = await openDatabase({ databaseUrl: BENCH_SERVER, poolSize: 1 });
  await sql.raw(`create database "${name}"`).execute(admin.db);
  let handle: DbHandle | undefined;
  try {
    handle = await openDatabase({ databaseUrl: withDatabase(BENCH_SERVER, name), poolSize: 2 });
    await migrateToLatest(handle.db);
    return await fn(handle, name);
  } finally {
    await handle?.close();
    await sql.raw(`drop database if exists "${name}" with (force)`).execute(admin.db);
    await admin.close();
  }
}

/** A platform with 基准省 › 基准市 › 基准县 and the county's portal (code `bench`), acted on by `label`. */
export async function benchCountySite(db: DbHandle['db'], label: string): Promise<{ ctx: ServiceContext; site: SiteRow }> {
  const actor = { userId: null, label };
  const platform = await createPlatform(db, systemClock, actor, { code: 'bench', name: '基准平台' });
  const ctx: ServiceContext = { db, clock: systemClock, actor, scope: { kind: 'platform', platformIds: [platform.id] } };
  const province = await createOrgUnit(ctx, { platformId: platform.id, parentId: null, level: 'province', name: '基准省', divisionCode: '990000' });
  const city = await createOrgUnit(ctx, { platformId: platform.id, parentId: province.id, level: 'city', name: '基准市', divisionCode: '990100' });
  const unit = await createOrgUnit(ctx, { platformId: platform.id, parentId: city.id, level: 'county', name: '基准县', divisionCode: '990121' });
  const site = await createSite(ctx, { platformId: platform.id, orgUnitId: unit.id, kind: 'portal', code: 'bench', name: '基准县政府' });
  return { ctx, site };
}
