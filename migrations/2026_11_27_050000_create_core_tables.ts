// The core schema of DESIGN.md: tenants, columns, articles and their revisions, public paths,
// accounts, sessions and the audit trail. Tenant foreign keys include site_id (RLS does not
// check the target of a foreign key). Nothing here is Postgres-16+-only.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
CREATE TABLE platform (
  id uuid PRIMARY KEY,
  code text NOT NULL CONSTRAINT platform_code_uq UNIQUE,
  name text NOT NULL,
  parent_platform_id uuid CONSTRAINT platform_parent_platform_id_fkey REFERENCES platform (id),
  root_org_unit_id uuid,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE org_unit (
  id uuid PRIMARY KEY,
  platform_id uuid NOT NULL CONSTRAINT org_unit_platform_id_fkey REFERENCES platform (id),
  parent_id uuid CONSTRAINT org_unit_parent_id_fkey REFERENCES org_unit (id),
  path text NOT NULL,
  level text NOT NULL CONSTRAINT org_unit_level_chk
    CHECK (level IN ('province', 'city', 'county', 'township', 'department')),
  name text NOT NULL,
  short_name text,
  division_code text CONSTRAINT org_unit_division_code_chk CHECK (division_code ~ '^[0-9]{6}([0-9]{3})?$'),
  valid_from date NOT NULL DEFAULT CURRENT_DATE,
  valid_to date,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX org_unit_path_idx ON org_unit (path text_pattern_ops);
CREATE INDEX org_unit_parent_id_idx ON org_unit (parent_id);
ALTER TABLE platform ADD CONSTRAINT platform_root_org_unit_id_fkey
  FOREIGN KEY (root_org_unit_id) REFERENCES org_unit (id) DEFERRABLE INITIALLY DEFERRED;

CREATE TABLE site (
  id uuid PRIMARY KEY,
  platform_id uuid NOT NULL CONSTRAINT site_platform_id_fkey REFERENCES platform (id),
  org_unit_id uuid NOT NULL CONSTRAINT site_org_unit_id_fkey REFERENCES org_unit (id),
  parent_site_id uuid CONSTRAINT site_parent_site_id_fkey REFERENCES site (id),
  kind text NOT NULL CONSTRAINT site_kind_chk CHECK (kind IN ('portal', 'department', 'sub_site')),
  status text NOT NULL DEFAULT 'provisioning'
    CONSTRAINT site_status_chk CHECK (status IN ('provisioning', 'live', 'migrating', 'closed')),
  code text NOT NULL CONSTRAINT site_code_chk CHECK (code ~ '^[a-z][a-z0-9-]{1,39}$'),
  name text NOT NULL,
  site_id_code text CONSTRAINT site_site_id_code_chk CHECK (site_id_code ~ '^([0-9]{10}|bm[0-9]{8})$'),
  icp_number text,
  psb_number text,
  sponsor text,
  contact text,
  default_locale text NOT NULL DEFAULT 'zh-CN',
  theme text NOT NULL DEFAULT 'default',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz,
  CONSTRAINT site_sub_site_parent_chk CHECK ((kind = 'sub_site') = (parent_site_id IS NOT NULL))
);
CREATE UNIQUE INDEX site_code_uq ON site (code) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX site_site_id_code_uq ON site (site_id_code) WHERE deleted_at IS NULL;
CREATE INDEX site_platform_id_idx ON site (platform_id);
CREATE INDEX site_org_unit_id_idx ON site (org_unit_id);

CREATE TABLE site_domain (
  id uuid PRIMARY KEY,
  site_id uuid NOT NULL CONSTRAINT site_domain_site_id_fkey REFERENCES site (id),
  host text NOT NULL CONSTRAINT site_domain_host_chk CHECK (host = lower(host) AND host !~ '[:/ ]'),
  path_prefix text NOT NULL DEFAULT '/' CONSTRAINT site_domain_path_prefix_chk CHECK (path_prefix ~ '^/([a-z0-9_-]+/)*$'),
  role text NOT NULL CONSTRAINT site_domain_role_chk CHECK (role IN ('primary', 'alias', 'legacy')),
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT site_domain_host_path_prefix_uq UNIQUE (host, path_prefix)
);
CREATE INDEX site_domain_site_id_idx ON site_domain (site_id);

CREATE TABLE site_column (
  id uuid PRIMARY KEY,
  site_id uuid NOT NULL CONSTRAINT site_column_site_id_fkey REFERENCES site (id),
  parent_id uuid,
  slug text NOT NULL CONSTRAINT site_column_slug_chk CHECK (slug ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
  path text NOT NULL,
  name text NOT NULL,
  kind text NOT NULL CONSTRAINT site_column_kind_chk CHECK (kind IN
    ('news', 'notice', 'policy', 'personnel', 'plans', 'interpretation', 'interaction', 'service', 'page', 'link')),
  is_channel boolean NOT NULL DEFAULT false,
  sort_order integer NOT NULL DEFAULT 0,
  description text,
  external_url text,
  template_column_id uuid,
  status text NOT NULL DEFAULT 'open' CONSTRAINT site_column_status_chk CHECK (status IN ('open', 'merged', 'closed')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz,
  CONSTRAINT site_column_site_id_id_uq UNIQUE (site_id, id),
  CONSTRAINT site_column_parent_fkey FOREIGN KEY (site_id, parent_id) REFERENCES site_column (site_id, id)
);
CREATE UNIQUE INDEX site_column_site_id_path_uq ON site_column (site_id, path) WHERE deleted_at IS NULL;
CREATE INDEX site_column_site_id_parent_id_idx ON site_column (site_id, parent_id, sort_order);

CREATE TABLE site_counter (
  site_id uuid NOT NULL CONSTRAINT site_counter_site_id_fkey REFERENCES site (id),
  name text NOT NULL,
  value bigint NOT NULL DEFAULT 0,
  CONSTRAINT site_counter_pkey PRIMARY KEY (site_id, name)
);

CREATE TABLE app_user (
  id uuid PRIMARY KEY,
  platform_id uuid NOT NULL CONSTRAINT app_user_platform_id_fkey REFERENCES platform (id),
  username text NOT NULL CONSTRAINT app_user_username_chk CHECK (username ~ '^[a-z0-9][a-z0-9._-]{1,63}$'),
  display_name text NOT NULL,
  password_hash text NOT NULL,
  is_platform_admin boolean NOT NULL DEFAULT false,
  locale text NOT NULL DEFAULT 'zh-CN' CONSTRAINT app_user_locale_chk CHECK (locale IN ('zh-CN', 'en')),
  disabled_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT app_user_username_uq UNIQUE (username)
);

CREATE TABLE session (
  id text PRIMARY KEY,
  user_id uuid NOT NULL CONSTRAINT session_user_id_fkey REFERENCES app_user (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  ip text,
  user_agent text
);
CREATE INDEX session_user_id_idx ON session (user_id);

CREATE TABLE article (
  id uuid PRIMARY KEY,
  site_id uuid NOT NULL CONSTRAINT article_site_id_fkey REFERENCES site (id),
  primary_column_id uuid NOT NULL,
  live boolean NOT NULL DEFAULT false,
  has_unpublished_changes boolean NOT NULL DEFAULT true,
  live_revision_id uuid,
  latest_revision_id uuid,
  draft_title text NOT NULL,
  url_path text,
  serial_no bigint,
  index_number text,
  first_published_at timestamptz,
  last_published_at timestamptz,
  published_at timestamptz,
  created_by uuid CONSTRAINT article_created_by_fkey REFERENCES app_user (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz,
  CONSTRAINT article_site_id_id_uq UNIQUE (site_id, id),
  CONSTRAINT article_primary_column_fkey FOREIGN KEY (site_id, primary_column_id) REFERENCES site_column (site_id, id)
);
CREATE UNIQUE INDEX article_site_id_index_number_uq ON article (site_id, index_number) WHERE index_number IS NOT NULL;
CREATE UNIQUE INDEX article_site_id_serial_no_uq ON article (site_id, serial_no) WHERE serial_no IS NOT NULL;
CREATE INDEX article_site_id_published_at_idx ON article (site_id, published_at DESC) WHERE live AND deleted_at IS NULL;

CREATE TABLE article_revision (
  id uuid PRIMARY KEY,
  site_id uuid NOT NULL CONSTRAINT article_revision_site_id_fkey REFERENCES site (id),
  article_id uuid NOT NULL,
  title text NOT NULL,
  subtitle text,
  summary text,
  body_html text NOT NULL DEFAULT '',
  source text,
  author text,
  external_url text,
  document_number text,
  issuing_organ text,
  date_written date,
  topic_category text,
  validity text CONSTRAINT article_revision_validity_chk CHECK (validity IN ('valid', 'amended', 'repealed')),
  keywords text,
  created_by uuid CONSTRAINT article_revision_created_by_fkey REFERENCES app_user (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT article_revision_site_id_id_uq UNIQUE (site_id, id),
  CONSTRAINT article_revision_article_fkey FOREIGN KEY (site_id, article_id) REFERENCES article (site_id, id)
);
CREATE INDEX article_revision_site_id_article_id_idx ON article_revision (site_id, article_id, created_at);
ALTER TABLE article
  ADD CONSTRAINT article_live_revision_fkey FOREIGN KEY (site_id, live_revision_id)
    REFERENCES article_revision (site_id, id) DEFERRABLE INITIALLY DEFERRED,
  ADD CONSTRAINT article_latest_revision_fkey FOREIGN KEY (site_id, latest_revision_id)
    REFERENCES article_revision (site_id, id) DEFERRABLE INITIALLY DEFERRED;

CREATE TABLE article_placement (
  site_id uuid NOT NULL CONSTRAINT article_placement_site_id_fkey REFERENCES site (id),
  article_id uuid NOT NULL,
  column_id uuid NOT NULL,
  pinned boolean NOT NULL DEFAULT false,
  sort_order integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT article_placement_pkey PRIMARY KEY (site_id, column_id, article_id),
  CONSTRAINT article_placement_article_fkey FOREIGN KEY (site_id, article_id) REFERENCES article (site_id, id),
  CONSTRAINT article_placement_column_fkey FOREIGN KEY (site_id, column_id) REFERENCES site_column (site_id, id)
);
CREATE INDEX article_placement_site_id_article_id_idx ON article_placement (site_id, article_id);

CREATE TABLE url_path (
  id uuid PRIMARY KEY,
  site_id uuid NOT NULL CONSTRAINT url_path_site_id_fkey REFERENCES site (id),
  path text NOT NULL CONSTRAINT url_path_path_chk CHECK (path ~ '^/'),
  kind text NOT NULL CONSTRAINT url_path_kind_chk CHECK (kind IN ('live', 'redirect', 'gone', 'legacy', 'awaiting')),
  article_id uuid,
  column_id uuid,
  target text,
  hits bigint NOT NULL DEFAULT 0,
  last_hit_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT url_path_site_id_path_uq UNIQUE (site_id, path),
  CONSTRAINT url_path_article_fkey FOREIGN KEY (site_id, article_id) REFERENCES article (site_id, id),
  CONSTRAINT url_path_column_fkey FOREIGN KEY (site_id, column_id) REFERENCES site_column (site_id, id),
  CONSTRAINT url_path_target_chk CHECK (kind NOT IN ('redirect', 'legacy') OR target IS NOT NULL)
);

CREATE TABLE audit_log_entry (
  id uuid PRIMARY KEY,
  platform_id uuid NOT NULL CONSTRAINT audit_log_entry_platform_id_fkey REFERENCES platform (id),
  seq bigint NOT NULL,
  site_id uuid,
  actor_user_id uuid,
  actor_label text NOT NULL,
  ip text,
  action text NOT NULL,
  object_type text NOT NULL,
  object_id text,
  before jsonb,
  after jsonb,
  created_at timestamptz NOT NULL,
  prev_hash text NOT NULL,
  hash text NOT NULL,
  CONSTRAINT audit_log_entry_platform_id_seq_uq UNIQUE (platform_id, seq)
);
CREATE INDEX audit_log_entry_site_id_created_at_idx ON audit_log_entry (site_id, created_at);

CREATE TABLE audit_chain_head (
  platform_id uuid PRIMARY KEY CONSTRAINT audit_chain_head_platform_id_fkey REFERENCES platform (id),
  seq bigint NOT NULL,
  hash text NOT NULL
);
`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`
DROP TABLE audit_chain_head;
DROP TABLE audit_log_entry;
DROP TABLE url_path;
DROP TABLE article_placement;
ALTER TABLE article DROP CONSTRAINT article_live_revision_fkey, DROP CONSTRAINT article_latest_revision_fkey;
DROP TABLE article_revision;
DROP TABLE article;
DROP TABLE session;
DROP TABLE app_user;
DROP TABLE site_counter;
DROP TABLE site_column;
DROP TABLE site_domain;
DROP TABLE site;
ALTER TABLE platform DROP CONSTRAINT platform_root_org_unit_id_fkey;
DROP TABLE org_unit;
DROP TABLE platform;
`).execute(db);
}
