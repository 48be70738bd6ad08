// Import runs from the documented JSON items format (issue 7, source 3: other CMS exports).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
ALTER TABLE legacy_import_run DROP CONSTRAINT legacy_import_run_source_kind_chk,
  ADD CONSTRAINT legacy_import_run_source_kind_chk CHECK (source_kind IN ('wxr', 'mirror', 'crawl', 'csv', 'json'));
`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`
DELETE FROM legacy_import_run WHERE source_kind = 'json';
ALTER TABLE legacy_import_run DROP CONSTRAINT legacy_import_run_source_kind_chk,
  ADD CONSTRAINT legacy_import_run_source_kind_chk CHECK (source_kind IN ('wxr', 'mirror', 'crawl', 'csv'));
`).execute(db);
}
