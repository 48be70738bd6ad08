import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findServable, type ServableAttachment } from '@zhanqun/content/attachment/attachment.service';
import type { BlobStore } from '@zhanqun/content/attachment/blob-store';
import { contentDisposition } from '@zhanqun/content/attachment/content-disposition';
import { SITE_CHANGED } from '@zhanqun/db/connect';
import { readInScope } from '@zhanqun/db/scope';
import { columnFeedFor } from './feed.routes.js';
import { sendUnknownHost } from './unknown-host.js';
import type { CachedPage, PageCache } from './page-cache.js';
import { keepAliveLines, pageCacheKey, writeCachedPage } from './cached-answer.js';
import { answerRendered } from './rendered-answer.js';
import { publicSecurityHeaders } from './security-headers.js';
import { utf8Bytes } from './utf8.js';
import { articleContext, channelContext, columnContext, errorContext, homeContext, interactionContext, isChannel, mountScope, searchContext, SEARCH_PATH, SHOWN_SITES, type SiteScope } from '@zhanqun/render/theme-context';
import { ThemeRegistry, type TemplateName } from '@zhanqun/render/theme';
import { columnsOf } from '@zhanqun/render/theme-context-site';
import type { PageContext } from '@zhanqun/render/theme-context';
import type { ArticleKey } from '@zhanqun/content/article-read.repository';
import { attachmentIdOf } from '@zhanqun/content/article.schema';
import type { SiteColumnRow } from '@zhanqun/db/database';
import { portSuffix } from '../console/console.routes.js';
import type { SiteDirectory } from './site-directory.js';
import { resolveSite } from './site-resolver.js';
import { legacyHomeOutcome, legacyOutcome, registerLegacyHits } from './legacy-answer.js';
import { registerSettingsCss } from './theme-settings-css.js';
import { SETTINGS_CSS_PATH } from '@zhanqun/render/theme-settings';

export const PUBLIC_PREFIX = '/_public';

type Outcome =
  | { type: 'page'; status: number; template: TemplateName; page: PageContext; theme: string; siteIds: string[] }
  | { type: 'redirect'; status: 301 | 302 | 308; location: string }
  | { type: 'plain404' }
  | { type: 'file'; file: ServableAttachment }
  | { type: 'feed'; xml: string; siteIds: string[] };

/** `/_files/<attachment id>/<name>`: the name is for people and is not checked. */

const PUBLIC_CACHE = 'public, max-age=0, s-maxage=60, stale-while-revalidate=300';

/** The query of a URL without one (most requests): read only, never changed. */
const NO_QUERY: Pick<URLSearchParams, 'get' | 'has'> = new URLSearchParams();

/**
 * Public sites. Every request not on the admin host is rewritten under PUBLIC_PREFIX (app.ts),
 * so no console route can ever answer on a tenant host. Order on each host: live paths, then
 * redirects and gone entries (url_path), then the themed 404.
 */
export interface PublicRoutesOptions {
  /** The rendered-page cache (app.ts makes it, so request logging can skip its hits). */
  cache: PageCache;
  /** Hosts and sites as public pages need them, shared with the sitemaps and robots.txt (feed.routes.ts). */
  directory: SiteDirectory;
}

export default async function publicRoutes(fastify: FastifyInstance, opts: PublicRoutesOptions) {
  const themes = new ThemeRegistry();
  const { cache, directory } = opts;
  // The server's Connection and Keep-Alive lines (keepAliveLines), made on the first rendered answer.
  let connection: string | null | undefined;
  registerLegacyHits(fastify); // legacy URL hits, written in batches (legacy-answer.ts)
  fastify.decorateRequest('knownSite', false);
  // Every instance hears of every committed change to a site's pages (triggers, migration 090300).
  const unlisten = await fastify.dbHandle.listen(SITE_CHANGED, (siteId) => {
    cache.invalidateSite(siteId);
    directory.invalidate(siteId);
  });
  fastify.addHook('onClose', async () => { await unlisten(); });

  fastify.addHook('onSend', publicSecurityHeaders);

  registerSettingsCss(fastify, `${PUBLIC_PREFIX}${SETTINGS_CSS_PATH}`); // a site's colour settings (theme-settings-css.ts)

  fastify.route({
    method: ['GET', 'HEAD'],
    url: `${PUBLIC_PREFIX}/*`,
    helmet: false,
    // Runs before the rate limiter, which the route's config adds after its own hooks. A callback
    // hook: a host already looked up is answered without a promise.
    onRequest: (request, _reply, done) => {
      const known = directory.knownNow(request.hostname_);
      if (known !== undefined) {
        request.knownSite = known;
        return done();
      }
      directory.isKnown(request.hostname_).then((k) => {
        request.knownSite = k;
        done();
      }, done);
    },
    config: {
      permission: 'public',
      // Unknown hosts are rate-limited (scanners probe by IP and random names); known sites are not.
      rateLimit: { max: 30, timeWindow: '1 minute', allowList: (req: FastifyRequest) => req.knownSite },
    },
    handler: async (request, reply) => {
      const key = cache.enabled ? pageCacheKey(request.hostname_, request.originalUrl ?? request.url) : null;
      const hit = key ? cache.get(key) : undefined;
      if (hit) return sendPage(request, reply, hit);
      const epoch = cache.epoch;
      const outcome = await answer(fastify, request, themes, directory);
      if ((outcome.type === 'page' && outcome.status === 200) || outcome.type === 'feed') {
        const [text, contentType] = outcome.type === 'feed'
          ? [outcome.xml, 'application/rss+xml; charset=utf-8']
          : [themes.get(outcome.theme).render(outcome.template, outcome.page), 'text/html; charset=utf-8'];
        const rendered = { siteIds: outcome.siteIds, status: 200, contentType, cacheControl: PUBLIC_CACHE, lastModified: fastify.clock.now().toUTCString() };
        const kept = key !== null && cache.keeps(epoch);
        if (!kept) {
          reply.hijack();
          // One Buffer, head and body, when the request can take it so (rendered-answer.ts).
          if (answerRendered(request.raw, reply.raw, rendered, text, request.protocol === 'https', (connection ??= keepAliveLines(fastify.server)))) return;
        }
        const page = cache.store(key ?? '', { ...rendered, body: utf8Bytes(text) }, kept ? epoch : -1);
        return sendPage(request, reply, page);
      }
      return send(reply, outcome, themes, fastify.blobs);
    },
  });
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set before rate limiting: the Host names a site of this platform. */
    knownSite: boolean;
  }
}

async function answer(fastify: FastifyInstance, request: FastifyRequest, themes: ThemeRegistry, directory: SiteDirectory): Promise<Outcome> {
  const host = request.hostname_;
  if (!host) return { type: 'plain404' };
  const raw = (request.originalUrl ?? request.url).split('?')[0] ?? '/';
  let path: string;
  try {
    path = decodeURI(raw);
  } catch {
    path = raw;
  }
  const mark = request.url.indexOf('?');
  const query = mark === -1 ? NO_QUERY : new URLSearchParams(request.url.slice(mark + 1));
  const resolved = await resolveSite(directory, host, path, portSuffix(request.headers.host), request.protocol);
  if (resolved.kind === 'unknown_host') return { type: 'plain404' };
  if (resolved.kind === 'redirect') return { type: 'redirect', status: 301, location: resolved.location };
  const { entry: { site, parent }, prefix, relativePath } = resolved;
  if (site.status !== 'live') return { type: 'plain404' }; // provisioning and closed sites are not public
  const scope = mountScope(resolved.entry.scope, { host, prefix, port: portSuffix(request.headers.host) });
  const theme = site.theme;
  // The sites a page shows: its own, and a sub-site's parent (its footer).
  const siteIds = parent ? [site.id, parent.id] : [site.id];
  themes.get(theme); // fail on a broken theme before querying further
  return readInScope(fastify.db, { kind: 'public', siteIds }, async (trx): Promise<Outcome> => {
    const fileId = attachmentIdOf(relativePath);
    if (fileId) {
      // Served only while a live revision of this site carries it (the query and RLS both say so).
      const file = await findServable(trx, site.id, fileId);
      if (file) return { type: 'file', file };
      return { type: 'page', status: 404, template: 'error-404', page: errorContext(scope, 404), theme, siteIds };
    }
    // A column's RSS feed: <column path>rss.xml (feed.routes.ts renders it).
    const feed = await columnFeedFor(trx, scope, relativePath, `${request.protocol}://${request.headers.host ?? host}`);
    if (feed) return { type: 'feed', xml: feed, siteIds };
    if (resolved.role === 'legacy' && (relativePath === '/' || relativePath === '/index.html')) {
      // An old host of a legacy site: its home page moved to the site's own (Bouncer's homepage redirect).
      const moved = await legacyHomeOutcome(fastify, trx, request, scope, prefix, theme, siteIds, portSuffix(request.headers.host));
      if (moved) return moved;
    }
    if (relativePath === '/' || relativePath === '/index.html') {
      const page = await homeContext(trx, scope);
      // A home that links superior and sibling sites shows their names and hosts: a change to one of them evicts it too.
      return { type: 'page', status: 200, template: 'home', page, theme, siteIds: [...siteIds, ...(page[SHOWN_SITES] ?? [])] };
    }
    const columnPage = async (column: SiteColumnRow): Promise<Outcome> => {
      // ?page=<block> names an older page (columnPagination); none, or junk, is the column's own page.
      const block = /^\d{1,6}$/.test(query.get('page') ?? '') ? Number(query.get('page')) : Number.NaN;
      return column.kind === 'interaction'
        ? { type: 'page', status: 200, template: 'interaction', page: await interactionContext(trx, scope, column, block), theme, siteIds }
        : { type: 'page', status: 200, template: 'column', page: await columnContext(trx, scope, column, block), theme, siteIds };
    };
    const articlePage = async (article: ArticleKey): Promise<Outcome | null> => {
      const page = await articleContext(trx, scope, article, `${request.protocol}://${request.headers.host ?? host}`);
      // An external-link article's own URL sends readers to the address it links (302: it may change).
      if (page?.article?.externalUrl) return { type: 'redirect', status: 302, location: page.article.externalUrl };
      return page ? { type: 'page', status: 200, template: 'article', page, theme, siteIds } : null;
    };
    // The common cases straight away: an open column's path (the site directory knows them), or a
    // live article's (its page query finds it through its URL entry) — one query, not two.
    const open = relativePath.endsWith('/') ? columnsOf(scope).openByPath(relativePath) : undefined;
    // A channel (a top-level column with sub-columns) lands on its blocks; ?page= lists all its items.
    if (open && isChannel(scope, open) && !query.has('page')) {
      return { type: 'page', status: 200, template: 'channel', page: await channelContext(trx, scope, open), theme, siteIds };
    }
    if (open) return columnPage(open);
    if (relativePath === SEARCH_PATH) {
      // Never cached (pageCacheKey leaves /_search/ out): every query is its own answer.
      const pageNo = /^\d{1,3}$/.test(query.get('page') ?? '') ? Number(query.get('page')) : 1;
      return { type: 'page', status: 200, template: 'search', page: await searchContext(trx, scope, query.get('q') ?? '', pageNo), theme, siteIds };
    }
    if (!relativePath.endsWith('/')) {
      const article = await articlePage({ path: relativePath });
      if (article) return article;
    }
    const entry = await trx.selectFrom('url_path').select(['kind', 'article_id', 'column_id', 'target'])
      .where('site_id', '=', site.id).where('path', '=', relativePath).where('legacy_site_id', 'is', null).executeTakeFirst();
    if (entry?.kind === 'live' && entry.column_id) {
      const column = columnsOf(scope).byId(entry.column_id);
      if (column) return columnPage(column);
    }
    if (entry?.kind === 'live' && entry.article_id) {
      const article = await articlePage(entry.article_id);
      if (article) return article;
    }
    if ((entry?.kind === 'redirect' || entry?.kind === 'legacy') && entry.target) {
      const location = entry.target.startsWith('/') ? `${prefix.slice(0, -1)}${entry.target}` : entry.target;
      return { type: 'redirect', status: 301, location };
    }
    if (entry?.kind === 'gone') return { type: 'page', status: 410, template: 'error-410', page: errorContext(scope, 410), theme, siteIds };
    if (!entry && !relativePath.endsWith('/')) {
      const withSlash = await trx.selectFrom('url_path').select('id').where('site_id', '=', site.id).where('path', '=', `${relativePath}/`).executeTakeFirst();
      if (withSlash) return { type: 'redirect', status: 301, location: `${prefix.slice(0, -1)}${relativePath}/` };
    }
    // Then the legacy site's URLs, canonicalised (Bouncer's rules), before the themed 404.
    const legacy = await legacyOutcome(fastify, trx, request, scope, prefix, theme, siteIds);
    if (legacy) return legacy;
    return { type: 'page', status: 404, template: 'error-404', page: errorContext(scope, 404), theme, siteIds };
  });
}

/**
 * A rendered page from its Buffers, written raw with its precomputed header list (cached-answer.ts),
 * as cache hits answered before Fastify are: Fastify's reply would set its dozen headers one by
 * one and run the onSend hooks for headers the page already carries. Fastify still logs the
 * request when it finishes (a hit not: disableRequestLogging, app.ts).
 */
function sendPage(request: FastifyRequest, reply: FastifyReply, page: CachedPage) {
  reply.hijack();
  writeCachedPage(request.raw, reply.raw, page, request.protocol === 'https');
}

function send(reply: FastifyReply, outcome: Outcome, themes: ThemeRegistry, blobs: BlobStore) {
  if (outcome.type === 'plain404') {
    return sendUnknownHost(reply);
  }
  if (outcome.type === 'feed') return reply.type('application/rss+xml; charset=utf-8').header('cache-control', PUBLIC_CACHE).send(outcome.xml);
  if (outcome.type === 'file') {
    const { file } = outcome;
    return reply.code(200)
      .type(file.media_type)
      .header('content-length', String(file.size))
      .header('content-disposition', contentDisposition(file.filename))
      .header('x-content-type-options', 'nosniff')
      // Content-addressed: the bytes under this id never change; withdrawal is checked on each request.
      .header('etag', `"${file.blob_sha256}"`)
      .header('cache-control', PUBLIC_CACHE)
      .send(blobs.open(file.blob_sha256));
  }
  if (outcome.type === 'redirect') return reply.code(outcome.status).header('cache-control', PUBLIC_CACHE).redirect(outcome.location, outcome.status);
  const html = themes.get(outcome.theme).render(outcome.template, outcome.page);
  return reply.code(outcome.status).type('text/html; charset=utf-8').header('cache-control', PUBLIC_CACHE).send(html);
}
