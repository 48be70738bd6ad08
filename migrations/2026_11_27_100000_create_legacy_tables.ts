// Legacy-site migration (issue 7): a legacy site's settings (Bouncer's site config: significant
// query parameters, archive, global rule, allowed redirect targets), its URL entries as rows of
// url_path (kinds legacy = 301, gone = 410, awaiting = target known but not yet published), and
// the import runs with their ID map (legacy key → article, content hash) for re-runs and rollback.
// Hit counters are flushed in batches; flushing them must not evict the site's cached pages.
import { sql, type Kysely } from 'kysely';

const TABLES = ['legacy_site', 'legacy_import_run', 'legacy_item'];

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
CREATE TABLE legacy_site (
  id uuid PRIMARY KEY,
  site_id uuid NOT NULL CONSTRAINT legacy_site_site_id_fkey REFERENCES site (id),
  code text NOT NULL CONSTRAINT legacy_site_code_chk CHECK (code ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
  name text NOT NULL,
  hosts text[] NOT NULL DEFAULT '{}',
  query_params text[] NOT NULL DEFAULT '{}',
  archive_prefix text CONSTRAINT legacy_site_archive_prefix_chk CHECK (archive_prefix ~ '^https?://'),
  homepage_title text,
  global_type text CONSTRAINT legacy_site_global_type_chk CHECK (global_type IN ('redirect', 'gone')),
  global_target text,
  global_append_path boolean NOT NULL DEFAULT false,
  rules jsonb NOT NULL DEFAULT '[]',
  allowed_target_hosts text[] NOT NULL DEFAULT '{}',
  allowed_target_suffixes text[] NOT NULL DEFAULT '{.gov.cn}',
  state text NOT NULL DEFAULT 'planned' CONSTRAINT legacy_site_state_chk
    CHECK (state IN ('planned', 'crawling', 'imported', 'parallel_run', 'cut_over', 'decommissioned')),
  deadline date,
  created_at timestamptz NOT NULL,
  CONSTRAINT legacy_site_site_id_id_uq UNIQUE (site_id, id),
  CONSTRAINT legacy_site_site_id_code_uq UNIQUE (site_id, code),
  CONSTRAINT legacy_site_global_chk CHECK (global_type IS DISTINCT FROM 'redirect' OR global_target IS NOT NULL)
);

ALTER TABLE url_path
  ADD COLUMN legacy_site_id uuid,
  ADD COLUMN legacy_url text,
  ADD COLUMN archive_url text,
  ADD COLUMN suggested_url text,
  ADD CONSTRAINT url_path_legacy_site_fkey FOREIGN KEY (site_id, legacy_site_id) REFERENCES legacy_site (site_id, id),
  ADD CONSTRAINT url_path_legacy_kind_chk CHECK (legacy_site_id IS NULL OR kind IN ('legacy', 'gone', 'awaiting'));
CREATE INDEX url_path_site_id_legacy_site_id_idx ON url_path (site_id, legacy_site_id) WHERE legacy_site_id IS NOT NULL;

CREATE TABLE legacy_import_run (
  id uuid PRIMARY KEY,
  site_id uuid NOT NULL CONSTRAINT legacy_import_run_site_id_fkey REFERENCES site (id),
  legacy_site_id uuid NOT NULL,
  source_kind text NOT NULL CONSTRAINT legacy_import_run_source_kind_chk CHECK (source_kind IN ('wxr', 'mirror', 'crawl', 'csv')),
  source_name text NOT NULL,
  operator_user_id uuid CONSTRAINT legacy_import_run_operator_fkey REFERENCES app_user (id),
  operator_label text NOT NULL,
  status text NOT NULL DEFAULT 'running' CONSTRAINT legacy_import_run_status_chk CHECK (status IN ('running', 'finished', 'rolled_back')),
  report jsonb NOT NULL DEFAULT '{}',
  started_at timestamptz NOT NULL,
  finished_at timestamptz,
  rolled_back_at timestamptz,
  CONSTRAINT legacy_import_run_site_id_id_uq UNIQUE (site_id, id),
  CONSTRAINT legacy_import_run_legacy_site_fkey FOREIGN KEY (site_id, legacy_site_id) REFERENCES legacy_site (site_id, id)
);
CREATE INDEX legacy_import_run_site_id_started_at_idx ON legacy_import_run (site_id, started_at DESC);

-- The ID map (Drupal's migrate_map): one row per legacy item, naming the run that created it
-- and the run that last changed it; content_hash says whether a re-run has anything to do.
CREATE TABLE legacy_item (
  id uuid PRIMARY KEY,
  site_id uuid NOT NULL CONSTRAINT legacy_item_site_id_fkey REFERENCES site (id),
  legacy_site_id uuid NOT NULL,
  legacy_key text NOT NULL,
  legacy_url text,
  article_id uuid,
  url_path_id uuid,
  content_hash text NOT NULL,
  created_run_id uuid NOT NULL,
  updated_run_id uuid NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CONSTRAINT legacy_item_site_id_legacy_site_id_legacy_key_uq UNIQUE (site_id, legacy_site_id, legacy_key),
  CONSTRAINT legacy_item_legacy_site_fkey FOREIGN KEY (site_id, legacy_site_id) REFERENCES legacy_site (site_id, id),
  CONSTRAINT legacy_item_article_fkey FOREIGN KEY (site_id, article_id) REFERENCES article (site_id, id),
  CONSTRAINT legacy_item_created_run_fkey FOREIGN KEY (site_id, created_run_id) REFERENCES legacy_import_run (site_id, id),
  CONSTRAINT legacy_item_updated_run_fkey FOREIGN KEY (site_id, updated_run_id) REFERENCES legacy_import_run (site_id, id)
);
CREATE INDEX legacy_item_site_id_created_run_id_idx ON legacy_item (site_id, created_run_id);

GRANT SELECT, INSERT, UPDATE, DELETE ON ${TABLES.join(', ')} TO zhanqun_app;
${TABLES.map((t) => `
ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY;
ALTER TABLE ${t} FORCE ROW LEVEL SECURITY;
CREATE POLICY ${t}_scope ON ${t}
  USING (site_id = ANY ((SELECT zhanqun_scope_site_ids())::uuid[]))
  WITH CHECK (site_id = ANY ((SELECT zhanqun_scope_site_ids())::uuid[]));
CREATE POLICY ${t}_oversight ON ${t} FOR SELECT USING (site_id = ANY ((SELECT zhanqun_read_site_ids())::uuid[]));
CREATE POLICY ${t}_public_insert ON ${t} AS RESTRICTIVE FOR INSERT WITH CHECK (NOT zhanqun_public_mode());
CREATE POLICY ${t}_public_update ON ${t} AS RESTRICTIVE FOR UPDATE USING (NOT zhanqun_public_mode());
CREATE POLICY ${t}_public_delete ON ${t} AS RESTRICTIVE FOR DELETE USING (NOT zhanqun_public_mode());`).join('\n')}
-- Public requests read a legacy site's settings (to canonicalise) and nothing of the runs.
CREATE POLICY legacy_import_run_public_none ON legacy_import_run AS RESTRICTIVE FOR SELECT USING (NOT zhanqun_public_mode());
CREATE POLICY legacy_item_public_none ON legacy_item AS RESTRICTIVE FOR SELECT USING (NOT zhanqun_public_mode());

-- Counting hits updates url_path.hits and last_hit_at only: that changes no page, so it must not
-- notify (and evict) the site's cached pages as other url_path updates do (migration 090300).
DROP TRIGGER url_path_notify_update ON url_path;
CREATE FUNCTION zhanqun_notify_url_path_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('zhanqun_site_changed', s::text) FROM (
    SELECT DISTINCT n.site_id AS s FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE (o.path, o.kind, o.article_id, o.column_id, o.target, o.legacy_site_id, o.archive_url, o.suggested_url)
      IS DISTINCT FROM (n.path, n.kind, n.article_id, n.column_id, n.target, n.legacy_site_id, n.archive_url, n.suggested_url)
  ) d;
  RETURN NULL;
END $$;
CREATE TRIGGER url_path_notify_update AFTER UPDATE ON url_path REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION zhanqun_notify_url_path_update();
`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`
DROP TRIGGER url_path_notify_update ON url_path;
DROP FUNCTION zhanqun_notify_url_path_update();
CREATE TRIGGER url_path_notify_update AFTER UPDATE ON url_path REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION zhanqun_notify_sites();
DROP TABLE legacy_item;
DROP TABLE legacy_import_run;
DELETE FROM url_path WHERE legacy_site_id IS NOT NULL;
DROP INDEX url_path_site_id_legacy_site_id_idx;
ALTER TABLE url_path DROP CONSTRAINT url_path_legacy_kind_chk, DROP CONSTRAINT url_path_legacy_site_fkey,
  DROP COLUMN suggested_url, DROP COLUMN archive_url, DROP COLUMN legacy_url, DROP COLUMN legacy_site_id;
DROP TABLE legacy_site;
`).execute(db);
}
