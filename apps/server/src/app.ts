import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { LogController, type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import type { Clock } from '@zhanqun/core/clock';
import type { DbHandle } from '@zhanqun/db/connect';
import { normaliseHost } from '@zhanqun/tenancy/host';
import { ENGINE_ASSETS_DIR, THEMES_DIR } from '@zhanqun/render/theme';
import { ENGINE_ASSETS_PATH } from '@zhanqun/render/helpers/zq_head';
import { registerApiDocs } from './api/api-docs.js';
import apiRoutes from './api/api.routes.js';
import type { Config } from './config.js';
import { CONSOLE_DIR } from './console-view.js';
import consoleRoutes from './console/console.routes.js';
import context from './plugins/context.js';
import { installErrorHandler } from './plugins/error-handler.js';
import health from './plugins/health.js';
import { lazyChild } from './plugins/lazy-logger.js';
import permission from './plugins/permission.js';
import session from './plugins/session.js';
import feedRoutes from './public/feed.routes.js';
import { PageCache } from './public/page-cache.js';
import { SiteDirectory } from './public/site-directory.js';
import publicRoutes, { PUBLIC_PREFIX } from './public/public.routes.js';
import { answerFromCache, cacheFirstServerFactory, pageCacheKey } from './public/cached-answer.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Rendered public pages (public/page-cache.ts). */
    pageCache: PageCache;
  }
}

export interface AppOptions {
  config: Config;
  dbHandle: DbHandle;
  clock: Clock;
  /** Pino options, or false for silence (tests). */
  logger?: FastifyServerOptions['logger'];
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;
const ALL_HOSTS = new Set(['/healthz', '/readyz']);

/** Pino settings: JSON when not on a TTY, pretty on one; secrets redacted; the host on each line. */
export function loggerOptions(config: Config, tty = Boolean(process.stdout.isTTY)): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', '*.password', 'password', 'body.password'], censor: '[redacted]' },
    ...(tty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } } : {}),
  };
}

/**
 * The one Fastify process: the console and API on ADMIN_HOST, every tenant site on its own
 * hosts. Requests for tenant hosts are rewritten under PUBLIC_PREFIX before routing, so the two
 * never share a route.
 */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const adminHost = opts.config.adminHost;
  const pageCache = new PageCache(opts.config.pageCacheMb * 1024 * 1024);
  const quietRequests = new WeakMap<object, boolean>();
  const fastify = Fastify({
    logger: opts.logger ?? false,
    // Cached public pages are answered before Fastify sees the request (public/cached-answer.ts).
    serverFactory: cacheFirstServerFactory(answerFromCache({ cache: pageCache, adminHost, trustProxy: opts.config.trustProxy })),
    // A cached public page is served without a log line per request (the cache counts its hits).
    // Most hits never reach Fastify; those that do (a list of trusted proxies, inject in tests)
    // are decided here once, when the request comes in, so a miss logs both its lines and a hit neither.
    logController: new LogController({
      disableRequestLogging: (req: FastifyRequest) => {
        let quiet = quietRequests.get(req);
        if (quiet === undefined) {
          const host = pageCache.enabled ? normaliseHost(req.headers.host ?? '') : null;
          const key = host && host !== adminHost ? pageCacheKey(host, req.originalUrl ?? req.url ?? '/') : null;
          quiet = key !== null && pageCache.has(key);
          quietRequests.set(req, quiet);
        }
        return quiet;
      },
    }),
    trustProxy: opts.config.trustProxy,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    rewriteUrl: (req) => {
      const url = req.url ?? '/';
      const path = url.split('?')[0] ?? '/';
      if (ALL_HOSTS.has(path)) return url;
      if (normaliseHost(req.headers.host ?? '') === adminHost) {
        // The console never answers public paths, even if asked directly.
        return path.startsWith(`${PUBLIC_PREFIX}/`) || path === PUBLIC_PREFIX ? '/_not-found' : url;
      }
      return `${PUBLIC_PREFIX}${url.startsWith('/') ? url : `/${url}`}`;
    },
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 500 },
  });
  // Each request's logger is made when it first writes a line (lazy-logger.ts).
  fastify.setChildLoggerFactory(function (logger, bindings, childOpts, rawReq) {
    return lazyChild(logger, { ...bindings, host: rawReq.headers.host }, childOpts);
  });

  await fastify.register(permission);
  await fastify.register(context, { config: opts.config, dbHandle: opts.dbHandle, clock: opts.clock });
  installErrorHandler(fastify);
  await fastify.register(helmet, {
    // Pages work without JS; the console loads nothing from elsewhere.
    contentSecurityPolicy: { directives: { 'default-src': ["'self'"], 'img-src': ["'self'", 'data:'], 'script-src': ["'self'"], 'style-src': ["'self'"] } },
    crossOriginEmbedderPolicy: false,
  });
  await fastify.register(rateLimit, { global: false });
  await fastify.register(cookie);
  await fastify.register(formbody);
  await fastify.register(csrf, { cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', signed: false } });
  await fastify.register(session);

  await fastify.register(health);
  await fastify.register(async (assets) => {
    // Static files are public by nature; @fastify/static takes no route config, so mark its routes here.
    assets.addHook('onRoute', (route) => {
      route.config = { ...route.config, permission: 'public' };
    });
    await assets.register(fastifyStatic, { root: `${CONSOLE_DIR}assets`, prefix: '/_console/', decorateReply: false, maxAge: '1h' });
    // The rich-text editor's bundle (packages/editor, built by `npm run build`; until then @fastify/static only warns).
    await assets.register(fastifyStatic, { root: join(CONSOLE_DIR, '../../../packages/editor/dist'), prefix: '/_console/editor/', decorateReply: false, maxAge: '1h' });
    // Tenant hosts: /_assets/_zq/<file> is the engine's (packages/render/assets), /_assets/<theme>/<file> is themes/<theme>/assets/<file>.
    await assets.register(fastifyStatic, { root: ENGINE_ASSETS_DIR, prefix: `${PUBLIC_PREFIX}${ENGINE_ASSETS_PATH}`, decorateReply: false, maxAge: '1h' });
    for (const theme of readdirSync(THEMES_DIR, { withFileTypes: true })) {
      if (!theme.isDirectory() || !existsSync(join(THEMES_DIR, theme.name, 'assets'))) continue;
      await assets.register(fastifyStatic, {
        root: join(THEMES_DIR, theme.name, 'assets'), prefix: `${PUBLIC_PREFIX}/_assets/${theme.name}/`, decorateReply: false, maxAge: '1h',
      });
    }
  });
  await fastify.register(consoleRoutes);
  await registerApiDocs(fastify); // before the API routes: OpenAPI is collected as routes are added
  await fastify.register(apiRoutes, { prefix: '/api/v1' });
  fastify.decorate('pageCache', pageCache);
  const directory = new SiteDirectory(opts.dbHandle.db, opts.config.siteCache);
  await fastify.register(publicRoutes, { cache: pageCache, directory });
  await fastify.register(feedRoutes, { prefix: PUBLIC_PREFIX, directory }); // sitemaps, robots.txt: static routes win over the wildcard
  return fastify;
}
