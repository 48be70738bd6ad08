import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './database.js';
import { translateDbError } from './db-errors.js';
import { SCOPE_STATEMENT_MARK } from './scope-begin.js';

/** The role every application transaction runs as: NOBYPASSRLS and not the owner. */
export const APP_ROLE = 'zhanqun_app';

/**
 * What a transaction may see, enforced by row-level security (migrations/…_enable_row_security).
 * - `platform`: a platform admin — every site of these platforms; read-only, the city platforms
 *   under its oversight (`oversightPlatformIds`).
 * - `sites`: a site-scoped principal — these sites only.
 * - `public`: a public request — these sites (the resolved site and its parent), live rows only.
 */
export type Scope =
  | { kind: 'platform'; platformIds: readonly string[]; oversightPlatformIds?: readonly string[]; userId?: string | null }
  | { kind: 'sites'; siteIds: readonly string[]; userId?: string | null }
  | { kind: 'public'; siteIds: readonly string[] };

export type Tx = Transaction<Database>;
export type Db = Kysely<Database> | Transaction<Database>;

/** Ids and modes as the scope settings hold them: nothing a literal could be broken out of. */
const PLAIN = /^[0-9A-Za-z,_-]*$/;

/** Put the current transaction under the app role and the given scope. */
export async function applyScope(trx: Tx, scope: Scope): Promise<void> {
  const platformIds = scope.kind === 'platform' ? scope.platformIds.join(',') : '';
  const siteIds = scope.kind === 'platform' ? '' : scope.siteIds.join(',');
  const mode = scope.kind === 'public' ? 'public' : 'admin';
  const userId = scope.kind === 'public' ? '' : (scope.userId ?? '');
  const readPlatformIds = scope.kind === 'platform' ? (scope.oversightPlatformIds ?? []).join(',') : '';
  const values = [platformIds, siteIds, readPlatformIds, mode, userId];
  if (values.every((v) => PLAIN.test(v))) {
    // Literals, no parameters: as the transaction's first statement it travels with BEGIN in one
    // round trip (scope-begin.ts). The values are ids and fixed words, checked above.
    const [p, s, r, m, u] = values.map((v) => `'${v}'`);
    await sql.raw(`${SCOPE_STATEMENT_MARK} select set_config('zhanqun.platform_ids', ${p}, true), set_config('zhanqun.site_ids', ${s}, true), `
      + `set_config('zhanqun.read_platform_ids', ${r}, true), set_config('zhanqun.mode', ${m}, true), set_config('zhanqun.user_id', ${u}, true), `
      + `set_config('role', '${APP_ROLE}', true)`).execute(trx);
    return;
  }
  // set_config('role', …, true) is SET LOCAL ROLE, in the same round trip as the scope settings.
  await sql`select
      set_config('zhanqun.platform_ids', ${platformIds}, true),
      set_config('zhanqun.site_ids', ${siteIds}, true),
      set_config('zhanqun.read_platform_ids', ${readPlatformIds}, true),
      set_config('zhanqun.mode', ${mode}, true),
      set_config('zhanqun.user_id', ${userId}, true),
      set_config('role', ${APP_ROLE}, true)`.execute(trx);
}

/** Run `fn` in one transaction under the app role and `scope`; everything commits or nothing. */
export async function inScope<T>(db: Kysely<Database>, scope: Scope, fn: (trx: Tx) => Promise<T>): Promise<T> {
  try {
    return await db.transaction().execute(async (trx) => {
      await applyScope(trx, scope);
      return fn(trx);
    });
  } catch (err) {
    throw translateDbError(err);
  }
}
