// Cached public pages learn of changes from the database itself (DESIGN.md "Cache"): statement-
// level triggers on what public pages show send pg_notify('zhanqun_site_changed', <site id>)
// once per affected site, delivered at commit to every server instance that LISTENs. Whoever
// writes (console, API, CLI, jobs, imports), no page stays stale, and no site evicts another's.
import { sql, type Kysely } from 'kysely';

export const SITE_CHANGED = 'zhanqun_site_changed';

/** Tables whose rows carry site_id and shape public pages. */
const TABLES = ['article_placement', 'site_column', 'site_domain', 'url_path'];
const EVENTS = [['insert', 'INSERT', 'NEW TABLE AS changed'], ['update', 'UPDATE', 'NEW TABLE AS changed'], ['delete', 'DELETE', 'OLD TABLE AS changed']] as const;

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
CREATE FUNCTION zhanqun_notify_sites() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('${SITE_CHANGED}', s::text) FROM (SELECT DISTINCT site_id AS s FROM changed) d;
  RETURN NULL;
END $$;
CREATE FUNCTION zhanqun_notify_site_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('${SITE_CHANGED}', s::text) FROM (SELECT DISTINCT id AS s FROM changed) d;
  RETURN NULL;
END $$;
-- Articles: only what readers see (going live or not, the live revision, dates, column, URL, trash).
CREATE FUNCTION zhanqun_notify_article_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('${SITE_CHANGED}', s::text) FROM (
    SELECT DISTINCT n.site_id AS s FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE (o.live, o.live_revision_id, o.published_at, o.primary_column_id, o.url_path, o.deleted_at, o.interprets_article_id)
      IS DISTINCT FROM (n.live, n.live_revision_id, n.published_at, n.primary_column_id, n.url_path, n.deleted_at, n.interprets_article_id)
  ) d;
  RETURN NULL;
END $$;
CREATE TRIGGER article_notify_update AFTER UPDATE ON article REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION zhanqun_notify_article_update();
${EVENTS.map(([name, event, ref]) => `CREATE TRIGGER site_notify_${name} AFTER ${event} ON site REFERENCING ${ref} FOR EACH STATEMENT EXECUTE FUNCTION zhanqun_notify_site_rows();`).join('\n')}
${TABLES.flatMap((t) => EVENTS.map(([name, event, ref]) => `CREATE TRIGGER ${t}_notify_${name} AFTER ${event} ON ${t} REFERENCING ${ref} FOR EACH STATEMENT EXECUTE FUNCTION zhanqun_notify_sites();`)).join('\n')}
`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`
DROP TRIGGER article_notify_update ON article;
${['site', ...TABLES].flatMap((t) => EVENTS.map(([name]) => `DROP TRIGGER ${t}_notify_${name} ON ${t};`)).join('\n')}
DROP FUNCTION zhanqun_notify_article_update();
DROP FUNCTION zhanqun_notify_site_rows();
DROP FUNCTION zhanqun_notify_sites();
`).execute(db);
}
