/**
 * The process: read config, open the database (migrating the embedded one on first start),
 * seed the demo province when asked, listen, and close cleanly on SIGTERM/SIGINT. The only
 * file that calls listen().
 */
// First: V8's settings before anything else is loaded (v8-heap.ts).
import './v8-heap.js';
import { createServer } from 'node:net';
import { sql } from 'kysely';
import { systemClock } from '@zhanqun/core/clock';
import { isCodedError } from '@zhanqun/core/errors';
import { openDatabase, type DbHandle, type DbLogger } from '@zhanqun/db/connect';
import { migrateToLatest } from '@zhanqun/db/migrator';
import { seedDemoProvince } from '@zhanqun/demo/demo-province';
import { totpUri } from '@zhanqun/identity/totp';
import { anchorChains } from '@zhanqun/audit/audit.anchor';
import { buildApp, loggerOptions } from './app.js';
import { startJobs, type Jobs } from './jobs/scheduler.js';
import { ConfigError, loadConfig, redactUrl, type Config } from './config.js';

const ANCHOR_EVERY_MS = 10 * 60 * 1000;

function fail(message: string): never {
  process.stderr.write(`zhanqun: ${message}\n`);
  process.exit(1);
}

/** Database errors and slow queries go to the app's log once it exists. */
const dbLog: { target: DbLogger | null } & DbLogger = {
  target: null,
  warn(obj, msg) { this.target?.warn(obj, msg); },
  error(obj, msg) { this.target?.error(obj, msg); },
};

async function open(config: Config): Promise<DbHandle> {
  try {
    const handle = await openDatabase({
      databaseUrl: config.databaseUrl, poolSize: config.databasePoolSize, pgliteDir: config.pgliteDir, logger: dbLog,
    });
    await sql`select 1`.execute(handle.db);
    return handle;
  } catch (err) {
    if (isCodedError(err) && err.code === 'ZQ_DB_PGLITE_LOCKED') fail(err.message);
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    if (config.databaseUrl) fail(`cannot connect to the database at ${redactUrl(config.databaseUrl)} (DATABASE_URL): ${reason}`);
    fail(`cannot open the embedded database in ${config.pgliteDir} (PGLITE_DIR): ${reason}`);
  }
}

function listenFailure(config: Config, err: unknown): string | null {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return `port ${config.port} is already in use (PORT): stop the other process or set PORT to a free port`;
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') return `cannot listen on ${config.host} (HOST): no such local address`;
  if (code === 'EACCES') return `not allowed to listen on port ${config.port} (PORT): choose a port above 1023`;
  return null;
}

async function assertPortFree(config: Config): Promise<void> {
  if (config.port === 0) return;
  await new Promise<void>((resolve) => {
    const probe = createServer();
    probe.once('error', (err) => {
      const message = listenFailure(config, err);
      if (message) fail(message);
      resolve(); // anything else: let the real listen() report it
    });
    probe.listen({ port: config.port, host: config.host, exclusive: true }, () => probe.close(() => resolve()));
  });
}

async function main(): Promise<void> {
  const started = performance.now();
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) fail(`invalid setting: ${err.message}`);
    throw err;
  }
  // Find a taken port before the database is opened, migrated and seeded, not after.
  await assertPortFree(config);
  const handle = await open(config);
  const clock = systemClock;
  const app = await buildApp({ config, dbHandle: handle, clock, logger: loggerOptions(config) });
  const log = app.log;
  dbLog.target = log;
  if (handle.tookOverLockFrom) log.warn({ stalePid: handle.tookOverLockFrom }, `took over the embedded database lock left by process ${handle.tookOverLockFrom}, which is gone`);

  if (config.production) {
    const su = await sql<{ rolsuper: boolean }>`select rolsuper from pg_roles where rolname = current_user`.execute(handle.db);
    if (handle.kind === 'postgres' && su.rows[0]?.rolsuper) fail('refusing to run as a database superuser in production: connect as the schema owner (DATABASE_URL)');
  }
  if (handle.kind === 'pglite' || process.env.MIGRATE_ON_START === '1') {
    const result = await migrateToLatest(handle.db);
    const applied = result.results?.filter((r) => r.status === 'Success').map((r) => r.migrationName) ?? [];
    if (applied.length) log.info({ applied }, `applied ${applied.length} migration(s)`);
  }
  let seeded: Awaited<ReturnType<typeof seedDemoProvince>> | null = null;
  if (config.seedDemo) {
    seeded = await seedDemoProvince(handle.db, clock, {
      devDomain: config.devDomain, adminHost: config.adminHost,
      onProgress: (m) => log.info(m),
    });
  }

  // Copy audit chain heads out of the trail periodically (and at shutdown), so a truncated
  // tail is detected even if the head row is rewound (DESIGN.md, Who did it).
  const anchor = () => anchorChains(handle.db, clock).catch((err: unknown) => log.error({ err }, 'audit anchoring failed'));
  const anchorTimer = setInterval(() => {
    void anchor();
    // Cache hits write no log line of their own: their count is reported here instead.
    log.info({ pageCache: app.pageCache.snapshot() }, 'page cache');
  }, ANCHOR_EVERY_MS);
  anchorTimer.unref();

  // The job queue starts once the server listens: readiness does not wait for it, and its
  // failure leaves the sites up (logged: scheduled publishing waits for a restart).
  let jobs: Promise<Jobs | undefined> = Promise.resolve(undefined);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    try {
      clearInterval(anchorTimer);
      await (await jobs)?.stop();
      await app.close();
      await anchor();
      await handle.close();
      process.exit(0);
    } catch (err) {
      log.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    await handle.close();
    const message = listenFailure(config, err);
    if (message) fail(message);
    throw err;
  }
  jobs = startJobs({ db: handle.db, clock, logger: log }).catch((err: unknown) => {
    log.error({ err }, 'the job queue did not start: scheduled publishing is off until the next start');
    return undefined;
  });
  const port = (app.server.address() as { port: number } | null)?.port ?? config.port;
  // One line each, so the addresses stay readable in JSON logs too.
  log.info(`zhanqun ready in ${Math.round(performance.now() - started)} ms (${handle.kind === 'pglite' ? `embedded database ${config.pgliteDir}` : 'PostgreSQL'})`);
  log.info(`console 管理后台: http://${config.adminHost}:${port}/login`);
  if (seeded) {
    for (const s of seeded.sites) log.info(`demo site 演示站点: http://${s.host}:${port}${s.prefix}  ${s.name}`);
    for (const a of seeded.accounts) log.info(`demo login 演示账号: ${a.username} / ${a.password}  ${a.role}  ${a.scope}`);
    if (seeded.adminTotpKey && handle.kind === 'pglite') {
      // Only on the embedded demo database: the admin's second factor, for an authenticator app.
      log.info(`demo admin TOTP key 动态口令密钥: ${seeded.adminTotpKey} — current code 当前口令: npm run -s zhanqun -- totp code ${seeded.adminTotpKey}  (${totpUri('zhanqun-demo', 'admin', seeded.adminTotpKey)})`);
    }
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`zhanqun: failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
