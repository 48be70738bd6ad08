// Column lists at the speed of a deep page (bench public-pages, issue 6: 第 100 页 of a 2,000-item
// column joined every placement to its article to learn whether it is listed and when it was
// published). Each placement now carries what a list orders and filters by — `listed` (its
// article is live and not in the trash) and the article's `published_at` — kept by triggers from
// the article row, whoever writes it, and one index serves both the count and the page.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
ALTER TABLE article_placement ADD COLUMN listed boolean NOT NULL DEFAULT false, ADD COLUMN published_at timestamptz;
UPDATE article_placement p SET listed = (a.live AND a.deleted_at IS NULL), published_at = a.published_at
  FROM article a WHERE a.site_id = p.site_id AND a.id = p.article_id;
-- A new placement takes its article's state (read under the writer's scope, which holds the article's site).
CREATE FUNCTION zhanqun_placement_from_article() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT (a.live AND a.deleted_at IS NULL), a.published_at INTO NEW.listed, NEW.published_at
    FROM article a WHERE a.site_id = NEW.site_id AND a.id = NEW.article_id;
  NEW.listed := coalesce(NEW.listed, false);
  RETURN NEW;
END $$;
CREATE TRIGGER article_placement_from_article BEFORE INSERT OR UPDATE OF article_id ON article_placement
  FOR EACH ROW EXECUTE FUNCTION zhanqun_placement_from_article();
-- An article going live or not, into or out of the trash, or republished: its placements follow.
CREATE FUNCTION zhanqun_article_to_placements() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE article_placement SET listed = (NEW.live AND NEW.deleted_at IS NULL), published_at = NEW.published_at
    WHERE site_id = NEW.site_id AND article_id = NEW.id
      AND (listed, published_at) IS DISTINCT FROM ((NEW.live AND NEW.deleted_at IS NULL), NEW.published_at);
  RETURN NULL;
END $$;
CREATE TRIGGER article_to_placements AFTER UPDATE OF live, deleted_at, published_at ON article
  FOR EACH ROW WHEN ((OLD.live, OLD.deleted_at, OLD.published_at) IS DISTINCT FROM (NEW.live, NEW.deleted_at, NEW.published_at))
  EXECUTE FUNCTION zhanqun_article_to_placements();
CREATE INDEX article_placement_list_idx ON article_placement (site_id, column_id, pinned, sort_order, published_at, article_id) WHERE listed;
`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`
DROP INDEX article_placement_list_idx;
DROP TRIGGER article_to_placements ON article;
DROP FUNCTION zhanqun_article_to_placements();
DROP TRIGGER article_placement_from_article ON article_placement;
DROP FUNCTION zhanqun_placement_from_article();
ALTER TABLE article_placement DROP COLUMN listed, DROP COLUMN published_at;
`).execute(db);
}
