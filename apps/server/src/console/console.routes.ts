import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isCodedError } from '@zhanqun/core/errors';
import { login, invalidateSession } from '@zhanqun/identity/session.service';
import { inScope } from '@zhanqun/db/scope';
import * as siteRepository from '@zhanqun/tenancy/site.repository';
import { ConsoleView } from '../console-view.js';
import { isLocale, t, type Locale } from '../i18n/i18n.js';
import { clearSessionCookie, setSessionCookie } from '../plugins/session.js';

const LANG_COOKIE = 'zq_lang';

/** The console language: `?lang=` (remembered), then the cookie, then the user's setting. */
export function consoleLocale(request: FastifyRequest, reply: FastifyReply): Locale {
  const query = (request.query as Record<string, unknown> | undefined)?.lang;
  if (isLocale(query)) {
    reply.setCookie(LANG_COOKIE, query, { path: '/', httpOnly: true, sameSite: 'lax', secure: request.protocol === 'https' });
    return query;
  }
  const cookie = request.cookies[LANG_COOKIE];
  if (isLocale(cookie)) return cookie;
  return isLocale(request.user?.locale) ? request.user.locale : 'zh-CN';
}

interface LoginBody { username?: string; password?: string; lang?: string }

/** The console (admin host): sign-in, sign-out and the platform admin's dashboard. */
export default async function consoleRoutes(fastify: FastifyInstance) {
  const view = new ConsoleView();
  const html = (reply: FastifyReply, body: string, code = 200) => reply.code(code).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);

  fastify.get('/login', { config: { permission: 'public' } }, async (request, reply) => {
    const locale = consoleLocale(request, reply);
    if (request.user) return reply.redirect('/');
    return html(reply, view.render('login', { locale, title: t(locale, 'login.title'), csrfToken: reply.generateCsrf() }));
  });

  fastify.post<{ Body: LoginBody }>('/login', {
    config: { permission: 'public', rateLimit: { max: 20, timeWindow: '1 minute' } },
    preHandler: fastify.csrfProtection,
  }, async (request, reply) => {
    const locale: Locale = isLocale(request.body?.lang) ? request.body.lang : consoleLocale(request, reply);
    const username = String(request.body?.username ?? '').trim();
    const password = String(request.body?.password ?? '');
    const again = (key: string, code: number) => html(reply, view.render('login', {
      locale, title: t(locale, 'login.title'), csrfToken: reply.generateCsrf(), error: t(locale, key), username,
    }), code);
    if (!username || !password) return again('login.missing', 400);
    try {
      const session = await login(fastify.db, fastify.clock, username, password, { ip: request.ip, userAgent: request.headers['user-agent'] ?? null });
      setSessionCookie(request, reply, session.token, session.expiresAt);
      return reply.redirect('/', 303);
    } catch (err) {
      if (isCodedError(err) && err.code === 'ZQ_IDENTITY_LOGIN_FAILED') return again('login.failed', 401);
      throw err;
    }
  });

  fastify.post('/logout', { config: { permission: 'authenticated' }, preHandler: fastify.csrfProtection }, async (request, reply) => {
    if (request.user && request.sessionToken) await invalidateSession(fastify.db, fastify.clock, request.sessionToken, request.user, request.ip);
    clearSessionCookie(reply);
    return reply.redirect('/login', 303);
  });

  fastify.get('/', { config: { permission: 'platform_admin' } }, async (request, reply) => {
    const user = request.user!;
    const locale = consoleLocale(request, reply);
    const port = portSuffix(request.headers.host);
    const sites = await inScope(fastify.db, { kind: 'platform', platformIds: [user.platform_id] }, async (trx) => {
      const rows = await siteRepository.findAll(trx);
      const primaries = await siteRepository.findPrimaryHosts(trx, rows.map((s) => s.id));
      return rows.map((s) => {
        const primary = primaries.get(s.id);
        return {
          name: s.name, code: s.code,
          kindLabel: t(locale, `sites.kind.${s.kind}`), statusLabel: t(locale, `sites.status.${s.status}`),
          url: primary ? `${request.protocol}://${primary.host}${port}${primary.path_prefix}` : '',
        };
      });
    });
    return html(reply, view.render('dashboard', { locale, title: t(locale, 'dashboard.title'), user, sites, csrfToken: reply.generateCsrf() }));
  });

  fastify.setNotFoundHandler(async (request, reply) => {
    const locale = consoleLocale(request, reply);
    if (request.url.startsWith('/api/')) return reply.code(404).send({ code: 'ZQ_NOT_FOUND', message: 'Not found' });
    return html(reply, view.render('error', { locale, title: t(locale, 'error.not_found'), status: 404, message: t(locale, 'error.not_found') }), 404);
  });
}

/** `:3000` when the request came on a non-default port, so printed links work in development. */
export function portSuffix(hostHeader: string | undefined): string {
  const m = /:(\d+)$/.exec(hostHeader ?? '');
  return m && m[1] !== '80' && m[1] !== '443' ? `:${m[1]}` : '';
}
