// Interrupted import runs (issue 7, "an interrupted run resumes"): a run's last sign of life
// (heartbeat_at, beaten while it runs), the status interrupted for a run that died before it
// finished (found out when the next run of its legacy site starts, or said by the dying process
// itself), the run a new run resumes, and at most one running run per legacy site. An
// interrupted run's finished_at stays null — it never finished; heartbeat_at tells when it was
// last alive, and the audit entry legacy_import.interrupt when that was found out.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
ALTER TABLE legacy_import_run
  ADD COLUMN heartbeat_at timestamptz,
  ADD COLUMN resumes_run_id uuid,
  ADD CONSTRAINT legacy_import_run_resumes_run_fkey FOREIGN KEY (site_id, resumes_run_id) REFERENCES legacy_import_run (site_id, id),
  DROP CONSTRAINT legacy_import_run_status_chk,
  ADD CONSTRAINT legacy_import_run_status_chk CHECK (status IN ('running', 'finished', 'interrupted', 'rolled_back'));
-- Runs left running before this migration: the newest of each legacy site keeps running with its
-- start as its last sign of life (so the next run finds it out), older ones were surely interrupted.
UPDATE legacy_import_run r SET status = 'interrupted'
  WHERE status = 'running' AND EXISTS (SELECT 1 FROM legacy_import_run n WHERE n.site_id = r.site_id AND n.legacy_site_id = r.legacy_site_id
    AND n.status = 'running' AND (n.started_at, n.id) > (r.started_at, r.id));
UPDATE legacy_import_run SET heartbeat_at = started_at WHERE status = 'running';
CREATE UNIQUE INDEX legacy_import_run_running_uq ON legacy_import_run (site_id, legacy_site_id) WHERE status = 'running';
`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`
DROP INDEX legacy_import_run_running_uq;
UPDATE legacy_import_run SET status = 'running' WHERE status = 'interrupted';
ALTER TABLE legacy_import_run DROP CONSTRAINT legacy_import_run_status_chk,
  ADD CONSTRAINT legacy_import_run_status_chk CHECK (status IN ('running', 'finished', 'rolled_back')),
  DROP CONSTRAINT legacy_import_run_resumes_run_fkey, DROP COLUMN resumes_run_id, DROP COLUMN heartbeat_at;
`).execute(db);
}
