import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { invalid } from '@zhanqun/core/errors';
import { inScope } from '@zhanqun/db/scope';
import { createApiToken, listApiTokens, revokeApiToken } from '@zhanqun/identity/api-token.service';
import {
  beginTotpEnrollment, confirmTotpEnrollment, invalidateAllSessions, listSessions, sessionIdOf,
} from '@zhanqun/identity/session.service';
import { totpUri } from '@zhanqun/identity/totp';
import { changeOwnPassword, findUserById, NO_SITES, setOwnLocale } from '@zhanqun/identity/user.service';
import { isLocale, LOCALES, t } from '../i18n/i18n.js';
import { clearSessionCookie, requestContext } from '../plugins/session.js';
import { attempt, consoleLocale, LANG_COOKIE, pageFrame, renderPage } from './console-context.js';
import { lastDay, shown, shownUntil, throughDay } from './console-date.js';
import { formState, options, text, toRefusal, values, type FormBody, type FormState, type Refusal, type RefusalOptions } from './console-form.js';

type FormKey = 'password' | 'locale' | 'token' | 'tokens' | 'totp';
type Forms = Partial<Record<FormKey, FormState>>;
const AUTH = { permission: 'authenticated' } as const;
const TokenParams = { type: 'object', properties: { tokenId: { type: 'string', format: 'uuid' } }, required: ['tokenId'] } as const;
// Checking the current password is an oracle for whoever holds a stolen session: throttle it.
const PASSWORD_LIMIT = { max: 10, timeWindow: '1 minute' };
const OPTS: RefusalOptions = { ns: 'account', fields: { ZQ_IDENTITY_SECOND_FACTOR_FAILED: 'code' } };
/** A password field exactly as typed (never trimmed). */
function secret(body: FormBody, name: string): string {
  const v = body?.[name];
  return typeof v === 'string' ? v : '';
}

/**
 * Run a form whose success is a page of its own (a token or recovery codes shown once), not a
 * redirect; a refused input shows the form again, like `attempt`.
 */
async function attemptPage(request: FastifyRequest, reply: FastifyReply, run: () => Promise<FastifyReply>, refused: (r: Refusal) => Promise<FastifyReply>) {
  try {
    return await run();
  } catch (err) {
    const refusal = toRefusal(err, consoleLocale(request, reply), OPTS);
    if (!refusal) throw err;
    request.log.info({ code: (err as { code?: string }).code, field: refusal.field }, 'console form refused');
    return refused(refusal);
  }
}

/** 我的账号: password, second factor, sessions ("sign out everywhere"), console language, API tokens. */
export default async function accountPages(fastify: FastifyInstance) {
  const { db, clock } = fastify;

  async function show(request: FastifyRequest, reply: FastifyReply, forms: Forms = {}, extra: Record<string, unknown> = {}, code = 200) {
    const frame = pageFrame(request, reply, 'account');
    const { locale, user } = frame;
    const now = clock.now();
    const [me, sessions, tokens] = await Promise.all([
      inScope(db, { ...NO_SITES, userId: user.id }, (trx) => findUserById(trx, user.id)),
      listSessions(db, user.id), listApiTokens(db, user.id),
    ]);
    const current = request.sessionToken ? sessionIdOf(request.sessionToken) : null;
    const localeForm = forms.locale ?? formState({ locale: me?.locale ?? 'zh-CN' });
    const refused = Object.values(forms).find((f) => f.error)?.error ?? null;
    return renderPage(reply, 'account', frame, t(locale, 'account.title'), {
      refused,
      me: me && {
        username: me.username, displayName: me.display_name, passwordChanged: shown(me.password_changed_at),
        outsourced: me.is_outsourced, contractRef: me.contract_ref, contractEnd: me.contract_end ? lastDay(me.contract_end) : '',
        totpSince: shown(me.totp_enabled_at), totpPending: !me.totp_enabled_at && me.totp_key !== null,
      },
      password: forms.password ?? formState(),
      localeForm, locales: options(LOCALES.map((l) => [l, t(locale, `account.locale.${l}`)]), localeForm.values.locale),
      sessions: sessions.map((s) => ({
        created: shown(s.created_at), expires: shown(s.expires_at), ip: s.ip ?? '', agent: (s.user_agent ?? '').slice(0, 120),
        current: s.id === current, pending: s.mfa_pending,
      })),
      token: forms.token ?? formState(), tokensRefused: forms.tokens?.error ?? null,
      tokens: tokens.map((k) => {
        const status = k.revoked_at ? 'revoked' : k.expires_at && k.expires_at <= now ? 'expired' : 'active';
        return {
          id: k.id, name: k.name, created: shown(k.created_at), lastUsed: shown(k.last_used_at), expires: shownUntil(k.expires_at),
          status, statusLabel: t(locale, `account.token.${status}`), active: status === 'active',
        };
      }),
      canHaveTokens: !me?.is_outsourced,
      ...extra,
    }, code);
  }

  const again = (request: FastifyRequest, reply: FastifyReply, form: FormKey) =>
    (refusal: Refusal) => show(request, reply, {
      // Passwords are never sent back into the page.
      [form]: formState(form === 'password' ? {} : values(request.body as FormBody), refusal),
    }, {}, refusal.status);
  const post = { config: AUTH, preHandler: fastify.csrfProtection };

  fastify.get('/account', { config: AUTH }, async (request, reply) => show(request, reply));

  // A changed password ends every session, this one too: on to the sign-in page with a notice.
  fastify.post<{ Body: FormBody }>('/account/password', { ...post, config: { ...AUTH, rateLimit: PASSWORD_LIMIT } }, async (request, reply) => {
    const body = request.body;
    return attempt(request, reply, async () => {
      const next = secret(body, 'newPassword');
      if (next !== secret(body, 'newPasswordConfirm')) throw invalid('newPasswordConfirm', 'the two new passwords do not match');
      await changeOwnPassword(db, clock, request.user!.id, secret(body, 'currentPassword'), next, request.ip);
      clearSessionCookie(reply);
      return ['/login', 'account.password_changed'];
    }, again(request, reply, 'password'), OPTS);
  });

  fastify.post('/account/sessions/end-all', post, async (request, reply) => {
    await invalidateAllSessions(db, clock, request.user!, request.ip);
    clearSessionCookie(reply);
    return reply.redirect('/login?ok=account.signed_out', 303);
  });

  // The saved language wins from now on: the ?lang= switch's cookie is dropped.
  fastify.post<{ Body: FormBody }>('/account/locale', post, async (request, reply) => attempt(request, reply, async () => {
    const locale = text(request.body, 'locale');
    if (!isLocale(locale)) throw invalid('locale', 'must be zh-CN or en');
    await setOwnLocale(db, request.user!.id, locale);
    reply.clearCookie(LANG_COOKIE, { path: '/' });
    return ['/account#language', 'account.locale_saved'];
  }, again(request, reply, 'locale'), OPTS));

  fastify.post('/account/totp/begin', post, async (request, reply) => {
    const me = await inScope(db, { ...NO_SITES, userId: request.user!.id }, (trx) => findUserById(trx, request.user!.id));
    if (!me?.totp_enabled_at) await beginTotpEnrollment(db, request.user!.id);
    return reply.redirect(me?.totp_enabled_at ? '/account#totp' : '/account/totp', 303);
  });

  // The key begun above stays until confirmed (a reload does not change it under the user's app).
  async function totpPage(request: FastifyRequest, reply: FastifyReply, form: FormState = formState(), code = 200) {
    const frame = pageFrame(request, reply, 'account');
    const me = await inScope(db, { ...NO_SITES, userId: frame.user.id }, (trx) => findUserById(trx, frame.user.id));
    if (!me?.totp_key || me.totp_enabled_at) return reply.redirect('/account#totp', 303);
    return renderPage(reply, 'account-totp', frame, t(frame.locale, 'account.totp.title'), {
      key: me.totp_key, uri: totpUri('zhanqun', me.username, me.totp_key), form,
    }, code);
  }

  fastify.get('/account/totp', { config: AUTH }, async (request, reply) => totpPage(request, reply));

  fastify.post<{ Body: FormBody }>('/account/totp', { ...post, config: { ...AUTH, rateLimit: PASSWORD_LIMIT } }, async (request, reply) =>
    attemptPage(request, reply, async () => {
      const codes = await confirmTotpEnrollment(db, clock, request.user!.id, text(request.body, 'code'), request.ip);
      const frame = pageFrame(request, reply, 'account');
      return renderPage(reply, 'account-totp', frame, t(frame.locale, 'account.totp.done_title'), { codes });
    }, (refusal) => totpPage(request, reply, formState({}, refusal), refusal.status === 401 ? 400 : refusal.status)));

  // A new token is shown once, on the page that answers the form; only its hash is kept.
  fastify.post<{ Body: FormBody }>('/account/tokens', post, async (request, reply) => {
    const body = request.body;
    return attemptPage(request, reply, async () => {
      const name = text(body, 'name');
      const created = await createApiToken(await requestContext(request), request.principal!, { name, expiresAt: throughDay(body, 'expiresAt') });
      return show(request, reply, {}, { newToken: { name, token: created.token } });
    }, again(request, reply, 'token'));
  });

  fastify.post<{ Params: { tokenId: string } }>('/account/tokens/:tokenId/revoke', { ...post, schema: { params: TokenParams } }, async (request, reply) =>
    attempt(request, reply, async () => {
      await revokeApiToken(await requestContext(request), request.principal!, request.params.tokenId);
      return ['/account#tokens', 'account.token_revoked'];
    }, again(request, reply, 'tokens'), OPTS));
}
