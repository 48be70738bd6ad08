import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { validateSessionToken, type SessionUser } from '@zhanqun/identity/session.service';

export const SESSION_COOKIE = 'zq_session';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in console user, or null. Set only on the admin host. */
    user: SessionUser | null;
    sessionToken: string | null;
    /** The user of a password-only session awaiting its TOTP code. */
    pendingMfaUser: SessionUser | null;
  }
}

/** Cookie options: HttpOnly, SameSite=Lax, Secure behind TLS, host-only (the admin host). */
export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string, expiresAt: Date): void {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/', httpOnly: true, sameSite: 'lax', secure: request.protocol === 'https', expires: expiresAt,
  });
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

export default fp(async function session(fastify: FastifyInstance) {
  fastify.decorateRequest('user', null);
  fastify.decorateRequest('sessionToken', null);
  fastify.decorateRequest('pendingMfaUser', null);
  fastify.addHook('preValidation', async (request) => {
    if (!request.isAdminHost) return;
    const token = request.cookies[SESSION_COOKIE];
    if (!token) return;
    const found = await validateSessionToken(fastify.db, fastify.clock, token);
    if (!found) return;
    request.sessionToken = token;
    // A session that passed only the password is good for the second-factor step, nothing else.
    if (found.session.mfa_pending) request.pendingMfaUser = found.user;
    else request.user = found.user;
  });
}, { name: 'zq-session', dependencies: ['zq-context'] });
