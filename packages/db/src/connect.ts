import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, type LogEvent } from 'kysely';
import pg from 'pg';
import type { Database } from './database.js';
import { acquireDirLock, type DirLock } from './pglite-lock.js';
import { PGliteDialect } from './pglite-dialect.js';
import { ZhanqunPostgresDialect } from './pg-driver.js';

export type DbKind = 'postgres' | 'pglite';

export interface DbLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface DbHandle {
  db: Kysely<Database>;
  kind: DbKind;
  /** The embedded instance, when kind is pglite (for dumps in tests). */
  pglite?: PGlite;
  /** Set when a stale PGlite lock of a dead process was taken over. */
  tookOverLockFrom?: number | null;
  /**
   * LISTEN on a channel: `onPayload` gets each NOTIFY's payload (delivered at the sender's
   * commit, from any connection or instance). Returns a function that stops listening.
   */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** The channel the database's triggers notify when a site's public pages change (migration 090300). */
export const SITE_CHANGED = 'zhanqun_site_changed';

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * A dedicated pg connection for LISTEN (a pooled one would be handed to other queries). It
 * reconnects after a drop, re-issuing LISTEN; notifications sent while it was down are lost, so
 * the caller then gets the payload `*` ("anything may have changed") and drops what it cached.
 */
function pgListener(connectionString: string, logger: DbLogger | undefined) {
  return async (channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>> => {
    if (!CHANNEL.test(channel)) throw new Error(`bad channel name ${channel}`);
    let client: pg.Client | undefined;
    let stopped = false;
    const connect = async (): Promise<void> => {
      const c = new pg.Client({ connectionString });
      c.on('notification', (n) => { if (n.channel === channel) onPayload(n.payload ?? ''); });
      c.on('error', (err) => {
        logger?.warn({ err }, `LISTEN ${channel}: connection lost, reconnecting`);
        void c.end().catch(() => {});
        if (!stopped) setTimeout(() => void connect().then(() => onPayload('*')).catch(() => {}), 1000).unref();
      });
      await c.connect();
      await c.query(`LISTEN ${channel}`);
      client = c;
    };
    await connect();
    return async () => {
      stopped = true;
      await client?.end().catch(() => {});
    };
  };
}

export interface OpenOptions {
  /** postgres:// URL; when absent the embedded PGlite is used. */
  databaseUrl?: string | undefined;
  poolSize?: number;
  /** PGlite data directory; `memory://` or undefined for an in-memory instance. */
  pgliteDir?: string | undefined;
  /** A dumped data directory to start an in-memory PGlite from (tests). */
  pgliteSnapshot?: Blob;
  logger?: DbLogger;
  slowQueryMs?: number;
  /** Called with every statement's SQL as it completes (tests count the statements a page costs). */
  onStatement?: (sql: string) => void;
}

// Types parsed the same way on both drivers (STACK.md, pitfall 5): int8 and numeric-free counts
// as numbers, `date` as the string it is (成文日期 must not shift by a time zone).
const INT8 = 20;
const DATE = 1082;
pg.types.setTypeParser(INT8, (v: string) => Number(v));
pg.types.setTypeParser(DATE, (v: string) => v);

function kyselyLog(logger: DbLogger | undefined, slowMs: number, onStatement: ((sql: string) => void) | undefined) {
  if (!logger && !onStatement) return undefined;
  // Errors and slow queries only, never with their parameters (they may hold personal data).
  return (event: LogEvent) => {
    onStatement?.(event.query.sql);
    if (!logger) return;
    const durationMs = Math.round(event.queryDurationMillis);
    if (event.level === 'error') {
      logger.error({ sql: event.query.sql, durationMs, err: event.error }, 'query failed');
    } else if (durationMs >= slowMs) {
      logger.warn({ sql: event.query.sql, durationMs }, 'slow query');
    }
  };
}

/** Open the database: a pg Pool for DATABASE_URL, otherwise the embedded PGlite. */
export async function openDatabase(opts: OpenOptions): Promise<DbHandle> {
  const log = kyselyLog(opts.logger, opts.slowQueryMs ?? 500, opts.onStatement);
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 10 });
    // An idle client's error (server restart) must not crash the process; the next query reconnects.
    pool.on('error', (err) => opts.logger?.error({ err }, 'idle database client failed'));
    const db = new Kysely<Database>({ dialect: new ZhanqunPostgresDialect(pool), ...(log ? { log } : {}) });
    const listeners: (() => Promise<void>)[] = [];
    const listen = pgListener(opts.databaseUrl, opts.logger);
    return {
      db, kind: 'postgres',
      async listen(channel, onPayload) {
        const stop = await listen(channel, onPayload);
        listeners.push(stop);
        return stop;
      },
      async close() {
        await Promise.all(listeners.map((stop) => stop()));
        await db.destroy();
      },
    };
  }

  let lock: DirLock | undefined;
  let dataDir: string | undefined;
  if (opts.pgliteDir && opts.pgliteDir !== 'memory://') {
    dataDir = resolve(opts.pgliteDir);
    mkdirSync(dirname(dataDir), { recursive: true });
    lock = acquireDirLock(dataDir);
  }
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({
      ...(dataDir ? { dataDir } : {}),
      ...(opts.pgliteSnapshot ? { loadDataDir: opts.pgliteSnapshot } : {}),
      parsers: { [INT8]: (v: string) => Number(v), [DATE]: (v: string) => v },
    });
  } catch (err) {
    lock?.release();
    throw err;
  }
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite), ...(log ? { log } : {}) });
  return {
    db,
    kind: 'pglite',
    pglite,
    tookOverLockFrom: lock?.tookOverFrom ?? null,
    // PGlite delivers NOTIFYs of its own transactions to its listeners (one process owns it).
    async listen(channel, onPayload) {
      if (!CHANNEL.test(channel)) throw new Error(`bad channel name ${channel}`);
      return pglite.listen(channel, onPayload);
    },
    async close() {
      await db.destroy();
      await pglite.close();
      lock?.release();
    },
  };
}
