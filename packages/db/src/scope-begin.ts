/**
 * A transaction's first two round trips made one (issue 6, Speed: an uncached public page is a
 * handful of round trips, and BEGIN was one of them). Kysely's Postgres driver sends BEGIN on its
 * own; this driver holds it back until the transaction's first statement. When that statement is
 * applyScope's (scope.ts: marked, parameterless, its values checked), both go as one simple query
 * — `begin; select set_config(…)` — else BEGIN goes first, as before. Isolation levels and access
 * modes are left to the inner driver. PGlite keeps its own dialect (pglite-dialect.ts).
 */
import { CompiledQuery, PostgresDialect, type DatabaseConnection, type Driver, type QueryCompiler, type QueryResult, type TransactionSettings } from 'kysely';
import { LiteralBooleanCompiler } from './query-compiler.js';

/** The first words of applyScope's statement when it may travel with BEGIN. */
export const SCOPE_STATEMENT_MARK = '/* zhanqun:scope */';

class HeldBeginConnection implements DatabaseConnection {
  /** BEGIN is owed: it goes with (or just before) the next statement. */
  owesBegin = false;
  constructor(readonly raw: DatabaseConnection) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.owesBegin) {
      this.owesBegin = false;
      if (query.parameters.length === 0 && query.sql.startsWith(SCOPE_STATEMENT_MARK)) {
        // One simple query, two statements: its rows are not read (set_config's results).
        await this.raw.executeQuery(CompiledQuery.raw(`begin; ${query.sql}`));
        return { rows: [] };
      }
      await this.raw.executeQuery(CompiledQuery.raw('begin'));
    }
    return this.raw.executeQuery<R>(query);
  }

  async *streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    if (this.owesBegin) {
      this.owesBegin = false;
      await this.raw.executeQuery(CompiledQuery.raw('begin'));
    }
    yield* this.raw.streamQuery<R>(query, chunkSize);
  }
}

class HeldBeginDriver implements Driver {
  constructor(private readonly inner: Driver) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new HeldBeginConnection(await this.inner.acquireConnection());
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const c = connection as HeldBeginConnection;
    if (settings.isolationLevel || settings.accessMode) return this.inner.beginTransaction(c.raw, settings);
    c.owesBegin = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const c = connection as HeldBeginConnection;
    if (c.owesBegin) {
      c.owesBegin = false; // nothing ran: nothing to commit
      return;
    }
    return this.inner.commitTransaction(c.raw);
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const c = connection as HeldBeginConnection;
    if (c.owesBegin) {
      c.owesBegin = false;
      return;
    }
    return this.inner.rollbackTransaction(c.raw);
  }

  // Savepoints run through the held connection, so an owed BEGIN goes first.
  savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return this.inner.savepoint!(connection, name, compile);
  }

  rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return this.inner.rollbackToSavepoint!(connection, name, compile);
  }

  releaseSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return this.inner.releaseSavepoint!(connection, name, compile);
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    const c = connection as HeldBeginConnection;
    c.owesBegin = false;
    return this.inner.releaseConnection(c.raw);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

/** Kysely's PostgresDialect with BEGIN held back until the transaction's first statement. */
export class ScopedPostgresDialect extends PostgresDialect {
  override createDriver(): Driver {
    return new HeldBeginDriver(super.createDriver());
  }

  override createQueryCompiler(): QueryCompiler {
    return new LiteralBooleanCompiler();
  }
}
