// Which revisions (and their attachment links) a public request may read, as a flag on the row
// instead of a subquery in the policy (issue 6, Speed). The public policies on article_revision
// and revision_attachment asked, for every row, whether an article names it as its live
// revision (EXISTS over article, itself under row-level security): each reference to either table
// in a public statement carried that subplan, and its set-up and per-row probes were a third of
// a column page's statement (20 rows) and a fifth of an article page's. `public_live` says the
// same — the live revision of an article that is live and not in the trash — and is kept true by
// triggers, whoever writes: computed from the article on every insert or update of the row itself
// (so neither the app nor a bulk path can set it otherwise, in whichever order they insert), and
// recomputed for the revisions an article leaves and takes when its live, deleted_at or
// live_revision_id change. The app may not update revisions (migration 080000): the article's
// trigger updates them as the owner (SECURITY DEFINER), still under the writer's scope. Under a
// platform scope the triggers narrow the scope to the row's site for their statements
// (migration 2026_11_28_150000's reasoning and pattern).
import { sql, type Kysely } from 'kysely';
import { narrow, restore, saved } from './2026_11_28_150000_narrow_placement_triggers.js';

/** A BEFORE INSERT OR UPDATE row trigger function setting NEW.public_live from the article that names `revisionColumn`. */
const fromArticle = (name: string, revisionColumn: string) => `
CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$${saved}
BEGIN${narrow}
  NEW.public_live := EXISTS (SELECT 1 FROM article a WHERE a.site_id = NEW.site_id AND a.live_revision_id = NEW.${revisionColumn}
    AND a.live AND a.deleted_at IS NULL);${restore}
  RETURN NEW;
END $$;`;

const UP = `
ALTER TABLE article_revision ADD COLUMN public_live boolean NOT NULL DEFAULT false;
ALTER TABLE revision_attachment ADD COLUMN public_live boolean NOT NULL DEFAULT false;
UPDATE article_revision r SET public_live = true FROM article a
  WHERE a.site_id = r.site_id AND a.live_revision_id = r.id AND a.live AND a.deleted_at IS NULL;
UPDATE revision_attachment ra SET public_live = true FROM article a
  WHERE a.site_id = ra.site_id AND a.live_revision_id = ra.revision_id AND a.live AND a.deleted_at IS NULL;
${fromArticle('zhanqun_revision_public_live', 'id')}
CREATE TRIGGER article_revision_public_live BEFORE INSERT OR UPDATE ON article_revision
  FOR EACH ROW EXECUTE FUNCTION zhanqun_revision_public_live();
${fromArticle('zhanqun_revision_attachment_public_live', 'revision_id')}
CREATE TRIGGER revision_attachment_public_live BEFORE INSERT OR UPDATE ON revision_attachment
  FOR EACH ROW EXECUTE FUNCTION zhanqun_revision_attachment_public_live();
-- The revisions an article leaves and takes: touched, so their own triggers recompute the flag.
CREATE FUNCTION zhanqun_article_public_revisions() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$${saved}
  revisions uuid[];
BEGIN
  IF TG_OP = 'UPDATE' AND (OLD.live, OLD.deleted_at, OLD.live_revision_id) IS NOT DISTINCT FROM (NEW.live, NEW.deleted_at, NEW.live_revision_id) THEN
    RETURN NULL;
  END IF;
  revisions := array_remove(ARRAY[NEW.live_revision_id, CASE WHEN TG_OP = 'UPDATE' THEN OLD.live_revision_id END], NULL);
  IF cardinality(revisions) = 0 THEN
    RETURN NULL;
  END IF;${narrow}
  UPDATE article_revision SET public_live = public_live WHERE site_id = NEW.site_id AND id = ANY (revisions);
  UPDATE revision_attachment SET public_live = public_live WHERE site_id = NEW.site_id AND revision_id = ANY (revisions);${restore}
  RETURN NULL;
END $$;
CREATE TRIGGER article_public_revisions AFTER INSERT OR UPDATE OF live, deleted_at, live_revision_id ON article
  FOR EACH ROW EXECUTE FUNCTION zhanqun_article_public_revisions();
ALTER POLICY article_revision_public_live ON article_revision USING (NOT zhanqun_public_mode() OR public_live);
ALTER POLICY revision_attachment_public_live ON revision_attachment USING (NOT zhanqun_public_mode() OR public_live);
`;

const DOWN = `
ALTER POLICY article_revision_public_live ON article_revision USING (NOT zhanqun_public_mode() OR EXISTS (
  SELECT 1 FROM article a WHERE a.site_id = article_revision.site_id AND a.live_revision_id = article_revision.id));
ALTER POLICY revision_attachment_public_live ON revision_attachment USING (NOT zhanqun_public_mode() OR EXISTS (
  SELECT 1 FROM article a WHERE a.site_id = revision_attachment.site_id AND a.live_revision_id = revision_attachment.revision_id
    AND a.live AND a.deleted_at IS NULL));
DROP TRIGGER article_public_revisions ON article;
DROP FUNCTION zhanqun_article_public_revisions();
DROP TRIGGER revision_attachment_public_live ON revision_attachment;
DROP FUNCTION zhanqun_revision_attachment_public_live();
DROP TRIGGER article_revision_public_live ON article_revision;
DROP FUNCTION zhanqun_revision_public_live();
ALTER TABLE revision_attachment DROP COLUMN public_live;
ALTER TABLE article_revision DROP COLUMN public_live;
`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(UP).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(DOWN).execute(db);
}
