import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServiceContext } from '@zhanqun/audit/context';
import type { Scope } from '@zhanqun/db/scope';
import { validateApiToken } from '@zhanqun/identity/api-token.service';
import { can, type Permission, type Principal } from '@zhanqun/identity/policy';
import { loadPrincipal, scopeOf } from '@zhanqun/identity/principal';
import { validateSessionToken, type SessionUser } from '@zhanqun/identity/session.service';

export const SESSION_COOKIE = 'zq_session';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in console user (cookie) or API client (Bearer token), or null. Admin host only. */
    user: SessionUser | null;
    /** The user with its grants: what the policy decides on. */
    principal: Principal | null;
    sessionToken: string | null;
    /** The user of a password-only session awaiting its TOTP code. */
    pendingMfaUser: SessionUser | null;
    /** Signed in with a Bearer token: no cookies, so no CSRF. */
    viaApiToken: boolean;
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

const scopes = new WeakMap<FastifyRequest, Promise<Scope>>();
const ROUTE_LEVEL: ReadonlySet<string> = new Set(['public', 'authenticated', 'platform_admin']);

/**
 * The row-level-security scope the requester's grants give it now for the route's permission
 * (computed once per request): a site-manage page reaches only sites the requester manages.
 */
export function requestScope(request: FastifyRequest): Promise<Scope> {
  let scope = scopes.get(request);
  if (!scope) {
    const p = request.principal;
    const permission = request.routeOptions.config.permission;
    const policyPermission = permission && !ROUTE_LEVEL.has(permission) ? (permission as Permission) : undefined;
    scope = p ? scopeOf(request.server.db, p, request.server.clock.now(), policyPermission) : Promise.resolve({ kind: 'sites', siteIds: [] });
    scopes.set(request, scope);
  }
  return scope;
}

/** What a service verb needs from a request: who acts, from where, under which scope and policy. */
export async function requestContext(request: FastifyRequest): Promise<ServiceContext> {
  const { db, clock } = request.server;
  const user = request.user;
  const principal = request.principal;
  return {
    db, clock, scope: await requestScope(request),
    actor: { userId: user?.id ?? null, label: user ? `${user.username}${request.viaApiToken ? ' (api)' : ''}` : 'anonymous', ip: request.ip },
    ...(principal ? { can: (permission: string, target) => can(principal, permission as Permission, target, clock.now()) } : {}),
  };
}

export default fp(async function session(fastify: FastifyInstance) {
  fastify.decorateRequest('user', null);
  fastify.decorateRequest('principal', null);
  fastify.decorateRequest('sessionToken', null);
  fastify.decorateRequest('pendingMfaUser', null);
  fastify.decorateRequest('viaApiToken', false);
  // onRequest, so the permission hook (preValidation) knows who asks before any body is read.
  // Public hosts carry no session: answered synchronously, without a promise per request.
  fastify.addHook('onRequest', (request, _reply, done) => {
    if (!request.isAdminHost) return done();
    identify(request).then(() => done(), done);
  });
  async function identify(request: FastifyRequest): Promise<void> {
    const authorization = request.headers.authorization;
    if (authorization?.startsWith('Bearer ') && request.url.startsWith('/api/')) {
      const user = await validateApiToken(fastify.db, fastify.clock, authorization.slice(7).trim());
      if (user) {
        request.user = user;
        request.viaApiToken = true;
        request.principal = (await loadPrincipal(fastify.db, user.id)) ?? null;
      }
      return;
    }
    const token = request.cookies[SESSION_COOKIE];
    if (!token) return;
    const found = await validateSessionToken(fastify.db, fastify.clock, token);
    if (!found) return;
    request.sessionToken = token;
    // A session that passed only the password is good for the second-factor step, nothing else.
    if (found.session.mfa_pending) {
      request.pendingMfaUser = found.user;
      return;
    }
    request.user = found.user;
    request.principal = (await loadPrincipal(fastify.db, found.user.id)) ?? null;
  }
}, { name: 'zq-session', dependencies: ['zq-context'] });
