import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('config', () => {
  it('should default to the embedded database with the demo seed', () => {
    const c = loadConfig({}, '/srv/zq');
    expect(c).toMatchObject({ port: 3000, databaseUrl: undefined, dataDir: '/srv/zq/data', pgliteDir: '/srv/zq/data/pglite', adminHost: 'admin.localhost', seedDemo: true });
  });

  it('should not seed by default on a real Postgres', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/zq' }).seedDemo).toBe(false);
  });

  it.each([
    [{ PORT: 'abc' }, /^PORT must be an integer from 0 to 65535 \(got "abc"\)$/],
    [{ PORT: '70000' }, /^PORT /],
    [{ DATABASE_URL: 'mysql://root@db/zq' }, /^DATABASE_URL must start with postgres:\/\//],
    [{ DATABASE_URL: 'not a url' }, /^DATABASE_URL must be a URL/],
    [{ ADMIN_HOST: 'http://admin.example.cn' }, /^ADMIN_HOST must be a host name/],
    [{ SEED_DEMO: 'maybe' }, /^SEED_DEMO must be 1 or 0/],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL must be one of/],
    [{ DATABASE_POOL_SIZE: '0' }, /^DATABASE_POOL_SIZE /],
  ])('should name the variable and what it should be: %o', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('should never print a database password', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://root:s3cret@db/zq' })).toThrow(/root:\*\*\*@db/);
  });
});
