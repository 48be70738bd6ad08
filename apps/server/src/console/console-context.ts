import { requestContext, requestScope } from '../plugins/session.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServiceContext } from '@zhanqun/audit/context';
import type { Scope } from '@zhanqun/db/scope';
import { holdsAnywhere, isPlatformAdmin } from '@zhanqun/identity/policy';
import type { SessionUser } from '@zhanqun/identity/session.service';
import { ConsoleView } from '../console-view.js';
import { CATALOGUES, isLocale, t, type Locale } from '../i18n/i18n.js';
import { toRefusal, type Refusal, type RefusalOptions } from './console-form.js';

export const LANG_COOKIE = 'zq_lang';

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

/** `:3000` when the request came on a non-default port, so printed links work in development. */
export function portSuffix(hostHeader: string | undefined): string {
  const m = /:(\d+)$/.exec(hostHeader ?? '');
  return m && m[1] !== '80' && m[1] !== '443' ? `:${m[1]}` : '';
}

let shared: ConsoleView | undefined;
/** One compiled set of console templates per process. */
export function consoleView(): ConsoleView {
  shared ??= new ConsoleView();
  return shared;
}

export function sendHtml(reply: FastifyReply, body: string, code = 200): FastifyReply {
  return reply.code(code).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);
}

/** Which navigation entry a page belongs to (marked aria-current). */
export type NavKey = 'dashboard' | 'org' | 'sites' | 'content' | 'tasks' | 'users' | 'audit' | 'serious_errors' | 'legacy' | 'account';

/** What every signed-in console page gets, besides its own data. */
export interface PageFrame {
  locale: Locale;
  user: SessionUser;
  csrfToken: string;
  nav: Record<NavKey, boolean>;
  /** Navigation entries shown only to those who hold the permission behind them. */
  can: { users: boolean; audit: boolean; content: boolean; seriousErrors: boolean; legacy: boolean };
  notice: string | null;
}

/** A success notice from `?ok=<key>`: only keys of the `ok.` catalogue, so no text can be injected. */
export function okNotice(request: FastifyRequest, locale: Locale): string | null {
  const ok = (request.query as Record<string, unknown> | undefined)?.ok;
  if (typeof ok !== 'string' || !/^[a-z_.]{1,60}$/.test(ok)) return null;
  const key = `ok.${ok}`;
  return key in CATALOGUES['zh-CN'] ? t(locale, key) : null;
}

export function pageFrame(request: FastifyRequest, reply: FastifyReply, nav: NavKey): PageFrame {
  const locale = consoleLocale(request, reply);
  const principal = request.principal;
  const now = request.server.clock.now();
  return {
    locale, user: request.user!, csrfToken: reply.generateCsrf(),
    nav: {
      dashboard: nav === 'dashboard', org: nav === 'org', sites: nav === 'sites', content: nav === 'content', tasks: nav === 'tasks',
      users: nav === 'users', audit: nav === 'audit', serious_errors: nav === 'serious_errors', legacy: nav === 'legacy', account: nav === 'account',
    },
    can: {
      users: principal !== null && holdsAnywhere(principal, 'user.manage', now),
      audit: principal !== null && holdsAnywhere(principal, 'audit.read', now),
      content: principal !== null && holdsAnywhere(principal, 'content.read', now),
      seriousErrors: principal !== null && isPlatformAdmin(principal, now),
      // The migration plan (/legacy) is the platform's: its route asks for platform_admin, as this does.
      legacy: principal !== null && isPlatformAdmin(principal, now),
    },
    notice: okNotice(request, locale),
  };
}

/** Render a console page inside the layout and send it. */
export function renderPage(reply: FastifyReply, template: string, frame: PageFrame, title: string, data: Record<string, unknown>, code = 200): FastifyReply {
  return sendHtml(reply, consoleView().render(template, { ...frame, title, ...data }), code);
}

/** The requester's scope from its grants (a platform admin: its platform, and read-only oversight). */
export function adminScope(_fastify: FastifyInstance, request: FastifyRequest): Promise<Scope> {
  return requestScope(request);
}

/** What the tenancy services need: who acts, from where, under which scope and policy. */
export function serviceContext(_fastify: FastifyInstance, request: FastifyRequest): Promise<ServiceContext> {
  return requestContext(request);
}

/** Redirect-after-POST with a success notice. */
export function done(reply: FastifyReply, url: string, ok: string): FastifyReply {
  const [path, hash] = url.split('#');
  const sep = path!.includes('?') ? '&' : '?';
  return reply.redirect(`${path}${sep}ok=${ok}${hash ? `#${hash}` : ''}`, 303);
}

/** Route options of pages that shape the platform (org tree, new sites): platform admins only. */
export const ADMIN = { permission: 'platform_admin' } as const;
/** Route options of a site's own pages (details, domains, columns): whoever manages that site. */
export const SITE_ADMIN = { permission: 'site.manage' } as const;

/**
 * Run a form's action: on success redirect (303) to `[url, ok]`; on a refused input (a coded
 * error below 500) show the form again through `refused`; anything else goes to the error handler.
 */
export async function attempt(
  request: FastifyRequest, reply: FastifyReply,
  run: () => Promise<[url: string, ok: string]>,
  refused: (refusal: Refusal) => Promise<FastifyReply>,
  opts: RefusalOptions = {},
): Promise<FastifyReply> {
  try {
    const [url, ok] = await run();
    return done(reply, url, ok);
  } catch (err) {
    const refusal = toRefusal(err, consoleLocale(request, reply), opts);
    if (!refusal) throw err;
    request.log.info({ code: (err as { code?: string }).code, field: refusal.field }, 'console form refused');
    return refused(refusal);
  }
}
