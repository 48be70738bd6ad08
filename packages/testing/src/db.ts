import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { inject } from 'vitest';
import { openDatabase, type DbHandle, type OpenOptions } from '@zhanqun/db/connect';
import { withDatabase, type TestBackend } from './backend.js';

export interface TestDatabase extends DbHandle {
  backend: TestBackend['kind'];
  /** A URL for child processes (Postgres only). */
  url: string | null;
  /** Close and drop the database. */
  destroy(): Promise<void>;
}

let counter = 0;

/**
 * A fresh, migrated database of its own for a test file: cloned from the run's template on
 * Postgres, or a new PGlite instance from the migrated snapshot.
 */
export async function createTestDatabase(opts: Pick<OpenOptions, 'onStatement'> = {}): Promise<TestDatabase> {
  const backend = inject('zqTestBackend');
  if (backend.kind === 'pglite') {
    const bytes = readFileSync(backend.snapshotPath);
    const handle = await openDatabase({ pgliteDir: 'memory://', pgliteSnapshot: new Blob([bytes]), ...opts });
    return { ...handle, backend: 'pglite', url: null, destroy: () => handle.close() };
  }
  const name = `zq_test_${backend.runId}_${process.pid}_${++counter}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = await openDatabase({ databaseUrl: backend.adminUrl, poolSize: 1 });
  try {
    await sql.raw(`create database "${name}" template "${backend.template}"`).execute(admin.db);
  } finally {
    await admin.close();
  }
  const url = withDatabase(backend.adminUrl, name);
  const handle = await openDatabase({ databaseUrl: url, poolSize: 5, ...opts });
  return {
    ...handle,
    backend: 'postgres',
    url,
    async destroy() {
      await handle.close();
      const again = await openDatabase({ databaseUrl: backend.adminUrl, poolSize: 1 });
      try {
        await sql.raw(`drop database if exists "${name}" with (force)`).execute(again.db);
      } finally {
        await again.close();
      }
    },
  };
}
