import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { ManualClock } from '@zhanqun/core/clock';
import { totpCode } from '@zhanqun/identity/totp';
import { createTestDatabase, type TestDatabase } from '@zhanqun/testing/db';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';

export interface TestApp {
  app: FastifyInstance;
  t: TestDatabase;
  clock: ManualClock;
  close(): Promise<void>;
}

/** The real app on a database of its own; requests go through inject(), never a port. */
export async function build(env: Record<string, string> = {}, opts: { onStatement?: (sql: string) => void; logger?: FastifyServerOptions['logger'] } = {}): Promise<TestApp> {
  const t = await createTestDatabase(opts);
  const clock = new ManualClock('2026-11-27T02:00:00Z');
  // Uploaded files go to a directory of the test's own, never under the repository's ./data.
  const blobDir = mkdtempSync(join(tmpdir(), 'zq-blobs-'));
  // The page cache and the site directory learn of changes through NOTIFY, which arrives a moment
  // after a commit: tests that read a page right after changing it turn them off; their own tests turn them on.
  const config = loadConfig({ SEED_DEMO: '0', BLOB_DIR: blobDir, PAGE_CACHE_MB: '0', SITE_CACHE: '0', ...env });
  const app = await buildApp({ config, dbHandle: t, clock, logger: opts.logger ?? false });
  await app.ready();
  return {
    app, t, clock,
    async close() {
      await app.close();
      await t.destroy();
      rmSync(blobDir, { recursive: true, force: true });
    },
  };
}

/** Sign in through the login form (CSRF token and all); returns the cookies to send. */
export async function loginAs(app: FastifyInstance, username: string, password: string): Promise<Record<string, string>> {
  const form = await app.inject({ method: 'GET', url: '/login', headers: { host: 'admin.localhost' } });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
  const cookies: Record<string, string> = Object.fromEntries(form.cookies.map((c) => [c.name, c.value]));
  const res = await app.inject({
    method: 'POST', url: '/login', headers: { host: 'admin.localhost', 'content-type': 'application/x-www-form-urlencoded' }, cookies,
    payload: new URLSearchParams({ _csrf: csrf, username, password }).toString(),
  });
  if (res.statusCode !== 303) throw new Error(`login failed: ${res.statusCode} ${res.body.slice(0, 200)}`);
  for (const c of res.cookies) cookies[c.name] = c.value;
  if (res.headers.location !== '/login/totp') return cookies;
  // Second factor: read the key the way an authenticator app holds it, and answer with its code.
  const step = await app.inject({ method: 'GET', url: '/login/totp', headers: { host: 'admin.localhost' }, cookies });
  const stepCsrf = /name="_csrf" value="([^"]+)"/.exec(step.body)?.[1] ?? '';
  for (const c of step.cookies) cookies[c.name] = c.value;
  const user = await app.db.selectFrom('app_user').select(['totp_key', 'totp_last_step']).where('username', '=', username).executeTakeFirstOrThrow();
  // A TOTP code is good once; tests sign in repeatedly at one instant, so move the manual clock
  // past the last step used, as a person would wait for the next code.
  const nowStep = Math.floor(app.clock.now().getTime() / 30_000);
  if (user.totp_last_step !== null && user.totp_last_step >= nowStep && app.clock instanceof ManualClock) {
    app.clock.advance((user.totp_last_step - nowStep + 1) * 30_000);
  }
  const done = await app.inject({
    method: 'POST', url: '/login/totp', headers: { host: 'admin.localhost', 'content-type': 'application/x-www-form-urlencoded' }, cookies,
    payload: new URLSearchParams({ _csrf: stepCsrf, code: totpCode(user.totp_key!, app.clock.now()) }).toString(),
  });
  if (done.statusCode !== 303 && done.statusCode !== 200) throw new Error(`second factor failed: ${done.statusCode} ${done.body.slice(0, 200)}`);
  for (const c of done.cookies) cookies[c.name] = c.value;
  return cookies;
}
