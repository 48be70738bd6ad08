/**
 * The process: read config, open the database (migrating the embedded one on first start),
 * seed the demo province when asked, listen, and close cleanly on SIGTERM/SIGINT. The only
 * file that calls listen().
 */
import { sql } from 'kysely';
import { systemClock } from '@zhanqun/core/clock';
import { isCodedError } from '@zhanqun/core/errors';
import { openDatabase, type DbHandle } from '@zhanqun/db/connect';
import { migrateToLatest } from '@zhanqun/db/migrator';
import { seedDemoProvince } from '@zhanqun/demo/demo-province';
import { buildApp, loggerOptions } from './app.js';
import { ConfigError, loadConfig, redactUrl, type Config } from './config.js';

function fail(message: string): never {
  process.stderr.write(`zhanqun: ${message}\n`);
  process.exit(1);
}

async function open(config: Config): Promise<DbHandle> {
  try {
    const handle = await openDatabase({
      databaseUrl: config.databaseUrl, poolSize: config.databasePoolSize, pgliteDir: config.pgliteDir,
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

async function main(): Promise<void> {
  const started = performance.now();
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) fail(`invalid setting: ${err.message}`);
    throw err;
  }
  const handle = await open(config);
  const clock = systemClock;
  const app = await buildApp({ config, dbHandle: handle, clock, logger: loggerOptions(config) });
  const log = app.log;
  if (handle.tookOverLockFrom) log.warn({ pid: handle.tookOverLockFrom }, `took over the embedded database lock left by process ${handle.tookOverLockFrom}, which is gone`);

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

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    try {
      await app.close();
      await handle.close();
    } finally {
      process.exit(0);
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    await handle.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') fail(`port ${config.port} is already in use (PORT): stop the other process or set PORT to a free port`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') fail(`cannot listen on ${config.host} (HOST): no such local address`);
    if (code === 'EACCES') fail(`not allowed to listen on port ${config.port} (PORT): choose a port above 1023`);
    throw err;
  }
  const port = (app.server.address() as { port: number } | null)?.port ?? config.port;
  const lines = [`zhanqun ready in ${Math.round(performance.now() - started)} ms (${handle.kind === 'pglite' ? `embedded database ${config.pgliteDir}` : 'PostgreSQL'})`];
  lines.push(`  console: http://${config.adminHost}:${port}/login`);
  if (seeded) {
    lines.push('  demo sites:');
    for (const s of seeded.sites) lines.push(`    ${s.name.padEnd(18, '　')} http://${s.host}:${port}${s.prefix}`);
    if (seeded.admin) lines.push(`  demo login: ${seeded.admin.username} / ${seeded.admin.password}  (platform admin)`);
  }
  log.info(lines.join('\n'));
}

main().catch((err: unknown) => {
  process.stderr.write(`zhanqun: failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
