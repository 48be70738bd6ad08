/**
 * Legacy URLs on a public host (issue 7): asked after the platform's own live paths, redirects
 * and gone entries, before the themed 404 (DESIGN.md, Routing). Answers are never kept by the
 * page cache (only 200 pages are), and each answer given by a URL entry counts a hit, written in
 * batches by the instance's HitCounter.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HitCounter } from '@zhanqun/legacy/hit-counter';
import { resolveLegacy } from '@zhanqun/legacy/legacy-resolve';
import { findLegacySites } from '@zhanqun/legacy/legacy-site.service';
import * as siteRepository from '@zhanqun/tenancy/site.repository';
import type { Db } from '@zhanqun/db/scope';
import { errorContext, type PageContext, type SiteScope } from '@zhanqun/render/theme-context';

/** How often counted hits are written. */
const FLUSH_MS = 5_000;

// Keyed by the database, which every plugin context of one server shares (instances differ).
const counters = new WeakMap<object, HitCounter>();

/** The server's hit counter (made on first use). */
export function legacyHitsOf(fastify: FastifyInstance): HitCounter {
  let counter = counters.get(fastify.db);
  if (!counter) {
    counter = new HitCounter(fastify.db, fastify.clock);
    counters.set(fastify.db, counter);
  }
  return counter;
}

/** Start writing hits every few seconds, and write the rest when the server closes. */
export function registerLegacyHits(fastify: FastifyInstance): void {
  const counter = legacyHitsOf(fastify);
  counter.start(FLUSH_MS, (err) => fastify.log.error({ err }, 'legacy hit counts not written; kept for the next flush'));
  fastify.addHook('onClose', async () => { await counter.stop(); });
}

type LegacyOutcome =
  | { type: 'page'; status: number; template: 'error-404' | 'error-410'; page: PageContext; theme: string; siteIds: string[] }
  | { type: 'redirect'; status: 301; location: string };

const MESSAGES = {
  gone: '该页面已随原网站迁移而停止提供',
  awaiting: '该页面正在迁入新网站，尚未发布',
  notFound: '您访问的页面不存在',
} as const;

/** The answer of a site's legacy URLs for this request, or null (the themed 404 follows). */
export async function legacyOutcome(
  fastify: FastifyInstance, trx: Db, request: FastifyRequest, scope: SiteScope, prefix: string, theme: string, siteIds: string[],
): Promise<LegacyOutcome | null> {
  const raw = request.originalUrl ?? request.url;
  const rawPathAndQuery = raw.slice(prefix.length - 1) || '/';
  const host = request.hostname_ ?? '';
  const resolved = await resolveLegacy(trx, scope.site.id, { host, rawPathAndQuery });
  if (!resolved) return null;
  const { decision } = resolved;
  if (resolved.entryId) legacyHitsOf(fastify).record(scope.site.id, resolved.entryId);
  const page = (status: number, message: string, extra: Record<string, string | null> = {}): LegacyOutcome => {
    const p = errorContext(scope, status === 410 ? 410 : 404);
    // The error block carries the legacy details the theme's error pages show when present.
    const error = { status, message, legacyTitle: resolved.legacyTitle, ...extra };
    p.error = error;
    return { type: 'page', status, template: status === 410 ? 'error-410' : 'error-404', page: p, theme, siteIds };
  };
  switch (decision.type) {
    case 'redirect': {
      const location = decision.location.startsWith('/') ? `${prefix.slice(0, -1)}${decision.location}` : decision.location;
      return { type: 'redirect', status: 301, location };
    }
    case 'gone':
      return page(410, MESSAGES.gone, { archiveUrl: decision.archiveUrl, suggestedUrl: decision.suggestedUrl, suggestedText: decision.suggestedText });
    case 'awaiting':
      return page(404, MESSAGES.awaiting);
    case 'not_found':
      return page(404, MESSAGES.notFound, { archiveUrl: decision.archiveUrl });
    case 'refused':
      request.log.warn({ siteId: scope.site.id, path: rawPathAndQuery }, decision.message);
      return page(501, decision.message);
    case 'misconfigured':
      request.log.error({ siteId: scope.site.id }, decision.message);
      return page(500, '网站配置有误 (misconfigured legacy site)');
  }
}

/**
 * The root of a legacy-role host: its legacy site's global rule if it has one, else 301 to the
 * site's own home on its primary host. Null when the site has no legacy site (the home page shows).
 */
export async function legacyHomeOutcome(
  fastify: FastifyInstance, trx: Db, request: FastifyRequest, scope: SiteScope, prefix: string, theme: string, siteIds: string[], port: string,
): Promise<LegacyOutcome | null> {
  const legacySites = await findLegacySites(trx, scope.site.id);
  const host = request.hostname_ ?? '';
  const legacy = legacySites.find((l) => l.hosts.includes(host)) ?? legacySites[0];
  if (!legacy) return null;
  if (legacy.global_type) return legacyOutcome(fastify, trx, request, scope, prefix, theme, siteIds);
  const primary = await siteRepository.findPrimaryHost(trx, scope.site.id);
  if (!primary) return null;
  return { type: 'redirect', status: 301, location: `${request.protocol}://${primary.host}${port}${primary.path_prefix}` };
}
