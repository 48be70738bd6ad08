// The publishing workflow (DESIGN.md "Revisions and workflow"): runs that move one revision
// through its column's review tasks, the secrecy-review waivers per column kind, the record of
// every publication (谁发布谁负责), scheduling and the trash on the article; attachments with
// content-addressed blobs; the platform's serious-error list for pre-publish checks.
import { sql, type Kysely } from 'kysely';

/** New tables keyed by site_id, under the same scope and oversight policies as the others. */
const SITE_TABLES = ['workflow_run', 'workflow_task', 'article_publication', 'attachment', 'revision_attachment'];

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
ALTER TABLE article
  ADD COLUMN withdrawn_at timestamptz,
  ADD COLUMN scheduled_publish_at timestamptz,
  ADD COLUMN scheduled_withdraw_at timestamptz,
  ADD COLUMN scheduled_by uuid CONSTRAINT article_scheduled_by_fkey REFERENCES app_user (id),
  ADD COLUMN deleted_by uuid CONSTRAINT article_deleted_by_fkey REFERENCES app_user (id),
  ADD COLUMN interprets_article_id uuid,
  ADD CONSTRAINT article_interprets_fkey FOREIGN KEY (site_id, interprets_article_id) REFERENCES article (site_id, id),
  ADD CONSTRAINT article_interprets_self_chk CHECK (interprets_article_id IS DISTINCT FROM id);
CREATE INDEX article_scheduled_publish_at_idx ON article (scheduled_publish_at) WHERE scheduled_publish_at IS NOT NULL;
CREATE INDEX article_scheduled_withdraw_at_idx ON article (scheduled_withdraw_at) WHERE scheduled_withdraw_at IS NOT NULL;
CREATE INDEX article_site_id_deleted_at_idx ON article (site_id, deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX article_site_id_interprets_idx ON article (site_id, interprets_article_id) WHERE interprets_article_id IS NOT NULL;

ALTER TABLE article_revision ADD COLUMN tags text[] NOT NULL DEFAULT '{}';

CREATE TABLE workflow_run (
  id uuid PRIMARY KEY,
  site_id uuid NOT NULL CONSTRAINT workflow_run_site_id_fkey REFERENCES site (id),
  article_id uuid NOT NULL,
  revision_id uuid NOT NULL,
  status text NOT NULL CONSTRAINT workflow_run_status_chk
    CHECK (status IN ('in_progress', 'approved', 'needs_changes', 'cancelled')),
  steps text[] NOT NULL CONSTRAINT workflow_run_steps_chk
    CHECK (cardinality(steps) >= 1 AND steps <@ ARRAY['review', 'secrecy_review']::text[]),
  current_step integer NOT NULL DEFAULT 0,
  secrecy_waived boolean NOT NULL DEFAULT false,
  submitted_by uuid CONSTRAINT workflow_run_submitted_by_fkey REFERENCES app_user (id),
  submitted_at timestamptz NOT NULL,
  finished_at timestamptz,
  CONSTRAINT workflow_run_site_id_id_uq UNIQUE (site_id, id),
  CONSTRAINT workflow_run_article_fkey FOREIGN KEY (site_id, article_id) REFERENCES article (site_id, id),
  CONSTRAINT workflow_run_revision_fkey FOREIGN KEY (site_id, revision_id) REFERENCES article_revision (site_id, id)
);
-- One run in progress per article at a time.
CREATE UNIQUE INDEX workflow_run_in_progress_uq ON workflow_run (site_id, article_id) WHERE status = 'in_progress';
CREATE INDEX workflow_run_site_id_article_id_idx ON workflow_run (site_id, article_id, submitted_at DESC);

CREATE TABLE workflow_task (
  id uuid PRIMARY KEY,
  site_id uuid NOT NULL CONSTRAINT workflow_task_site_id_fkey REFERENCES site (id),
  run_id uuid NOT NULL,
  step text NOT NULL CONSTRAINT workflow_task_step_chk CHECK (step IN ('review', 'secrecy_review')),
  position integer NOT NULL,
  status text NOT NULL CONSTRAINT workflow_task_status_chk
    CHECK (status IN ('in_progress', 'approved', 'needs_changes', 'cancelled')),
  acted_by uuid CONSTRAINT workflow_task_acted_by_fkey REFERENCES app_user (id),
  acted_at timestamptz,
  comment text,
  created_at timestamptz NOT NULL,
  CONSTRAINT workflow_task_site_id_id_uq UNIQUE (site_id, id),
  CONSTRAINT workflow_task_run_position_uq UNIQUE (site_id, run_id, position),
  CONSTRAINT workflow_task_run_fkey FOREIGN KEY (site_id, run_id) REFERENCES workflow_run (site_id, id),
  -- "Needs changes" always says why.
  CONSTRAINT workflow_task_reason_chk CHECK (status <> 'needs_changes' OR length(btrim(coalesce(comment, ''))) > 0)
);
CREATE INDEX workflow_task_open_idx ON workflow_task (site_id, step) WHERE status = 'in_progress';

-- Secrecy review (保密审查) is required unless a platform admin waives it for a column kind.
CREATE TABLE secrecy_waiver (
  platform_id uuid NOT NULL CONSTRAINT secrecy_waiver_platform_id_fkey REFERENCES platform (id),
  column_kind text NOT NULL,
  reason text NOT NULL CONSTRAINT secrecy_waiver_reason_chk CHECK (length(btrim(reason)) > 0),
  waived_by uuid CONSTRAINT secrecy_waiver_waived_by_fkey REFERENCES app_user (id),
  waived_at timestamptz NOT NULL,
  CONSTRAINT secrecy_waiver_pkey PRIMARY KEY (platform_id, column_kind)
);

-- Every publish and withdrawal, naming who wrote, reviewed, secrecy-reviewed and released it.
CREATE TABLE article_publication (
  id uuid PRIMARY KEY,
  site_id uuid NOT NULL CONSTRAINT article_publication_site_id_fkey REFERENCES site (id),
  article_id uuid NOT NULL,
  revision_id uuid NOT NULL,
  run_id uuid,
  action text NOT NULL CONSTRAINT article_publication_action_chk CHECK (action IN ('publish', 'withdraw')),
  written_by uuid CONSTRAINT article_publication_written_by_fkey REFERENCES app_user (id),
  reviewed_by uuid CONSTRAINT article_publication_reviewed_by_fkey REFERENCES app_user (id),
  secrecy_reviewed_by uuid CONSTRAINT article_publication_secrecy_reviewed_by_fkey REFERENCES app_user (id),
  secrecy_waived boolean NOT NULL DEFAULT false,
  released_by uuid CONSTRAINT article_publication_released_by_fkey REFERENCES app_user (id),
  released_at timestamptz NOT NULL,
  scheduled boolean NOT NULL DEFAULT false,
  CONSTRAINT article_publication_article_fkey FOREIGN KEY (site_id, article_id) REFERENCES article (site_id, id),
  CONSTRAINT article_publication_revision_fkey FOREIGN KEY (site_id, revision_id) REFERENCES article_revision (site_id, id),
  CONSTRAINT article_publication_run_fkey FOREIGN KEY (site_id, run_id) REFERENCES workflow_run (site_id, id)
);
CREATE INDEX article_publication_site_id_article_id_idx ON article_publication (site_id, article_id, released_at DESC);

-- Attachments: the bytes are stored once per content hash (the blob store), rows are per site.
CREATE TABLE blob (
  sha256 text PRIMARY KEY CONSTRAINT blob_sha256_chk CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  size bigint NOT NULL CONSTRAINT blob_size_chk CHECK (size >= 0),
  media_type text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE TABLE attachment (
  id uuid PRIMARY KEY,
  site_id uuid NOT NULL CONSTRAINT attachment_site_id_fkey REFERENCES site (id),
  blob_sha256 text NOT NULL CONSTRAINT attachment_blob_fkey REFERENCES blob (sha256),
  filename text NOT NULL CONSTRAINT attachment_filename_chk CHECK (length(filename) BETWEEN 1 AND 255),
  media_type text NOT NULL,
  size bigint NOT NULL,
  created_by uuid CONSTRAINT attachment_created_by_fkey REFERENCES app_user (id),
  created_at timestamptz NOT NULL,
  CONSTRAINT attachment_site_id_id_uq UNIQUE (site_id, id)
);
CREATE INDEX attachment_blob_sha256_idx ON attachment (blob_sha256);
CREATE TABLE revision_attachment (
  site_id uuid NOT NULL CONSTRAINT revision_attachment_site_id_fkey REFERENCES site (id),
  revision_id uuid NOT NULL,
  attachment_id uuid NOT NULL,
  position integer NOT NULL DEFAULT 0,
  CONSTRAINT revision_attachment_pkey PRIMARY KEY (site_id, revision_id, attachment_id),
  CONSTRAINT revision_attachment_revision_fkey FOREIGN KEY (site_id, revision_id) REFERENCES article_revision (site_id, id),
  CONSTRAINT revision_attachment_attachment_fkey FOREIGN KEY (site_id, attachment_id) REFERENCES attachment (site_id, id)
);
CREATE INDEX revision_attachment_attachment_idx ON revision_attachment (site_id, attachment_id);

-- The platform-wide serious-error list (严重错误): wrong forms with their right form, and forbidden words.
CREATE TABLE serious_error_term (
  id uuid PRIMARY KEY,
  platform_id uuid NOT NULL CONSTRAINT serious_error_term_platform_id_fkey REFERENCES platform (id),
  term text NOT NULL CONSTRAINT serious_error_term_term_chk CHECK (length(btrim(term)) > 0),
  correction text,
  kind text NOT NULL CONSTRAINT serious_error_term_kind_chk CHECK (kind IN ('wrong_form', 'forbidden')),
  note text,
  created_by uuid CONSTRAINT serious_error_term_created_by_fkey REFERENCES app_user (id),
  created_at timestamptz NOT NULL,
  CONSTRAINT serious_error_term_platform_id_term_uq UNIQUE (platform_id, term)
);

GRANT SELECT, INSERT, UPDATE, DELETE ON workflow_run, workflow_task, secrecy_waiver, article_publication,
  attachment, revision_attachment, serious_error_term TO zhanqun_app;
-- Blobs are shared and immutable: the app adds them and reads them, never changes them.
GRANT SELECT, INSERT ON blob TO zhanqun_app;
REVOKE UPDATE, DELETE ON blob FROM zhanqun_app;
-- The record of publications is history: appended, never rewritten.
REVOKE UPDATE, DELETE ON article_publication FROM zhanqun_app;

${SITE_TABLES.map((t) => `
ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY;
ALTER TABLE ${t} FORCE ROW LEVEL SECURITY;
CREATE POLICY ${t}_scope ON ${t}
  USING (site_id = ANY ((SELECT zhanqun_scope_site_ids())::uuid[]))
  WITH CHECK (site_id = ANY ((SELECT zhanqun_scope_site_ids())::uuid[]));
CREATE POLICY ${t}_oversight ON ${t} FOR SELECT USING (site_id = ANY ((SELECT zhanqun_read_site_ids())::uuid[]));
CREATE POLICY ${t}_public_insert ON ${t} AS RESTRICTIVE FOR INSERT WITH CHECK (NOT zhanqun_public_mode());
CREATE POLICY ${t}_public_update ON ${t} AS RESTRICTIVE FOR UPDATE USING (NOT zhanqun_public_mode());
CREATE POLICY ${t}_public_delete ON ${t} AS RESTRICTIVE FOR DELETE USING (NOT zhanqun_public_mode());`).join('\n')}

-- Public requests see only what a live revision references; workflow rows never.
CREATE POLICY revision_attachment_public_live ON revision_attachment AS RESTRICTIVE FOR SELECT
  USING (NOT zhanqun_public_mode() OR EXISTS (
    SELECT 1 FROM article a WHERE a.site_id = revision_attachment.site_id AND a.live_revision_id = revision_attachment.revision_id
      AND a.live AND a.deleted_at IS NULL));
CREATE POLICY workflow_run_public_none ON workflow_run AS RESTRICTIVE FOR SELECT USING (NOT zhanqun_public_mode());
CREATE POLICY workflow_task_public_none ON workflow_task AS RESTRICTIVE FOR SELECT USING (NOT zhanqun_public_mode());

-- Platform-keyed tables: the platform's own admins write; its sites' staff read (checks, waivers).
${['secrecy_waiver', 'serious_error_term'].map((t) => `
ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY;
ALTER TABLE ${t} FORCE ROW LEVEL SECURITY;
CREATE POLICY ${t}_scope ON ${t}
  USING (platform_id = ANY (zhanqun_setting_uuids('zhanqun.platform_ids')))
  WITH CHECK (platform_id = ANY (zhanqun_setting_uuids('zhanqun.platform_ids')));
CREATE POLICY ${t}_site_read ON ${t} FOR SELECT
  USING (platform_id IN (SELECT platform_id FROM site WHERE id = ANY (zhanqun_setting_uuids('zhanqun.site_ids'))));
CREATE POLICY ${t}_public_none ON ${t} AS RESTRICTIVE FOR SELECT USING (NOT zhanqun_public_mode());`).join('\n')}
`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`
DROP TABLE serious_error_term;
DROP TABLE revision_attachment;
DROP TABLE attachment;
DROP TABLE blob;
DROP TABLE article_publication;
DROP TABLE secrecy_waiver;
DROP TABLE workflow_task;
DROP TABLE workflow_run;
ALTER TABLE article_revision DROP COLUMN tags;
ALTER TABLE article
  DROP CONSTRAINT article_interprets_self_chk,
  DROP CONSTRAINT article_interprets_fkey,
  DROP COLUMN interprets_article_id,
  DROP COLUMN deleted_by,
  DROP COLUMN scheduled_by,
  DROP COLUMN scheduled_withdraw_at,
  DROP COLUMN scheduled_publish_at,
  DROP COLUMN withdrawn_at;
`).execute(db);
}
