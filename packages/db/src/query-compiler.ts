/**
 * Kysely's Postgres compiler with booleans written into the statement as `true` / `false` rather
 * than sent as parameters (issue 6, Speed). A prepared statement is soon run with a generic plan,
 * made without its parameters' values, and such a plan cannot use a partial index whose predicate
 * names a boolean the query only has as `$n`: the column list (`article_placement_list_idx …
 * WHERE listed`) then scanned and sorted every placement of the column through the primary key,
 * twice as slow as its index-only scan, and the newest-first lists lost `WHERE live AND deleted_at
 * IS NULL` the same way. Two values cannot make the prepared statements' texts grow without bound.
 * Row values of inserts are not affected (Kysely compiles them as lists, not as value nodes).
 */
import { CompiledQuery, PostgresQueryCompiler, type DatabaseConnection, type ValueNode } from 'kysely';

export class LiteralBooleanCompiler extends PostgresQueryCompiler {
  protected override visitValue(node: ValueNode): void {
    if (typeof node.value === 'boolean') this.append(node.value ? 'true' : 'false');
    else super.visitValue(node);
  }
}

/** A savepoint command with its name quoted (`savepoint "sp"`, `rollback to savepoint "sp"`, …). */
function savepointStatement(command: 'savepoint' | 'rollback to savepoint' | 'release savepoint', name: string): string {
  return `${command} "${name.replace(/"/g, '""')}"`;
}

/**
 * Kysely's savepoint methods of both our drivers: each runs as a statement through the
 * connection's executeQuery, so a driver that holds BEGIN back (pg-driver.ts) sends it first.
 */
export abstract class StatementSavepoints {
  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(savepointStatement('savepoint', name)));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(savepointStatement('rollback to savepoint', name)));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(savepointStatement('release savepoint', name)));
  }
}
