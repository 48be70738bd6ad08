import type { PGlite, Transaction as PGliteTransaction } from '@electric-sql/pglite';
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import { LiteralBooleanCompiler, StatementSavepoints } from './query-compiler.js';
import { CARRY_SCOPE, SCOPED_READ_SQL } from './scope.js';

/**
 * Kysely on the embedded PGlite. Written here because the adapters on npm are not fit
 * (STACK.md, pitfall 4): we serialise connection use, run each Kysely transaction inside
 * PGlite's own `transaction()` (so nothing else using the same PGlite instance can slip into
 * an open transaction and lose its writes on rollback), and send parameterless SQL — which
 * may hold several statements, as migrations do — through `exec()`.
 */
export class PGliteDialect implements Dialect {
  constructor(private readonly pglite: PGlite) {}
  createAdapter(): DialectAdapter {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return new PGliteDriver(this.pglite);
  }
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new PostgresIntrospector(db);
  }
  createQueryCompiler(): QueryCompiler {
    return new LiteralBooleanCompiler();
  }
}

/** A FIFO lock: one Kysely connection at a time owns the PGlite instance. */
class Mutex {
  #tail: Promise<void> = Promise.resolve();
  lock(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => (release = resolve));
    const acquired = this.#tail.then(() => release);
    this.#tail = this.#tail.then(() => next);
    return acquired;
  }
}

class PGliteDriver extends StatementSavepoints implements Driver {
  readonly #mutex = new Mutex();
  readonly #releases = new WeakMap<DatabaseConnection, () => void>();
  constructor(private readonly pglite: PGlite) {
    super();
  }

  async init(): Promise<void> {
    await this.pglite.waitReady;
  }
  async acquireConnection(): Promise<DatabaseConnection> {
    const release = await this.#mutex.lock();
    const connection = new PGliteConnection(this.pglite);
    this.#releases.set(connection, release);
    return connection;
  }
  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    await (connection as PGliteConnection).begin(settings);
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as PGliteConnection).finish('commit');
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as PGliteConnection).finish('rollback');
  }
  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    this.#releases.get(connection)?.();
    this.#releases.delete(connection);
  }
  async destroy(): Promise<void> {
    // The PGlite instance belongs to whoever opened it (see connect.ts), which closes it.
  }
}

const ROLLBACK = Symbol('rollback');

class PGliteConnection implements DatabaseConnection {
  /** The carried scope's settings (readInScope, scope.ts). */
  carried: readonly unknown[] | null = null;
  #tx: PGliteTransaction | undefined;
  #settle: ((outcome: 'commit' | 'rollback') => void) | undefined;
  #done: Promise<unknown> | undefined;

  constructor(private readonly pglite: PGlite) {}

  begin(settings: TransactionSettings): Promise<void> {
    if (this.carried) return Promise.reject(new Error('a connection carrying a scope (readInScope) cannot open a transaction'));
    return new Promise<void>((started, failed) => {
      let begun = false;
      this.#done = this.pglite
        .transaction(async (tx) => {
          this.#tx = tx;
          if (settings.isolationLevel || settings.accessMode) {
            const parts = [settings.isolationLevel && `isolation level ${settings.isolationLevel}`, settings.accessMode];
            await tx.query(`set transaction ${parts.filter(Boolean).join(' ')}`);
          }
          begun = true;
          started();
          const outcome = await new Promise<'commit' | 'rollback'>((resolve) => (this.#settle = resolve));
          if (outcome === 'rollback') throw ROLLBACK;
        })
        .catch((err: unknown) => {
          if (!begun) failed(err);
          if (err !== ROLLBACK) throw err;
        })
        .finally(() => {
          this.#tx = undefined;
          this.#settle = undefined;
        });
      // Errors of COMMIT surface from finish(); keep an unobserved rejection from crashing the process.
      this.#done.catch(() => undefined);
    });
  }

  async finish(outcome: 'commit' | 'rollback'): Promise<void> {
    const done = this.#done;
    this.#settle?.(outcome);
    this.#done = undefined;
    await done;
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    if (compiled.sql === CARRY_SCOPE) {
      if (this.#tx) throw new Error('a carried scope is for statements outside a transaction (readInScope)');
      this.carried = compiled.parameters;
      return { rows: [] };
    }
    const carried = this.carried;
    if (carried && !this.#tx) {
      // In-process, round trips cost little: the statement in a transaction of its own, under the scope.
      return this.pglite.transaction(async (tx) => {
        await tx.query(SCOPED_READ_SQL, carried as unknown[]);
        return this.#run<R>(tx, compiled);
      });
    }
    return this.#run<R>(this.#tx ?? this.pglite, compiled);
  }

  async #run<R>(target: PGlite | PGliteTransaction, compiled: CompiledQuery): Promise<QueryResult<R>> {
    if (compiled.parameters.length === 0) {
      const results = await target.exec(compiled.sql);
      const last = results[results.length - 1];
      return toQueryResult<R>(last?.rows ?? [], last?.affectedRows, last?.command);
    }
    const result = await target.query<R>(compiled.sql, compiled.parameters as unknown[]);
    return toQueryResult<R>(result.rows, result.affectedRows, result.command);
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('PGlite dialect: streaming queries are not supported');
  }
}

const AFFECTING = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

function toQueryResult<R>(rows: unknown[], affected: number | undefined, command: string | undefined): QueryResult<R> {
  const counts = command !== undefined && AFFECTING.has(command.toUpperCase());
  return {
    rows: rows as R[],
    ...(counts ? { numAffectedRows: BigInt(affected ?? 0) } : {}),
  };
}
