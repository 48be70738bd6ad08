import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import type { Database } from './database.js';
import { translateDbError } from './db-errors.js';

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

/** The first words of applyScope's statement when it may travel with BEGIN (pg-driver.ts). */
export const SCOPE_STATEMENT_MARK = '/* zhanqun:scope */';

/**
 * Not SQL: the message readInScope gives the driver, with the scope's settings as its
 * parameters. A driver that did not know it would send it and fail on a syntax error, never run
 * the statements after it outside the scope.
 */
export const CARRY_SCOPE = 'zhanqun carry scope';

/** The settings a scope is made of, in the order settingsOf gives their values. */
const SETTINGS = ['zhanqun.platform_ids', 'zhanqun.site_ids', 'zhanqun.read_platform_ids', 'zhanqun.mode', 'zhanqun.user_id'] as const;

/**
 * The scope statement with these value expressions (literals or $n): the settings, then
 * set_config('role', …, true), which is SET LOCAL ROLE, in the same statement.
 */
const scopeStatement = (values: readonly string[], extra = '') =>
  `select ${SETTINGS.map((name, i) => `set_config('${name}', ${values[i]}, true)`).join(', ')}, set_config('role', '${APP_ROLE}', true)${extra}`;

/**
 * The statement a carried scope runs before each statement, in the same implicit transaction
 * (pg-driver.ts): applyScope's settings and role, and read-only.
 */
export const SCOPED_READ_SQL = scopeStatement(SETTINGS.map((_, i) => `$${i + 1}`), ", set_config('transaction_read_only', 'on', true)");

/** The scope's settings, in the order of SETTINGS. */
function settingsOf(scope: Scope): string[] {
  const platformIds = scope.kind === 'platform' ? scope.platformIds.join(',') : '';
  const siteIds = scope.kind === 'platform' ? '' : scope.siteIds.join(',');
  const mode = scope.kind === 'public' ? 'public' : 'admin';
  const userId = scope.kind === 'public' ? '' : (scope.userId ?? '');
  const readPlatformIds = scope.kind === 'platform' ? (scope.oversightPlatformIds ?? []).join(',') : '';
  return [platformIds, siteIds, readPlatformIds, mode, userId];
}

/** Put the current transaction under the app role and the given scope. */
export async function applyScope(trx: Tx, scope: Scope): Promise<void> {
  const values = settingsOf(scope);
  if (values.every((v) => PLAIN.test(v))) {
    // Literals, no parameters: as the transaction's first statement it travels with BEGIN in one
    // round trip (pg-driver.ts). The values are ids and fixed words, checked above.
    await trx.executeQuery(CompiledQuery.raw(`${SCOPE_STATEMENT_MARK} ${scopeStatement(values.map((v) => `'${v}'`))}`));
    return;
  }
  await trx.executeQuery(CompiledQuery.raw(scopeStatement(SETTINGS.map((_, i) => `$${i + 1}`)), values));
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

/**
 * Run `fn`'s statements read-only under the app role and `scope`, each in its own implicit
 * transaction that carries the scope: one round trip a statement, no BEGIN or COMMIT (pg-driver.ts;
 * on PGlite each statement is a transaction with the scope applied, pglite-dialect.ts). For public
 * pages, which only read: each statement sees what was committed when it ran, not one snapshot
 * for all. A statement that writes fails (read-only); `fn` may not open a transaction.
 */
export async function readInScope<T>(db: Kysely<Database>, scope: Scope, fn: (db: Db) => Promise<T>): Promise<T> {
  try {
    return await db.connection().execute(async (conn) => {
      await conn.executeQuery(CompiledQuery.raw(CARRY_SCOPE, settingsOf(scope)));
      return fn(conn);
    });
  } catch (err) {
    throw translateDbError(err);
  }
}
