import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as feedRepository from '@zhanqun/content/feed.repository';
import { localeOfPath } from '@zhanqun/content/translation.service';
import type { Db } from '@zhanqun/db/scope';
import { inScope } from '@zhanqun/db/scope';
import { renderRobots, renderRss } from '@zhanqun/render/feeds';
import type { SiteScope } from '@zhanqun/render/theme-context';
import { portSuffix } from '../console/console.routes.js';
import type { SiteDirectory } from './site-directory.js';
import { findHostSites, hostSitemap } from './host-sitemap.js';
import { publicSecurityHeaders } from './security-headers.js';
import { sendUnknownHost } from './unknown-host.js';

/** As public pages: a CDN may keep them a minute and serve them stale while it refreshes. */
const FEED_CACHE = 'public, max-age=0, s-maxage=60, stale-while-revalidate=300';
const XML = 'application/xml; charset=utf-8';
export const RSS_TYPE = 'application/rss+xml; charset=utf-8';
const FEED_FILE = 'rss.xml';
const FEED_ITEMS = 20;
/** Preview is served on the admin host only; the segment is reserved on every tenant host all the same. */
const DISALLOW = ['/_preview/'];

/**
 * The machine-readable outputs of each tenant host: /sitemap.xml (or its index and
 * /sitemap-<n>.xml files past 50,000 URLs) and /robots.txt, for every live site mounted on the
 * host. Registered under PUBLIC_PREFIX (app.ts), as static routes that find-my-way prefers to
 * the public wildcard. Column feeds live under column paths: the wildcard answers them through
 * `columnFeedFor`.
 */
export default async function feedRoutes(fastify: FastifyInstance, opts: { directory: SiteDirectory }) {
  const { directory } = opts;
  fastify.decorateRequest('knownSite', false);
  fastify.addHook('onSend', publicSecurityHeaders); // as public pages
  const common = {
    method: ['GET', 'HEAD'] as ('GET' | 'HEAD')[],
    helmet: false as const,
    // As the public wildcard: unknown hosts are rate-limited (scanners ask every IP for robots.txt), known sites are not.
    onRequest: async (request: FastifyRequest) => {
      request.knownSite = await directory.isKnown(request.hostname_);
    },
    config: { permission: 'public' as const, rateLimit: { max: 30, timeWindow: '1 minute', allowList: (req: FastifyRequest) => req.knownSite } },
  };

  fastify.route({ ...common, url: '/sitemap.xml', handler: (request, reply) => sitemap(fastify, request, reply, null) });
  fastify.route<{ Params: { n: number } }>({
    ...common,
    url: '/sitemap-:n(^\\d+).xml',
    schema: { params: { type: 'object', properties: { n: { type: 'integer', minimum: 1, maximum: 1_000_000 } }, required: ['n'] } },
    handler: (request, reply) => sitemap(fastify, request, reply, request.params.n),
  });
  fastify.route({
    ...common,
    url: '/robots.txt',
    handler: async (request, reply) => {
      const host = request.hostname_;
      const found = host ? await inScope(fastify.db, { kind: 'public', siteIds: [] }, (trx) => findHostSites(trx, host)) : { kind: 'unknown' as const };
      if (found.kind === 'unknown') return sendUnknownHost(reply);
      const body = renderRobots(`${originOf(request)}/sitemap.xml`, DISALLOW);
      return reply.type('text/plain; charset=utf-8').header('cache-control', FEED_CACHE).send(body);
    },
  });
}

/** `<scheme>://<host>[:port]` of the request, as links on public pages are built. */
function originOf(request: FastifyRequest, host = request.hostname_ ?? ''): string {
  return `${request.protocol}://${host}${portSuffix(request.headers.host)}`;
}

async function sitemap(fastify: FastifyInstance, request: FastifyRequest, reply: FastifyReply, file: number | null) {
  const host = request.hostname_;
  if (!host) return sendUnknownHost(reply);
  const answer = await inScope(fastify.db, { kind: 'public', siteIds: [] }, async (trx) => {
    const found = await findHostSites(trx, host);
    if (found.kind !== 'mounts') return found;
    return { kind: 'xml' as const, xml: await hostSitemap(trx, found.mounts, originOf(request), file) };
  });
  if (answer.kind === 'unknown') return sendUnknownHost(reply);
  if (answer.kind === 'elsewhere') {
    return reply.header('cache-control', FEED_CACHE).redirect(`${originOf(request, answer.primaryHost)}/sitemap.xml`, 301);
  }
  if (answer.xml === null) return reply.code(404).type('text/plain; charset=utf-8').header('cache-control', FEED_CACHE).send('Not found\n');
  return reply.type(XML).header('cache-control', FEED_CACHE).send(answer.xml);
}

/**
 * A column's RSS 2.0 feed, for the public wildcard: when `relativePath` (the path within the
 * site's mount) is `<open column path>rss.xml`, the 20 newest live items of the column and its
 * sub-columns; otherwise null, having queried nothing. Send it with RSS_TYPE.
 */
export async function columnFeedFor(trx: Db, scope: SiteScope, relativePath: string, origin: string): Promise<string | null> {
  if (!relativePath.endsWith(`/${FEED_FILE}`)) return null;
  const columnPath = relativePath.slice(0, -FEED_FILE.length);
  const column = scope.columns.find((c) => c.path === columnPath && c.status === 'open' && !c.external_url);
  if (!column) return null;
  const subtree = scope.columns.filter((c) => c.path.startsWith(column.path)).map((c) => c.id);
  const rows = await feedRepository.listNewestInColumns(trx, scope.site.id, subtree, FEED_ITEMS);
  const base = `${origin}${scope.mount.prefix.slice(0, -1)}`;
  return renderRss(
    {
      title: `${column.name} - ${scope.site.name}`, link: `${base}${column.path}`, selfUrl: `${base}${relativePath}`,
      description: column.description ?? `${scope.site.name}${column.name}`, language: localeOfPath(column.path, scope.site.locales),
    },
    rows.map((r) => ({
      // A link-only article links straight out, as in the site's lists; its own URL stays the guid.
      title: r.title, link: r.external_url ?? `${base}${r.url_path}`, guid: `${base}${r.url_path}`,
      summary: r.summary, pubDate: r.published_at, updated: r.last_published_at,
    })),
  );
}
