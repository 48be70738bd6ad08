/**
 * The Postgres driver for Kysely (issue 6, Speed): one place that owns the wire, so that a public
 * page costs one database round trip. Kysely's PostgresDialect keeps its adapter, introspector
 * and (ours) query compiler; the driver is this one, on a node-postgres Pool:
 *
 * - Parameterised statements run as named prepared statements: Postgres plans a text once per
 *   connection, not on every run (planning under row-level security took longer than executing).
 *   At most MAX_PER_CONNECTION a connection; past that, new texts run unnamed. Not for PgBouncer in
 *   transaction mode, which cannot keep a session's prepared statements.
 * - A transaction's BEGIN is held back until its first statement; when that is applyScope's
 *   (marked, parameterless), both go as one simple query: `begin; select set_config(…)`.
 * - A carried scope (readInScope, scope.ts): outside any transaction, every statement of the
 *   connection goes with the scope's settings as one pipeline — Bind/Execute of the scope
 *   statement, Bind/Describe/Execute of the statement, one Sync — which Postgres runs as one
 *   implicit transaction: settings, role and read-only mode hold for that statement and end with
 *   it. No BEGIN, no COMMIT, one write and one read. A named statement is described once per
 *   connection: its columns are kept with its name, and later runs skip the Describe.
 */
import { AbortedTransactionError, CompiledQuery, PostgresDialect, type DatabaseConnection, type Driver, type QueryCompiler, type QueryResult, type TransactionSettings } from 'kysely';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { prepareValue } from 'pg/lib/utils.js';
import { LiteralBooleanCompiler, StatementSavepoints } from './query-compiler.js';
import { CARRY_SCOPE, SCOPE_STATEMENT_MARK, SCOPED_READ_SQL } from './scope.js';

const MAX_PER_CONNECTION = 500;
const MAX_NAMES = 5_000;

/** Prepared statements' names by text: a short hash, made once per text. */
const names = new Map<string, string>();
function statementName(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `zq_${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`;
    if (names.size >= MAX_NAMES) names.clear();
    names.set(text, name);
  }
  return name;
}

/** What node-postgres's Connection offers a Submittable beyond its typings. */
interface WireConnection extends pg.Connection {
  parsedStatements: Record<string, string>;
}

/** How a statement's rows are made: from its columns' names and types (its RowDescription). */
interface RowShape { makeRow: RowMaker; parsers: ((v: string) => unknown)[] }

/** One connection's named statements, kept for its life in the pool, with their row shapes once described. */
type Prepared = Map<string, RowShape | null>;
const preparedOf = new WeakMap<pg.PoolClient, Prepared>();

class PgConnection implements DatabaseConnection {
  inTransaction = false;
  /** BEGIN is owed: it goes with (or just before) the transaction's first statement. */
  owesBegin = false;
  /** The carried scope's settings (readInScope), while the connection is lent out. */
  carried: readonly unknown[] | null = null;
  /** Its state on the server is unknown (a failed pipeline, a failed ROLLBACK): close it on release. */
  discard = false;

  constructor(readonly client: pg.PoolClient, private readonly prepared: Prepared) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (query.sql === CARRY_SCOPE) {
      if (this.inTransaction) throw new Error('a carried scope is for statements outside a transaction (readInScope)');
      this.carried = query.parameters;
      return { rows: [] };
    }
    if (this.owesBegin) {
      this.owesBegin = false;
      if (query.parameters.length === 0 && query.sql.startsWith(SCOPE_STATEMENT_MARK)) {
        // One simple query, two statements: its rows are not read (set_config's results).
        await this.run(`begin; ${query.sql}`, []);
        return { rows: [] };
      }
      await this.run('begin', []);
    }
    const result = this.carried && !this.inTransaction ? await this.scoped(query) : await this.run(query.sql, query.parameters);
    return toQueryResult<R>(result);
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming queries are not supported (no cursor)');
  }

  /** A statement on its own: named and prepared when it has parameters (and room is left). */
  run(text: string, parameters: readonly unknown[]): Promise<pg.QueryResult> {
    if (parameters.length === 0) return this.client.query(text);
    const name = this.nameFor(text);
    return this.client.query(name ? { name, text, values: [...parameters] } : { text, values: [...parameters] });
  }

  private nameFor(text: string): string | undefined {
    const name = statementName(text);
    if (this.prepared.has(name)) return name;
    if (this.prepared.size >= MAX_PER_CONNECTION) return undefined;
    this.prepared.set(name, null);
    return name;
  }

  private async scoped(query: CompiledQuery): Promise<pg.QueryResult> {
    const scopeName = this.nameFor(SCOPED_READ_SQL) ?? '';
    const name = query.parameters.length > 0 ? (this.nameFor(query.sql) ?? '') : '';
    const read = new ScopedRead({ name: scopeName, text: SCOPED_READ_SQL, values: this.carried! }, { name, text: query.sql, values: query.parameters }, this.prepared);
    this.client.query(read as never);
    try {
      return await read.done;
    } catch (err) {
      // Which of the pipeline's statements were prepared is unknown after an error: start afresh.
      this.discard = true;
      throw err;
    }
  }
}

interface Statement { name: string; text: string; values: readonly unknown[] }

type RowMaker = (fields: readonly (string | null)[], parsers: readonly ((v: string) => unknown)[]) => Record<string, unknown>;

/** Row makers by their column names (NUL-joined); a statement's columns are few and fixed, so this stays small. */
const rowMakers = new Map<string, RowMaker>();
const MAX_ROW_MAKERS = 2_000;

/**
 * A function that makes a row object from a DataRow's fields, with the columns written out as one
 * object literal (issue 6, Speed): every row of a statement then has one V8 shape, made in one
 * allocation. Setting `row[name]` column by column walked a chain of shapes per row and went
 * megamorphic (the article page's 23 columns: ~2 % of the main thread's time on an uncached page).
 * Names are written as JSON string literals; a name V8 would treat specially in a literal
 * (`__proto__`) or a repeated one (the last wins, as with assignment) takes the plain loop.
 */
export function rowMaker(names: readonly string[]): RowMaker {
  const key = names.join('\u0000');
  let make = rowMakers.get(key);
  if (make) return make;
  if (names.includes('__proto__') || new Set(names).size !== names.length) {
    make = (fields, parsers) => {
      const row: Record<string, unknown> = {};
      for (let i = 0; i < fields.length; i++) {
        const raw = fields[i];
        Object.defineProperty(row, names[i]!, { value: raw === null || raw === undefined ? null : parsers[i]!(raw), enumerable: true, writable: true, configurable: true });
      }
      return row;
    };
  } else {
    const body = names.map((name, i) => `${JSON.stringify(name)}: f[${i}] == null ? null : p[${i}](f[${i}])`).join(',\n');
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the names are escaped as JSON string literals
    make = new Function('f', 'p', `return {\n${body}\n};`) as RowMaker;
  }
  if (rowMakers.size >= MAX_ROW_MAKERS) rowMakers.clear();
  rowMakers.set(key, make);
  return make;
}

/**
 * A pg Submittable: a statement behind the scope statement, one Sync. The scope statement's row
 * (set_config's results) is not described and not kept. A named statement not yet parsed on this
 * connection is parsed in the same pipeline and recorded where node-postgres looks for it; one
 * whose rows were described before on this connection is not described again (its row shape is
 * kept in `prepared`: on the uncached article page, parsing the 23-column RowDescription and
 * building its row maker was ~8 % of the query's CPU in Node).
 */
class ScopedRead {
  readonly done: Promise<pg.QueryResult>;
  #resolve!: (r: pg.QueryResult) => void;
  #reject!: (e: Error) => void;
  #phase: 0 | 1 = 0;
  #makeRow: RowMaker | null = null;
  #parsers: ((v: string) => unknown)[] = [];
  #rows: Record<string, unknown>[] = [];
  #command = '';
  #rowCount: number | null = null;
  #parsed: Statement[] = [];
  #connection: WireConnection | undefined;

  constructor(private readonly scope: Statement, private readonly statement: Statement, private readonly prepared: Prepared) {
    this.done = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  submit(connection: WireConnection): Error | undefined {
    let values: unknown[][];
    try {
      // Mapped before anything is written: a value that cannot be sent fails here, not mid-pipeline.
      values = [this.scope, this.statement].map((s) => s.values.map((v) => prepareValue(v)));
    } catch (err) {
      return err as Error;
    }
    this.#connection = connection;
    connection.stream.cork?.();
    try {
      [this.scope, this.statement].forEach((s, i) => {
        if (!s.name || connection.parsedStatements[s.name] === undefined) {
          connection.parse({ text: s.text, name: s.name, types: [] } as never, false);
          if (s.name) this.#parsed.push(s);
        }
        connection.bind({ portal: '', statement: s.name, values: values[i] } as never, false);
        if (i === 1) {
          const shape = s.name ? this.prepared.get(s.name) : null;
          if (shape) {
            this.#makeRow = shape.makeRow;
            this.#parsers = shape.parsers;
          } else {
            connection.describe({ type: 'P', name: '' }, false);
          }
        }
        connection.execute({ portal: '', rows: 0 } as never, false);
      });
      connection.sync();
    } finally {
      connection.stream.uncork?.();
    }
    return undefined;
  }

  handleRowDescription(msg: { fields: pg.FieldDef[] }): void {
    this.#makeRow = rowMaker(msg.fields.map((f) => f.name));
    this.#parsers = msg.fields.map((f) => pg.types.getTypeParser(f.dataTypeID, (f.format as 'text') ?? 'text') as (v: string) => unknown);
    // Kept only for a name this connection holds (a failed pipeline discards the connection, and its shapes with it).
    if (this.statement.name && this.prepared.has(this.statement.name)) this.prepared.set(this.statement.name, { makeRow: this.#makeRow, parsers: this.#parsers });
  }

  handleDataRow(msg: { fields: (string | null)[] }): void {
    if (this.#phase === 0) return; // set_config's results
    this.#rows.push(this.#makeRow!(msg.fields, this.#parsers));
  }

  handleCommandComplete(msg: { text: string }): void {
    if (this.#phase === 0) {
      this.#phase = 1;
      return;
    }
    // "SELECT 20", "INSERT 0 1", "UPDATE 3": the command and its count.
    const words = msg.text.split(' ');
    this.#command = words[0]!;
    const count = Number(words[words.length - 1]);
    this.#rowCount = Number.isFinite(count) ? count : null;
  }

  handleEmptyQuery(): void {}

  handleError(err: Error): void {
    // node-postgres drops the active query on an error; the ReadyForQuery after it is its own.
    this.#reject(err);
  }

  handleReadyForQuery(): void {
    for (const s of this.#parsed) this.#connection!.parsedStatements[s.name] = s.text;
    this.#resolve({ command: this.#command, rowCount: this.#rowCount, rows: this.#rows, fields: [], oid: 0 } as pg.QueryResult);
  }

  handlePortalSuspended(): void {}

  handleCopyInResponse(connection: pg.Connection & { sendCopyFail(msg: string): void }): void {
    connection.sendCopyFail('COPY is not supported in a scoped read');
  }

  handleCopyData(): void {}
}

const AFFECTING = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

function toQueryResult<R>(result: pg.QueryResult): QueryResult<R> {
  const { command, rowCount, rows } = result;
  if (command === 'ROLLBACK' || command === 'COMMIT') return { rows: [{ command }] as R[] };
  return { ...(AFFECTING.has(command) ? { numAffectedRows: BigInt(rowCount ?? 0) } : {}), rows: (rows ?? []) as R[] };
}

// Savepoints run through executeQuery (StatementSavepoints), so an owed BEGIN goes first.
class PgDriver extends StatementSavepoints implements Driver {
  constructor(private readonly pool: pg.Pool) {
    super();
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    const client = await this.pool.connect();
    let prepared = preparedOf.get(client);
    if (!prepared) preparedOf.set(client, (prepared = new Map()));
    return new PgConnection(client, prepared);
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const c = connection as PgConnection;
    if (c.carried) throw new Error('a connection carrying a scope (readInScope) cannot open a transaction');
    c.inTransaction = true;
    if (settings.isolationLevel || settings.accessMode) {
      const parts = ['start transaction', settings.isolationLevel && `isolation level ${settings.isolationLevel}`, settings.accessMode];
      await c.run(parts.filter(Boolean).join(' '), []);
      return;
    }
    c.owesBegin = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const c = connection as PgConnection;
    c.inTransaction = false;
    if (c.owesBegin) {
      c.owesBegin = false; // nothing ran: nothing to commit
      return;
    }
    // Postgres completes COMMIT with a ROLLBACK tag when an earlier error left the transaction aborted.
    if ((await c.run('commit', [])).command === 'ROLLBACK') throw new AbortedTransactionError();
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const c = connection as PgConnection;
    c.inTransaction = false;
    if (c.owesBegin) {
      c.owesBegin = false;
      return;
    }
    try {
      await c.run('rollback', []);
    } catch (err) {
      c.discard = true;
      throw err;
    }
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const c = connection as PgConnection;
    c.carried = null;
    c.owesBegin = false;
    c.inTransaction = false;
    // A destroyed client's statements die with its connection.
    if (c.discard) preparedOf.delete(c.client);
    c.client.release(c.discard);
  }

  async destroy(): Promise<void> {
    await this.pool.end();
  }
}

/** Kysely's PostgresDialect on this driver and with booleans as literals (query-compiler.ts). */
export class ZhanqunPostgresDialect extends PostgresDialect {
  constructor(private readonly pgPool: pg.Pool) {
    super({ pool: pgPool });
  }

  override createDriver(): Driver {
    return new PgDriver(this.pgPool);
  }

  override createQueryCompiler(): QueryCompiler {
    return new LiteralBooleanCompiler();
  }
}
