/**
 * External links, checked asynchronously (issue 5): submitting an article records the external
 * links of its revision as pending; the link-check job (a pg-boss cron, apps/server/src/jobs)
 * fetches them through safe-fetch — which refuses private, loopback and link-local addresses —
 * and stores what it found. Broken links come back as warnings in the pre-publish checks; they
 * never block, since a foreign site being down is not the editor's error.
 */
import type { Kysely } from 'kysely';
import type { Clock } from '@zhanqun/core/clock';
import type { Database, LinkCheckRow } from '@zhanqun/db/database';
import { inScope, type Db, type Tx } from '@zhanqun/db/scope';
import { checkLink, type SafeFetchOptions } from './safe-fetch.js';

/** A link checked within this long is not fetched again when the article is resubmitted. */
export const RECHECK_AFTER_MS = 24 * 3600_000;
const MAX_URL = 2000;

/** Record an article's external links for checking: new or stale ones become pending, dropped ones go. */
export async function requestLinkChecks(trx: Tx, siteId: string, articleId: string, urls: readonly string[], now: Date): Promise<void> {
  const wanted = [...new Set(urls.filter((u) => /^https?:\/\//.test(u) && u.length <= MAX_URL))];
  let drop = trx.deleteFrom('link_check').where('site_id', '=', siteId).where('article_id', '=', articleId);
  if (wanted.length) drop = drop.where('url', 'not in', wanted);
  await drop.execute();
  if (!wanted.length) return;
  const stale = new Date(now.getTime() - RECHECK_AFTER_MS);
  await trx.insertInto('link_check')
    .values(wanted.map((url) => ({ site_id: siteId, article_id: articleId, url, status: 'pending' as const, requested_at: now, http_status: null, error: null, checked_at: null })))
    .onConflict((oc) => oc.columns(['site_id', 'article_id', 'url']).doUpdateSet({ status: 'pending', requested_at: now })
      .where('link_check.checked_at', '<', stale))
    .execute();
}

/** An article's links that were found broken. Run it in scope. */
export function brokenLinks(db: Db, siteId: string, articleId: string): Promise<Pick<LinkCheckRow, 'url' | 'http_status' | 'error' | 'checked_at'>[]> {
  return db.selectFrom('link_check').select(['url', 'http_status', 'error', 'checked_at'])
    .where('site_id', '=', siteId).where('article_id', '=', articleId).where('status', '=', 'broken').orderBy('url').execute();
}

export interface LinkCheckRun {
  checked: number;
  broken: number;
}

/**
 * The job's body: fetch pending links (oldest first, at most `limit`, a few at a time) and store
 * the outcome. No transaction is held across the network: a row is updated only if it was not
 * requested again meanwhile.
 */
export async function runLinkChecks(db: Kysely<Database>, clock: Clock, opts: { limit?: number; concurrency?: number; fetch?: SafeFetchOptions } = {}): Promise<LinkCheckRun> {
  const limit = opts.limit ?? 100;
  const platforms = await db.selectFrom('platform').select('id').execute();
  const pending: { platformId: string; row: Pick<LinkCheckRow, 'site_id' | 'article_id' | 'url' | 'requested_at'> }[] = [];
  for (const { id: platformId } of platforms) {
    if (pending.length >= limit) break;
    const rows = await inScope(db, { kind: 'platform', platformIds: [platformId] }, (trx) => trx.selectFrom('link_check')
      .innerJoin('site', 'site.id', 'link_check.site_id')
      .select(['link_check.site_id', 'link_check.article_id', 'link_check.url', 'link_check.requested_at'])
      .where('site.platform_id', '=', platformId).where('link_check.status', '=', 'pending')
      .orderBy('link_check.requested_at').limit(limit - pending.length).execute());
    pending.push(...rows.map((row) => ({ platformId, row })));
  }
  const result: LinkCheckRun = { checked: 0, broken: 0 };
  const queue = [...pending];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const { platformId, row } = next;
      const outcome = await checkLink(row.url, opts.fetch);
      await inScope(db, { kind: 'platform', platformIds: [platformId] }, (trx) => trx.updateTable('link_check')
        .set({ status: outcome.ok ? 'ok' : 'broken', http_status: outcome.status ?? null, error: outcome.error ?? null, checked_at: clock.now() })
        .where('site_id', '=', row.site_id).where('article_id', '=', row.article_id).where('url', '=', row.url)
        .where('requested_at', '=', row.requested_at).execute());
      result.checked++;
      if (!outcome.ok) result.broken++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 4, queue.length) }, worker));
  return result;
}
