// The triggers that keep placements in step with their article read and write under the
// placement's own site, not the writer's whole platform (issue 7, Speed). Under a platform scope
// every policy check lists the platform's sites (zhanqun_scope_site_ids(), and through
// zhanqun_read_site_ids() the oversight policies too), and a row trigger's statement pays that per
// row: 0.26 ms a placement on a 600-site platform, a fifth of a mirror import's database time, and
// more in a larger province. The trigger needs one site: the placement's (checked against the
// writer's scope by the placement's own WITH CHECK right after this BEFORE trigger, so a
// placement outside it still fails), or the article's (just updated under the writer's scope).
// Under a platform scope the scope is narrowed to that site for the trigger's one statement and
// put back; under a site scope nothing changes. Settings are transaction-local, so an error inside
// rolls them back with the statement.
import { sql, type Kysely } from 'kysely';

/** PL/pgSQL pieces for a row trigger: narrow the scope to NEW's site under a platform scope, and put it back (also used by migration 2026_11_29_110000). */
export const narrow = `
  IF platforms <> '' THEN
    PERFORM set_config('zhanqun.platform_ids', '', true), set_config('zhanqun.read_platform_ids', '', true),
      set_config('zhanqun.site_ids', NEW.site_id::text, true);
  END IF;`;
export const restore = `
  IF platforms <> '' THEN
    PERFORM set_config('zhanqun.platform_ids', platforms, true), set_config('zhanqun.read_platform_ids', readable, true),
      set_config('zhanqun.site_ids', sites, true);
  END IF;`;
export const saved = `
DECLARE
  platforms text := coalesce(current_setting('zhanqun.platform_ids', true), '');
  readable text := coalesce(current_setting('zhanqun.read_platform_ids', true), '');
  sites text := coalesce(current_setting('zhanqun.site_ids', true), '');`;

const UP = `
CREATE OR REPLACE FUNCTION zhanqun_placement_from_article() RETURNS trigger LANGUAGE plpgsql AS $$${saved}
BEGIN${narrow}
  SELECT (a.live AND a.deleted_at IS NULL), a.published_at INTO NEW.listed, NEW.published_at
    FROM article a WHERE a.site_id = NEW.site_id AND a.id = NEW.article_id;${restore}
  NEW.listed := coalesce(NEW.listed, false);
  RETURN NEW;
END $$;
CREATE OR REPLACE FUNCTION zhanqun_article_to_placements() RETURNS trigger LANGUAGE plpgsql AS $$${saved}
BEGIN${narrow}
  UPDATE article_placement SET listed = (NEW.live AND NEW.deleted_at IS NULL), published_at = NEW.published_at
    WHERE site_id = NEW.site_id AND article_id = NEW.id
      AND (listed, published_at) IS DISTINCT FROM ((NEW.live AND NEW.deleted_at IS NULL), NEW.published_at);${restore}
  RETURN NULL;
END $$;
`;

const DOWN = `
CREATE OR REPLACE FUNCTION zhanqun_placement_from_article() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT (a.live AND a.deleted_at IS NULL), a.published_at INTO NEW.listed, NEW.published_at
    FROM article a WHERE a.site_id = NEW.site_id AND a.id = NEW.article_id;
  NEW.listed := coalesce(NEW.listed, false);
  RETURN NEW;
END $$;
CREATE OR REPLACE FUNCTION zhanqun_article_to_placements() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE article_placement SET listed = (NEW.live AND NEW.deleted_at IS NULL), published_at = NEW.published_at
    WHERE site_id = NEW.site_id AND article_id = NEW.id
      AND (listed, published_at) IS DISTINCT FROM ((NEW.live AND NEW.deleted_at IS NULL), NEW.published_at);
  RETURN NULL;
END $$;
`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(UP).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(DOWN).execute(db);
}
