/**
 * Vitest global setup for the integration project. The test database, in order:
 * TEST_DATABASE_URL (or DATABASE_URL) → a Postgres container when a Docker engine answers →
 * embedded PGlite. A template database is migrated once; each test file clones its own.
 * Leftovers of earlier runs (killed runs included) are swept here, so they never break a run.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '@zhanqun/db/connect';
import { migrateToLatest } from '@zhanqun/db/migrator';
import { dockerAnswers, withDatabase, type TestBackend } from './backend.js';

declare module 'vitest' {
  export interface ProvidedContext {
    zqTestBackend: TestBackend;
  }
}

const PREFIX = 'zq_test_';
const STALE_MS = 2 * 60 * 60 * 1000;

async function sweep(adminUrl: string): Promise<void> {
  const admin = await openDatabase({ databaseUrl: adminUrl, poolSize: 1 });
  try {
    const { rows } = await sql<{ datname: string }>`select datname from pg_database where datname like ${`${PREFIX}%`}`.execute(admin.db);
    for (const { datname } of rows) {
      // Names carry their run's start time: zq_test_<epochMs>_<pid>_…
      const started = Number(datname.slice(PREFIX.length).split('_')[0]);
      if (Number.isFinite(started) && Date.now() - started < STALE_MS) continue;
      await sql.raw(`drop database if exists "${datname}" with (force)`).execute(admin.db);
    }
  } finally {
    await admin.close();
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const runId = `${Date.now()}_${process.pid}`;
  const forcePglite = process.env.ZQ_TEST_BACKEND === 'pglite';
  let url = forcePglite ? '' : process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || '';
  let stopContainer: (() => Promise<void>) | undefined;
  if (!url && !forcePglite && (await dockerAnswers())) {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer('postgres:15-alpine').start();
    url = container.getConnectionUri();
    stopContainer = async () => { await container.stop(); };
  }

  if (url) {
    await sweep(withDatabase(url, 'postgres'));
    const template = `${PREFIX}${runId}_tpl`;
    const admin = await openDatabase({ databaseUrl: withDatabase(url, 'postgres'), poolSize: 1 });
    await sql.raw(`create database "${template}"`).execute(admin.db);
    const tpl = await openDatabase({ databaseUrl: withDatabase(url, template), poolSize: 1 });
    await migrateToLatest(tpl.db);
    await tpl.close();
    project.provide('zqTestBackend', { kind: 'postgres', adminUrl: withDatabase(url, 'postgres'), template, runId, container: Boolean(stopContainer) });
    return async () => {
      const { rows } = await sql<{ datname: string }>`select datname from pg_database where datname like ${`${PREFIX}${runId}%`}`.execute(admin.db);
      for (const { datname } of rows) await sql.raw(`drop database if exists "${datname}" with (force)`).execute(admin.db);
      await admin.close();
      await stopContainer?.();
    };
  }

  const dir = mkdtempSync(join(tmpdir(), 'zq-pglite-'));
  const handle = await openDatabase({ pgliteDir: 'memory://' });
  await migrateToLatest(handle.db);
  const snapshot = await handle.pglite!.dumpDataDir('none');
  const snapshotPath = join(dir, 'migrated.tar');
  writeFileSync(snapshotPath, Buffer.from(await snapshot.arrayBuffer()));
  await handle.close();
  project.provide('zqTestBackend', { kind: 'pglite', snapshotPath, runId });
  return async () => rmSync(dir, { recursive: true, force: true });
}
