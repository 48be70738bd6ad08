// External links of articles, checked asynchronously (issue 5): a save records the links of the
// latest revision as pending; the link-check job fetches them through the SSRF-safe fetcher and
// stores the outcome, which the pre-publish checks show as warnings.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
CREATE TABLE link_check (
  site_id uuid NOT NULL CONSTRAINT link_check_site_id_fkey REFERENCES site (id),
  article_id uuid NOT NULL,
  url text NOT NULL CONSTRAINT link_check_url_chk CHECK (url ~ '^https?://' AND length(url) <= 2000),
  status text NOT NULL DEFAULT 'pending' CONSTRAINT link_check_status_chk CHECK (status IN ('pending', 'ok', 'broken')),
  http_status integer,
  error text,
  requested_at timestamptz NOT NULL,
  checked_at timestamptz,
  CONSTRAINT link_check_pkey PRIMARY KEY (site_id, article_id, url),
  CONSTRAINT link_check_article_fkey FOREIGN KEY (site_id, article_id) REFERENCES article (site_id, id)
);
CREATE INDEX link_check_pending_idx ON link_check (requested_at) WHERE status = 'pending';
GRANT SELECT, INSERT, UPDATE, DELETE ON link_check TO zhanqun_app;
ALTER TABLE link_check ENABLE ROW LEVEL SECURITY;
ALTER TABLE link_check FORCE ROW LEVEL SECURITY;
CREATE POLICY link_check_scope ON link_check
  USING (site_id = ANY ((SELECT zhanqun_scope_site_ids())::uuid[]))
  WITH CHECK (site_id = ANY ((SELECT zhanqun_scope_site_ids())::uuid[]));
CREATE POLICY link_check_oversight ON link_check FOR SELECT USING (site_id = ANY ((SELECT zhanqun_read_site_ids())::uuid[]));
CREATE POLICY link_check_public_none ON link_check AS RESTRICTIVE USING (NOT zhanqun_public_mode());
`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw('DROP TABLE link_check').execute(db);
}
