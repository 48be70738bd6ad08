// A revision's cover image (封面图, for picture news and list thumbnails): one of the site's
// attachments, an image.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
ALTER TABLE article_revision
  ADD COLUMN cover_attachment_id uuid,
  ADD CONSTRAINT article_revision_cover_fkey FOREIGN KEY (site_id, cover_attachment_id) REFERENCES attachment (site_id, id);
`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw('ALTER TABLE article_revision DROP CONSTRAINT article_revision_cover_fkey, DROP COLUMN cover_attachment_id').execute(db);
}
