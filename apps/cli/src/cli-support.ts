import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Kysely } from 'kysely';
import type { ServiceContext } from '@zhanqun/audit/context';
import { systemClock } from '@zhanqun/core/clock';
import { openDatabase, type DbHandle } from '@zhanqun/db/connect';
import type { Database, PlatformRow } from '@zhanqun/db/database';
import { inScope, type Scope } from '@zhanqun/db/scope';
import { NO_SITES } from '@zhanqun/identity/user.service';
import type { ImportError } from '@zhanqun/tenancy/csv-import';
import { findPlatformByCode, platformAdminScope } from '@zhanqun/tenancy/platform.service';

/** Bad usage: printed with the usage text, exit code 2. */
export class UsageError extends Error {}

/** A request the platform refused (bad input, a rule): printed as one line, exit code 1. */
export class RefusedError extends Error {}

/** The options every command may read (node:util parseArgs). */
export type Values = Record<string, string | boolean | string[] | undefined>;

/** Who the CLI acts as (DESIGN.md, Who did it): the named operator account. */
export const operator = () => ({ userId: null, label: `cli:${process.env.USER ?? 'operator'}` });

export async function open(): Promise<DbHandle> {
  const databaseUrl = process.env.DATABASE_URL?.trim() || undefined;
  const dataDir = resolve(process.env.DATA_DIR?.trim() || 'data');
  const pgliteDir = process.env.PGLITE_DIR?.trim() ? resolve(process.env.PGLITE_DIR.trim()) : `${dataDir}/pglite`;
  return openDatabase({ databaseUrl, pgliteDir });
}

export function need(values: Values, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || !v.trim()) throw new UsageError(`缺少参数 --${name} (missing --${name})`);
  return v.trim();
}

export function optional(values: Values, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}

export function list(values: Values, name: string): string[] {
  const v = values[name];
  return (Array.isArray(v) ? v : typeof v === 'string' ? [v] : []).map((s) => s.trim()).filter(Boolean);
}

/** The settings the server uses for new sites' dev hosts and the reserved console host. */
export function hostSettings(): { devDomain: string; adminHost: string } {
  return { devDomain: process.env.DEV_DOMAIN?.trim() || 'localhost', adminHost: process.env.ADMIN_HOST?.trim() || 'admin.localhost' };
}

export async function findPlatform(db: Kysely<Database>, code: string): Promise<PlatformRow> {
  const platform = await inScope(db, NO_SITES, (trx) => findPlatformByCode(trx, code));
  if (!platform) throw new RefusedError(`平台 ${code} 不存在 (no such platform: ${code}); 先运行 zhanqun platform create`);
  return platform;
}

/** Act as the platform's admin: write on its sites, read its city platforms (platformAdminScope). */
export async function platformContext(db: Kysely<Database>, code: string): Promise<{ platform: PlatformRow; ctx: ServiceContext }> {
  const platform = await findPlatform(db, code);
  const scope = await platformAdminScope(db, platform.id);
  return { platform, ctx: { db, clock: systemClock, actor: operator(), scope } };
}

/** The operator's view across every platform (for list and show without --platform). */
export async function everyPlatformScope(db: Kysely<Database>): Promise<Scope> {
  const rows = await inScope(db, NO_SITES, (trx) => trx.selectFrom('platform').select('id').execute());
  return { kind: 'platform', platformIds: rows.map((r) => r.id) };
}

export function readCsv(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`无法读取文件 ${path} (cannot read the file): ${(err as Error).message}`);
  }
}

/** Print an import's refused rows, one line each, to stderr. */
export function printImportErrors(errors: readonly ImportError[]): void {
  for (const e of errors) console.error(`第 ${e.line} 行（字段 ${e.field}）: ${e.message} (line ${e.line})`);
}
