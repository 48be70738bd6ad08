// Imported attachments and images are items of the ID map too: a re-run reuses them, and a
// rollback removes the attachment rows its run created.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
ALTER TABLE legacy_item
  ADD COLUMN attachment_id uuid,
  ADD CONSTRAINT legacy_item_attachment_fkey FOREIGN KEY (site_id, attachment_id) REFERENCES attachment (site_id, id);
`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw('ALTER TABLE legacy_item DROP CONSTRAINT legacy_item_attachment_fkey, DROP COLUMN attachment_id').execute(db);
}
