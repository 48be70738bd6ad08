// The ID map remembers the revision an import wrote, so a re-run can tell an article edited on
// the platform since (left alone unless the operator asks) from one still as imported.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
ALTER TABLE legacy_item
  ADD COLUMN revision_id uuid,
  ADD CONSTRAINT legacy_item_revision_fkey FOREIGN KEY (site_id, revision_id) REFERENCES article_revision (site_id, id);
`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw('ALTER TABLE legacy_item DROP CONSTRAINT legacy_item_revision_fkey, DROP COLUMN revision_id').execute(db);
}
