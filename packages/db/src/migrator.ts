import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';

/**
 * The repository's migrations/ folder. Under tsx and vitest we run its .ts files; the built
 * server runs the compiled copies under dist/migrations/.
 */
function migrationFolder(): { dir: string; ext: '.ts' | '.js' } {
  const fromSource = new URL(import.meta.url).pathname.endsWith('.ts');
  const root = new URL('../../../', import.meta.url);
  return fromSource
    ? { dir: fileURLToPath(new URL('migrations/', root)), ext: '.ts' }
    : { dir: fileURLToPath(new URL('dist/migrations/', root)), ext: '.js' };
}

/**
 * Imports each migration by file URL. Kysely's FileMigrationProvider import()s from inside
 * node_modules, which fails on .ts files under vitest (STACK.md, pitfall 3).
 */
class FolderMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    const { dir, ext } = migrationFolder();
    const files = readdirSync(dir).filter((f) => f.endsWith(ext) && !f.endsWith('.d.ts')).sort();
    const migrations: Record<string, Migration> = {};
    for (const file of files) {
      const mod = (await import(pathToFileURL(`${dir}/${file}`).href)) as Migration;
      migrations[file.slice(0, -ext.length)] = { up: mod.up, ...(mod.down ? { down: mod.down } : {}) };
    }
    return migrations;
  }
}

/**
 * Migrations in name order. Several people add migrations at once (each in a time range of their
 * own), so one merged later may sort before one a database already has: it is applied then, not
 * refused as "corrupted" (Kysely's allowUnorderedMigrations). Each migration must therefore stand
 * on what sorts before it, never on what another branch added meanwhile.
 */
export function createMigrator(db: Kysely<any>): Migrator {
  return new Migrator({ db, provider: new FolderMigrationProvider(), allowUnorderedMigrations: true });
}

/** Names of the migration files, without importing them. */
function migrationNames(): string[] {
  const { dir, ext } = migrationFolder();
  return readdirSync(dir).filter((f) => f.endsWith(ext) && !f.endsWith('.d.ts')).map((f) => f.slice(0, -ext.length)).sort();
}

/**
 * True when every migration file has run: one query, no imports, no lock — the common case at
 * every start, so it is checked before Kysely's migrator (which takes a lock and imports all).
 */
export async function migrationsCurrent(db: Kysely<any>): Promise<boolean> {
  // A fresh database has no migration table: ask first, so its absence is not a logged query error.
  const table = await sql<{ t: string | null }>`select to_regclass('kysely_migration')::text as t`.execute(db);
  if (!table.rows[0]?.t) return false;
  const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
  const done = new Set(rows.map((r) => r.name));
  return migrationNames().every((n) => done.has(n));
}

/** Migrate to the latest version; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationResultSet> {
  if (await migrationsCurrent(db)) return { results: [] };
  const result = await createMigrator(db).migrateToLatest();
  if (result.error) throw withMigrationName(result);
  return result;
}

/** Roll back every migration (used by tests and `zhanqun db rollback --all`). */
export async function migrateAllDown(db: Kysely<any>): Promise<MigrationResultSet> {
  const { NO_MIGRATIONS } = await import('kysely');
  const result = await createMigrator(db).migrateTo(NO_MIGRATIONS);
  if (result.error) throw withMigrationName(result);
  return result;
}

/** Roll back the most recent migration. */
export async function migrateDown(db: Kysely<any>): Promise<MigrationResultSet> {
  const result = await createMigrator(db).migrateDown();
  if (result.error) throw withMigrationName(result);
  return result;
}

export interface MigrationStatus {
  name: string;
  executedAt: Date | null;
}

/** Every known migration and when it ran; `pending` lists those not yet applied. */
export async function migrationStatus(db: Kysely<any>): Promise<{ all: MigrationStatus[]; pending: string[] }> {
  const infos = await createMigrator(db).getMigrations();
  const all = infos.map((m) => ({ name: m.name, executedAt: m.executedAt ?? null }));
  return { all, pending: all.filter((m) => !m.executedAt).map((m) => m.name) };
}

function withMigrationName(result: MigrationResultSet): Error {
  const failed = result.results?.find((r) => r.status === 'Error');
  const err = result.error instanceof Error ? result.error : new Error(String(result.error));
  if (failed) err.message = `migration ${failed.migrationName} failed: ${err.message}`;
  return err;
}
