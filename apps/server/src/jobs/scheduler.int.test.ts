// The scheduler through the real queue: pg-boss on the test database (Postgres, or PGlite in the
// embedded run), a cron kept in the database, jobs taken by a worker. The test moves the clock
// instead of waiting for minutes, and "restarts" by stopping the queue and starting a new one.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceContext } from '@zhanqun/audit/context';
import type { ManualClock } from '@zhanqun/core/clock';
import { newId } from '@zhanqun/core/id';
import { inScope } from '@zhanqun/db/scope';
import { createDraft } from '@zhanqun/content/article.service';
import { twoSites } from '@zhanqun/content/content.fixture';
import { publishApproved } from '@zhanqun/content/publishing.service';
import { approveTask, submitForReview } from '@zhanqun/content/workflow.service';
import { createTestDatabase, type TestDatabase } from '@zhanqun/testing/db';
import { startJobs, type Jobs } from './scheduler.js';

const quiet = { info: () => {}, error: (obj: object, msg: string) => console.error(msg, obj) };

describe('scheduled publishing on the job queue', () => {
  let t: TestDatabase;
  let clock: ManualClock;
  let ctx: ServiceContext;
  let siteId = '';
  let columnId = '';
  let jobs: Jobs | undefined;

  async function person(name: string): Promise<ServiceContext> {
    const id = newId();
    const platformId = (ctx.scope as { platformIds: string[] }).platformIds[0]!;
    await t.db.insertInto('app_user').values({
      id, platform_id: platformId, username: name, display_name: name, password_hash: 'x', is_platform_admin: false, locale: 'zh-CN',
      disabled_at: null, contract_ref: null, contract_end: null, totp_key: null, totp_enabled_at: null, totp_last_step: null,
      locked_until: null, password_changed_at: null,
    }).execute();
    // The platform-wide grant makes loadPrincipal give the scheduled job this person's permissions.
    await t.db.insertInto('role_grant').values({
      id: newId(), user_id: id, platform_id: platformId, role: 'platform_admin', scope_kind: 'platform', org_unit_id: null, site_id: null,
      column_ids: [], granted_by: null, expires_at: null, revoked_at: null,
    }).execute();
    return { ...ctx, actor: { userId: id, label: name } };
  }

  async function scheduledArticle(title: string, minutes: number): Promise<string> {
    const editor = await person(`e${newId().slice(-6)}`);
    const reviewer = await person(`r${newId().slice(-6)}`);
    const secrecy = await person(`s${newId().slice(-6)}`);
    const draft = await createDraft(editor, siteId, { columnId, title, bodyHtml: '<p>正文</p>' });
    const run = await submitForReview(editor, siteId, draft.id);
    await approveTask(reviewer, siteId, run.id);
    await approveTask(secrecy, siteId, run.id);
    const r = await publishApproved(reviewer, siteId, draft.id, { at: new Date(clock.now().getTime() + minutes * 60_000) });
    expect(r.status).toBe('scheduled');
    return draft.id;
  }

  const isLive = async (id: string) => (await inScope(t.db, ctx.scope, (trx) => trx.selectFrom('article').select('live').where('id', '=', id).executeTakeFirstOrThrow())).live;

  async function waitUntilLive(id: string): Promise<void> {
    for (let i = 0; i < 100; i++) {
      if (await isLive(id)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`article ${id} was not published by the queue within 10 s`);
  }

  beforeAll(async () => {
    t = await createTestDatabase();
    ({ clock, ctx, siteId, columnId } = await twoSites(t, 'jq'));
  });
  afterAll(async () => {
    await jobs?.stop();
    await t.destroy();
  });

  it('should publish a scheduled article when its minute comes, through a job the worker takes, and again after a restart', async () => {
    jobs = await startJobs({ db: t.db, clock, logger: quiet, pollingIntervalSeconds: 0.5 });
    const first = await scheduledArticle('十分钟后发布', 10);
    await jobs.trigger();
    await new Promise((r) => setTimeout(r, 1500));
    expect(await isLive(first)).toBe(false); // not due yet: the job ran and left it

    clock.advance(10 * 60_000);
    await jobs.trigger();
    await waitUntilLive(first);

    // The schedule lives in the database: stop the queue, schedule another, start a new queue.
    const second = await scheduledArticle('重启之后发布', 5);
    await jobs.stop();
    clock.advance(5 * 60_000);
    jobs = await startJobs({ db: t.db, clock, logger: quiet, pollingIntervalSeconds: 0.5 });
    await jobs.trigger();
    await waitUntilLive(second);

    const schedules = await sql<{ name: string; cron: string; timezone: string }>`select name, cron, timezone from pgboss.schedule order by name`.execute(t.db);
    expect(schedules.rows).toEqual([
      { name: 'content.due-schedules', cron: '* * * * *', timezone: 'Asia/Shanghai' },
      { name: 'content.link-checks', cron: '* * * * *', timezone: 'Asia/Shanghai' },
    ]);
  });

  it('should check submitted external links on the queue, refusing a private address without connecting', async () => {
    jobs ??= await startJobs({ db: t.db, clock, logger: quiet, pollingIntervalSeconds: 0.5 });
    const editor = await person(`l${newId().slice(-6)}`);
    const draft = await createDraft(editor, siteId, { columnId, title: '含内网链接', bodyHtml: '<p><a href="http://10.9.9.9/internal">内网</a></p>' });
    await submitForReview(editor, siteId, draft.id);
    await jobs.triggerLinkChecks();
    let row: { status: string; error: string | null } | undefined;
    for (let i = 0; i < 100 && row?.status !== 'broken'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      row = await t.db.selectFrom('link_check').select(['status', 'error']).where('article_id', '=', draft.id).executeTakeFirst();
    }
    expect(row).toEqual({ status: 'broken', error: 'private_address' });
  });
});
