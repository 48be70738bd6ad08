import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isCodedError } from '@zhanqun/core/errors';
import { beginTotpEnrollment, completeSecondFactor, invalidateSession, login } from '@zhanqun/identity/session.service';
import { totpUri } from '@zhanqun/identity/totp';
import { findUserById } from '@zhanqun/identity/user.service';
import { inScope } from '@zhanqun/db/scope';
import { isLocale, t, type Locale } from '../i18n/i18n.js';
import { clearSessionCookie, setSessionCookie } from '../plugins/session.js';
import { consoleLocale, consoleView, okNotice, sendHtml } from './console-context.js';

interface LoginBody { username?: string; password?: string; lang?: string }
interface CodeBody { code?: string; lang?: string }

const meta = (request: FastifyRequest) => ({ ip: request.ip, userAgent: request.headers['user-agent'] ?? null });
const LOGIN_LIMIT = { max: 20, timeWindow: '1 minute' };

/**
 * Sign-in in two steps: the password, then for platform admins and anyone enrolled a TOTP code
 * (or a recovery code). A platform admin without a second factor enrols at its first sign-in.
 * Each step is throttled per IP; the account itself locks after five failures (identity package).
 */
export default async function loginPages(fastify: FastifyInstance) {
  const view = consoleView();
  const page = (reply: FastifyReply, name: string, locale: Locale, title: string, data: Record<string, unknown>, code = 200) =>
    sendHtml(reply, view.render(name, { locale, title: t(locale, title), csrfToken: reply.generateCsrf(), ...data }), code);

  fastify.get('/login', { config: { permission: 'public' } }, async (request, reply) => {
    const locale = consoleLocale(request, reply);
    if (request.user) return reply.redirect('/');
    // After a password change or "sign out everywhere" (我的账号), say so here.
    return page(reply, 'login', locale, 'login.title', { notice: okNotice(request, locale) });
  });

  fastify.post<{ Body: LoginBody }>('/login', { config: { permission: 'public', rateLimit: LOGIN_LIMIT }, preHandler: fastify.csrfProtection }, async (request, reply) => {
    const locale: Locale = isLocale(request.body?.lang) ? request.body.lang : consoleLocale(request, reply);
    const username = String(request.body?.username ?? '').trim();
    const password = String(request.body?.password ?? '');
    const again = (message: string, code: number) => page(reply, 'login', locale, 'login.title', { error: message, username }, code);
    if (!username || !password) return again(t(locale, 'login.missing'), 400);
    try {
      const session = await login(fastify.db, fastify.clock, username, password, meta(request));
      setSessionCookie(request, reply, session.token, session.expiresAt);
      return reply.redirect(session.secondFactor === 'none' ? '/' : '/login/totp', 303);
    } catch (err) {
      if (isCodedError(err) && err.code === 'ZQ_IDENTITY_LOGIN_FAILED') return again(t(locale, 'login.failed'), 401);
      if (isCodedError(err) && err.code === 'ZQ_IDENTITY_ACCOUNT_LOCKED') return again(t(locale, 'login.locked'), 423);
      throw err;
    }
  });

  fastify.get('/login/totp', { config: { permission: 'public' } }, async (request, reply) => {
    const locale = consoleLocale(request, reply);
    const user = request.pendingMfaUser;
    if (!user) return reply.redirect(request.user ? '/' : '/login', 303);
    return page(reply, 'login-totp', locale, 'login.totp.title', await enrolment(fastify, user.id, user.username));
  });

  fastify.post<{ Body: CodeBody }>('/login/totp', { config: { permission: 'public', rateLimit: LOGIN_LIMIT }, preHandler: fastify.csrfProtection }, async (request, reply) => {
    const locale: Locale = isLocale(request.body?.lang) ? request.body.lang : consoleLocale(request, reply);
    const user = request.pendingMfaUser;
    if (!user || !request.sessionToken) return reply.redirect('/login', 303);
    try {
      const done = await completeSecondFactor(fastify.db, fastify.clock, request.sessionToken, String(request.body?.code ?? ''), meta(request));
      setSessionCookie(request, reply, done.token, done.expiresAt);
      if (done.recoveryCodes) return page(reply, 'login-recovery', locale, 'login.recovery.title', { codes: done.recoveryCodes });
      return reply.redirect('/', 303);
    } catch (err) {
      if (!isCodedError(err) || !['ZQ_IDENTITY_SECOND_FACTOR_FAILED', 'ZQ_IDENTITY_ACCOUNT_LOCKED'].includes(err.code)) throw err;
      const key = err.code === 'ZQ_IDENTITY_ACCOUNT_LOCKED' ? 'login.locked' : 'login.totp.failed';
      return page(reply, 'login-totp', locale, 'login.totp.title', { ...(await enrolment(fastify, user.id, user.username)), error: t(locale, key) }, 401);
    }
  });

  fastify.post('/logout', { config: { permission: 'public' }, preHandler: fastify.csrfProtection }, async (request, reply) => {
    const user = request.user ?? request.pendingMfaUser;
    if (user && request.sessionToken) await invalidateSession(fastify.db, fastify.clock, request.sessionToken, user, request.ip);
    clearSessionCookie(reply);
    return reply.redirect('/login', 303);
  });
}

/** For a first sign-in without a second factor: the key to enter into an authenticator app. */
async function enrolment(fastify: FastifyInstance, userId: string, username: string): Promise<{ enroll: boolean; key?: string; uri?: string }> {
  const row = await inScope(fastify.db, { kind: 'sites', siteIds: [], userId }, (trx) => findUserById(trx, userId));
  if (row?.totp_enabled_at) return { enroll: false };
  const key = await beginTotpEnrollment(fastify.db, userId);
  return { enroll: true, key, uri: totpUri('zhanqun', username, key) };
}
