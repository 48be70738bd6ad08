/**
 * Background work on the durable Postgres job queue (pg-boss 10, DESIGN.md "Background work").
 * A cron schedule kept in Postgres enqueues `content.due-schedules` every minute; whichever
 * instance's worker takes it publishes and withdraws what is due at that minute. Nothing lives
 * in process memory: schedules are columns on the article, so a restart (or a crash) loses none,
 * and several instances share the queue safely.
 *
 * pg-boss talks to the database through our Kysely instance (its `db.executeSql` adapter), so
 * the same code runs on a Postgres pool and on the embedded PGlite, whose single connection our
 * dialect serialises.
 */
import { CompiledQuery, type Kysely } from 'kysely';
import PgBoss from 'pg-boss';
import type { Clock } from '@zhanqun/core/clock';
import type { Database } from '@zhanqun/db/database';
import { runLinkChecks } from '@zhanqun/content/checks/link-check.service';
import { runDueSchedules, type DueRunResult, type ScheduleActor } from '@zhanqun/content/publishing.service';
import { can } from '@zhanqun/identity/policy';
import { loadPrincipal } from '@zhanqun/identity/principal';

export const DUE_SCHEDULES = 'content.due-schedules';
/** Fetch the external links editors submitted (safe-fetch: no private addresses), every minute. */
export const LINK_CHECKS = 'content.link-checks';
/** The platform zone governs when "every minute" ticks, like every other time on the platform. */
const ZONE = 'Asia/Shanghai';

export interface JobLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface Jobs {
  /** Enqueue a due-schedules run now (tests, and the console's "run now"); the worker picks it up. */
  trigger(): Promise<void>;
  /** Enqueue a link-check run now; the worker picks it up. */
  triggerLinkChecks(): Promise<void>;
  /** Run the due-schedules body in this process, outside the queue, and return what it did. */
  runDue(): Promise<DueRunResult>;
  stop(): Promise<void>;
}

export interface JobOptions {
  db: Kysely<Database>;
  clock: Clock;
  logger: JobLogger;
  /** How often the worker polls its queue (seconds); pg-boss's default of 2 s is fine for servers. */
  pollingIntervalSeconds?: number;
}

export async function startJobs(opts: JobOptions): Promise<Jobs> {
  const { db, clock, logger } = opts;
  const boss = new PgBoss({
    db: { executeSql: (text: string, values?: unknown[]) => db.executeQuery(CompiledQuery.raw(text, values ?? [])) },
    schema: 'pgboss',
    // Cron is checked every 30 s; each tick enqueues at most one job per minute (pg-boss debounces).
    cronMonitorIntervalSeconds: 30,
    cronWorkerIntervalSeconds: 5,
  });
  boss.on('error', (err: Error) => logger.error({ err }, 'job queue error'));
  await boss.start();
  await boss.createQueue(DUE_SCHEDULES, { name: DUE_SCHEDULES, policy: 'singleton', retryLimit: 2, expireInSeconds: 300 });
  await boss.schedule(DUE_SCHEDULES, '* * * * *', {}, { tz: ZONE });

  const runDue = async (): Promise<DueRunResult> => {
    const result = await runDueSchedules(db, clock, scheduleActor(db, clock));
    if (result.published.length || result.withdrawn.length || result.failed.length) {
      logger.info({ published: result.published.length, withdrawn: result.withdrawn.length, failed: result.failed }, 'scheduled publishing ran');
    }
    return result;
  };
  await boss.work(DUE_SCHEDULES, { pollingIntervalSeconds: opts.pollingIntervalSeconds ?? 2 }, async () => { await runDue(); });

  await boss.createQueue(LINK_CHECKS, { name: LINK_CHECKS, policy: 'singleton', retryLimit: 1, expireInSeconds: 600 });
  await boss.schedule(LINK_CHECKS, '* * * * *', {}, { tz: ZONE });
  await boss.work(LINK_CHECKS, { pollingIntervalSeconds: opts.pollingIntervalSeconds ?? 2 }, async () => {
    const r = await runLinkChecks(db, clock);
    if (r.checked) logger.info({ checked: r.checked, broken: r.broken }, 'external links checked');
  });

  return {
    async trigger() { await boss.send(DUE_SCHEDULES, {}); },
    async triggerLinkChecks() { await boss.send(LINK_CHECKS, {}); },
    runDue,
    async stop() { await boss.stop({ graceful: true, close: false, wait: true, timeout: 10_000 }); },
  };
}

/**
 * A scheduled publish acts in the name of whoever scheduled it, with that person's permissions
 * as they are now: a grant revoked since means the schedule is dropped, not run.
 */
export function scheduleActor(db: Kysely<Database>, clock: Clock): ScheduleActor {
  return async (userId) => {
    if (!userId) return { actor: { userId: null, label: 'system:scheduler' } };
    const principal = await loadPrincipal(db, userId);
    if (!principal) return { actor: { userId: null, label: 'system:scheduler' }, can: () => false };
    return {
      actor: { userId, label: principal.username },
      can: (permission, target) => can(principal, permission as never, target, clock.now()),
    };
  };
}
