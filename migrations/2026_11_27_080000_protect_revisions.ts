// Revisions are immutable: the application may add them, never change them (DESIGN.md,
// Revisions and workflow). Deleting stays possible for the audited purge from the trash.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw('REVOKE UPDATE ON article_revision FROM zhanqun_app').execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw('GRANT UPDATE ON article_revision TO zhanqun_app').execute(db);
}
