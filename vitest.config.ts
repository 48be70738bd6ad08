import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources (what the `@zhanqun/source` export
// condition says for tsx and tsc), so tests never need a build. An alias rather than the
// condition, because vitest loads global setup files without custom conditions.
const packages = fileURLToPath(new URL('./packages/', import.meta.url));

// The second CI pass on PGlite runs the database tests only: the packages' services and
// repositories (every query), the job queue, and the server's public pages and page cache
// (LISTEN/NOTIFY). Left out: tests that spawn processes, drive the browser, sweep the route
// table, or drive the console and API over those same services; they ran on Postgres (.ci/run).
const notDatabaseSpecific = process.env.ZQ_TEST_SUBSET === 'database'
  ? ['**/process.int.test.ts', '**/sanitize.int.test.ts', '**/*.browser.int.test.ts', '**/cli.int.test.ts',
    'apps/server/test/!(app|page-cache).int.test.ts']
  : [];

export default defineConfig({
  resolve: {
    alias: [{ find: /^@zhanqun\/([a-z-]+)\/(.+)$/, replacement: `${packages}$1/src/$2.ts` }],
  },
  test: {
    env: { TZ: 'UTC' },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'apps/*/{src,test}/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**', '**/dist/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['packages/*/src/**/*.int.test.ts', 'apps/*/{src,test}/**/*.int.test.ts'],
          exclude: ['**/node_modules/**', '**/dist/**', ...notDatabaseSpecific],
          globalSetup: ['packages/testing/src/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
