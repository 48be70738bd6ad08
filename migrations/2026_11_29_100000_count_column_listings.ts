// How many live articles each column lists, kept as the placements change (issue 6, Speed): a
// column page needs the count — for its page numbers, for which older block is 第 N 页, and for
// how long the column's own page is — and counting a 2,000-item column's placements was half of
// a deep column page's database time. Statement triggers with transition tables add each
// statement's net change per column in one upsert (a bulk import's thousand placements: one row
// written, not a thousand updates of it), in a fixed order so that two writers lock the same rows
// in the same order. Rows are written under the writer's scope, like the placements themselves;
// public requests read them and never write. A column's row goes with the column.
import { sql, type Kysely } from 'kysely';

/** The net change of listed placements per column, from the added and the removed rows' tables, upserted in a fixed order. */
function upsert(added: string[], removed: string[]): string {
  const rows = [
    ...added.map((t) => `SELECT site_id, column_id, pinned::int AS pinned, (NOT pinned)::int AS unpinned FROM ${t} WHERE listed`),
    ...removed.map((t) => `SELECT site_id, column_id, -(pinned::int) AS pinned, -((NOT pinned)::int) AS unpinned FROM ${t} WHERE listed`),
  ];
  return `INSERT INTO column_listing AS c (site_id, column_id, pinned, unpinned)
      SELECT d.site_id, d.column_id, sum(d.pinned), sum(d.unpinned) FROM (${rows.join(' UNION ALL ')}) d
      GROUP BY d.site_id, d.column_id HAVING sum(d.pinned) <> 0 OR sum(d.unpinned) <> 0 ORDER BY d.site_id, d.column_id
      ON CONFLICT (site_id, column_id) DO UPDATE SET pinned = c.pinned + excluded.pinned, unpinned = c.unpinned + excluded.unpinned;`;
}

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
CREATE TABLE column_listing (
  site_id uuid NOT NULL,
  column_id uuid NOT NULL,
  -- No CHECK (… >= 0): an upsert's proposed row carries the change, which may be negative.
  pinned integer NOT NULL DEFAULT 0,
  unpinned integer NOT NULL DEFAULT 0,
  CONSTRAINT column_listing_pkey PRIMARY KEY (site_id, column_id),
  CONSTRAINT column_listing_column_fkey FOREIGN KEY (site_id, column_id) REFERENCES site_column (site_id, id) ON DELETE CASCADE
);
GRANT SELECT, INSERT, UPDATE ON column_listing TO zhanqun_app;
ALTER TABLE column_listing ENABLE ROW LEVEL SECURITY;
ALTER TABLE column_listing FORCE ROW LEVEL SECURITY;
CREATE POLICY column_listing_scope ON column_listing
  USING (site_id = ANY ((SELECT zhanqun_scope_site_ids())::uuid[]))
  WITH CHECK (site_id = ANY ((SELECT zhanqun_scope_site_ids())::uuid[]));
CREATE POLICY column_listing_oversight ON column_listing FOR SELECT USING (site_id = ANY ((SELECT zhanqun_read_site_ids())::uuid[]));
CREATE POLICY column_listing_public_insert ON column_listing AS RESTRICTIVE FOR INSERT WITH CHECK (NOT zhanqun_public_mode());
CREATE POLICY column_listing_public_update ON column_listing AS RESTRICTIVE FOR UPDATE USING (NOT zhanqun_public_mode());

CREATE FUNCTION zhanqun_count_listings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Each event sees its own transition tables only: the rows it wrote (+), the rows it replaced or removed (−).
  IF TG_OP = 'INSERT' THEN
    ${upsert(['zhanqun_listing_new'], [])}
  ELSIF TG_OP = 'UPDATE' THEN
    ${upsert(['zhanqun_listing_new'], ['zhanqun_listing_old'])}
  ELSE
    ${upsert([], ['zhanqun_listing_old'])}
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER article_placement_count_insert AFTER INSERT ON article_placement
  REFERENCING NEW TABLE AS zhanqun_listing_new FOR EACH STATEMENT EXECUTE FUNCTION zhanqun_count_listings();
CREATE TRIGGER article_placement_count_update AFTER UPDATE ON article_placement
  REFERENCING OLD TABLE AS zhanqun_listing_old NEW TABLE AS zhanqun_listing_new FOR EACH STATEMENT EXECUTE FUNCTION zhanqun_count_listings();
CREATE TRIGGER article_placement_count_delete AFTER DELETE ON article_placement
  REFERENCING OLD TABLE AS zhanqun_listing_old FOR EACH STATEMENT EXECUTE FUNCTION zhanqun_count_listings();
-- The columns as they are now.
INSERT INTO column_listing (site_id, column_id, pinned, unpinned)
  SELECT site_id, column_id, count(*) FILTER (WHERE pinned), count(*) FILTER (WHERE NOT pinned)
  FROM article_placement WHERE listed GROUP BY site_id, column_id;
`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`
DROP TRIGGER article_placement_count_insert ON article_placement;
DROP TRIGGER article_placement_count_update ON article_placement;
DROP TRIGGER article_placement_count_delete ON article_placement;
DROP FUNCTION zhanqun_count_listings();
DROP TABLE column_listing;
`).execute(db);
}
