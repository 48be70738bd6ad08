// The audit log is read newest first per platform with keyset paging on (created_at, id).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw('CREATE INDEX audit_log_entry_platform_id_created_at_id_idx ON audit_log_entry (platform_id, created_at DESC, id DESC)').execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw('DROP INDEX audit_log_entry_platform_id_created_at_id_idx').execute(db);
}
