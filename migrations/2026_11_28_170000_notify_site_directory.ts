// A site joining or leaving its platform's directory evicts the cached home pages that list the
// directory (issue 6, Cache: precise invalidation). A home page that links superior and sibling
// sites is filed under the ids of the sites it shows (a rename or a new host of one of them evicts
// it, migration 2026_11_28_120000) and under `directory:<platform id>` (directoryTag in
// packages/render/src/theme-context.ts): a county going live, being closed or deleted, moving in
// the tree or being added shows on its siblings' and superiors' homes at the next request. The
// site triggers now notify that tag as well, for the rows whose place in the directory changed.
import { sql, type Kysely } from 'kysely';

const SITE_CHANGED = 'zhanqun_site_changed';

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
CREATE OR REPLACE FUNCTION zhanqun_notify_site_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('${SITE_CHANGED}', s::text) FROM (SELECT DISTINCT id AS s FROM changed) d;
  PERFORM pg_notify('${SITE_CHANGED}', 'directory:' || p::text) FROM (SELECT DISTINCT platform_id AS p FROM changed) d;
  RETURN NULL;
END $$;
CREATE FUNCTION zhanqun_notify_site_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('${SITE_CHANGED}', s::text) FROM (SELECT DISTINCT id AS s FROM changed) d;
  PERFORM pg_notify('${SITE_CHANGED}', 'directory:' || p::text) FROM (
    SELECT o.platform_id AS p FROM old_rows o JOIN changed n ON n.id = o.id
      WHERE (o.status, o.deleted_at, o.kind, o.org_unit_id, o.parent_site_id, o.platform_id)
        IS DISTINCT FROM (n.status, n.deleted_at, n.kind, n.org_unit_id, n.parent_site_id, n.platform_id)
    UNION
    SELECT n.platform_id FROM old_rows o JOIN changed n ON n.id = o.id
      WHERE (o.status, o.deleted_at, o.kind, o.org_unit_id, o.parent_site_id, o.platform_id)
        IS DISTINCT FROM (n.status, n.deleted_at, n.kind, n.org_unit_id, n.parent_site_id, n.platform_id)
  ) d;
  RETURN NULL;
END $$;
DROP TRIGGER site_notify_update ON site;
CREATE TRIGGER site_notify_update AFTER UPDATE ON site REFERENCING OLD TABLE AS old_rows NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION zhanqun_notify_site_update();
`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`
DROP TRIGGER site_notify_update ON site;
CREATE TRIGGER site_notify_update AFTER UPDATE ON site REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION zhanqun_notify_site_rows();
DROP FUNCTION zhanqun_notify_site_update();
CREATE OR REPLACE FUNCTION zhanqun_notify_site_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('${SITE_CHANGED}', s::text) FROM (SELECT DISTINCT id AS s FROM changed) d;
  RETURN NULL;
END $$;
`).execute(db);
}
