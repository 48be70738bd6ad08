import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findServable, type ServableAttachment } from '@zhanqun/content/attachment/attachment.service';
import type { BlobStore } from '@zhanqun/content/attachment/blob-store';
import { contentDisposition } from '@zhanqun/content/attachment/content-disposition';
import { inScope } from '@zhanqun/db/scope';
import { articleContext, columnContext, errorContext, homeContext, loadSiteScope, type SiteScope } from '@zhanqun/render/theme-context';
import { ThemeRegistry, type TemplateName } from '@zhanqun/render/theme';
import type { PageContext } from '@zhanqun/render/theme-context';
import { portSuffix } from '../console/console.routes.js';
import { HostDirectory } from './host-directory.js';
import { resolveSite } from './site-resolver.js';

export const PUBLIC_PREFIX = '/_public';

const UNKNOWN_HOST_PAGE = `<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="robots" content="noindex"><title>站点不存在 Site not found</title></head>
<body><h1>站点不存在</h1><p>本平台没有与此域名对应的网站，请检查网址。</p>
<h1 lang="en">Site not found</h1><p lang="en">No website on this platform answers to this host name. Please check the address.</p></body></html>`;

type Outcome =
  | { type: 'page'; status: number; template: TemplateName; page: PageContext; theme: string }
  | { type: 'redirect'; status: 301 | 308; location: string }
  | { type: 'plain404' }
  | { type: 'file'; file: ServableAttachment };

/** `/_files/<attachment id>/<name>`: the name is for people and is not checked. */
const FILE_PATH = /^\/_files\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:\/|$)/;

const PUBLIC_CACHE = 'public, max-age=0, s-maxage=60, stale-while-revalidate=300';

/**
 * Public sites. Every request not on the admin host is rewritten under PUBLIC_PREFIX (app.ts),
 * so no console route can ever answer on a tenant host. Order on each host: live paths, then
 * redirects and gone entries (url_path), then the themed 404.
 */
export default async function publicRoutes(fastify: FastifyInstance) {
  const themes = new ThemeRegistry();
  const hosts = new HostDirectory(fastify.db, fastify.clock);
  fastify.decorateRequest('knownSite', false);

  fastify.route({
    method: ['GET', 'HEAD'],
    url: `${PUBLIC_PREFIX}/*`,
    // Runs before the rate limiter, which the route's config adds after its own hooks.
    onRequest: async (request) => {
      request.knownSite = await hosts.isKnown(request.hostname_);
    },
    config: {
      permission: 'public',
      // Unknown hosts are rate-limited (scanners probe by IP and random names); known sites are not.
      rateLimit: { max: 30, timeWindow: '1 minute', allowList: (req: FastifyRequest) => req.knownSite },
    },
    handler: async (request, reply) => {
      const outcome = await answer(fastify, request, themes);
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

async function answer(fastify: FastifyInstance, request: FastifyRequest, themes: ThemeRegistry): Promise<Outcome> {
  const host = request.hostname_;
  if (!host) return { type: 'plain404' };
  const raw = (request.originalUrl ?? request.url).split('?')[0] ?? '/';
  let path: string;
  try {
    path = decodeURI(raw);
  } catch {
    path = raw;
  }
  const query = new URLSearchParams(request.url.split('?')[1] ?? '');
  return inScope(fastify.db, { kind: 'public', siteIds: [] }, async (trx): Promise<Outcome> => {
    const resolved = await resolveSite(trx, host, path, portSuffix(request.headers.host), request.protocol);
    if (resolved.kind === 'unknown_host') return { type: 'plain404' };
    if (resolved.kind === 'redirect') return { type: 'redirect', status: 301, location: resolved.location };
    const { site, parent, prefix, relativePath } = resolved;
    if (site.status !== 'live') return { type: 'plain404' }; // provisioning and closed sites are not public
    const scope: SiteScope = await loadSiteScope(trx, site, parent, { host, prefix });
    const theme = site.theme;
    themes.get(theme); // fail on a broken theme before querying further
    const fileId = FILE_PATH.exec(relativePath)?.[1];
    if (fileId) {
      // Served only while a live revision of this site carries it (the query and RLS both say so).
      const file = await findServable(trx, site.id, fileId);
      if (file) return { type: 'file', file };
      return { type: 'page', status: 404, template: 'error-404', page: errorContext(scope, 404), theme };
    }
    if (relativePath === '/' || relativePath === '/index.html') {
      return { type: 'page', status: 200, template: 'home', page: await homeContext(trx, scope), theme };
    }
    const entry = await trx.selectFrom('url_path').select(['kind', 'article_id', 'column_id', 'target'])
      .where('site_id', '=', site.id).where('path', '=', relativePath).executeTakeFirst();
    if (entry?.kind === 'live' && entry.column_id) {
      const column = scope.columns.find((c) => c.id === entry.column_id);
      if (column) {
        const pageNo = Number.parseInt(query.get('page') ?? '1', 10);
        return { type: 'page', status: 200, template: 'column', page: await columnContext(trx, scope, column, Number.isFinite(pageNo) ? pageNo : 1), theme };
      }
    }
    if (entry?.kind === 'live' && entry.article_id) {
      const origin = `${request.protocol}://${request.headers.host ?? host}`;
      const page = await articleContext(trx, scope, entry.article_id, origin);
      if (page) return { type: 'page', status: 200, template: 'article', page, theme };
    }
    if ((entry?.kind === 'redirect' || entry?.kind === 'legacy') && entry.target) {
      const location = entry.target.startsWith('/') ? `${prefix.slice(0, -1)}${entry.target}` : entry.target;
      return { type: 'redirect', status: 301, location };
    }
    if (entry?.kind === 'gone') return { type: 'page', status: 410, template: 'error-410', page: errorContext(scope, 410), theme };
    if (!entry && !relativePath.endsWith('/')) {
      const withSlash = await trx.selectFrom('url_path').select('id').where('site_id', '=', site.id).where('path', '=', `${relativePath}/`).executeTakeFirst();
      if (withSlash) return { type: 'redirect', status: 301, location: `${prefix.slice(0, -1)}${relativePath}/` };
    }
    return { type: 'page', status: 404, template: 'error-404', page: errorContext(scope, 404), theme };
  });
}

function send(reply: FastifyReply, outcome: Outcome, themes: ThemeRegistry, blobs: BlobStore) {
  if (outcome.type === 'plain404') {
    return reply.code(404).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(UNKNOWN_HOST_PAGE);
  }
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
