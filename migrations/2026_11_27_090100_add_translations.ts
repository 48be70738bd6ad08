// Foreign-language versions (seed §2.5, DESIGN.md "Locale"): an article carries its locale and
// a translation key shared by its versions; core columns (重点栏目) are flagged so the lag of
// their translations is measured.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
ALTER TABLE article
  ADD COLUMN locale text NOT NULL DEFAULT 'zh-CN' CONSTRAINT article_locale_chk CHECK (locale ~ '^[a-z]{2}(-[A-Z]{2})?$'),
  ADD COLUMN translation_key uuid;
-- One version per locale in a translation group.
CREATE UNIQUE INDEX article_translation_locale_uq ON article (site_id, translation_key, locale)
  WHERE translation_key IS NOT NULL AND deleted_at IS NULL;
ALTER TABLE site_column ADD COLUMN is_core boolean NOT NULL DEFAULT false;
`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`
ALTER TABLE site_column DROP COLUMN is_core;
DROP INDEX article_translation_locale_uq;
ALTER TABLE article DROP COLUMN translation_key, DROP COLUMN locale;
`).execute(db);
}
