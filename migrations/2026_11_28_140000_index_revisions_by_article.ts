// Revisions indexed by article alone, not (site_id, article_id, created_at) (issue 7, Speed).
// The check of article.latest_revision_id and live_revision_id (foreign keys on (site_id, id),
// deferred to COMMIT) is a generic plan made once per connection; made while article_revision has
// no statistics — a new platform, the first import into it — Postgres ties the unique
// (site_id, id) index with the old (site_id, article_id, created_at) one and may take the latter,
// on site_id alone: every check then reads all of the site's revisions, until an ANALYZE
// invalidates the plan. Importing 10,000 pages into a fresh database read 28 million index
// entries that way (quadratic; a third of Postgres' time). An article's revisions are what this
// index serves (lists and diffs, always with the article), and article ids are unique across sites,
// so (article_id, created_at) serves them as well and gives the check nothing to mistake.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX article_revision_article_id_created_at_idx ON article_revision (article_id, created_at)`.execute(db);
  await sql`DROP INDEX article_revision_site_id_article_id_idx`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX article_revision_site_id_article_id_idx ON article_revision (site_id, article_id, created_at)`.execute(db);
  await sql`DROP INDEX article_revision_article_id_created_at_idx`.execute(db);
}
