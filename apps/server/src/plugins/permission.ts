import fp from 'fastify-plugin';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { createError } from '@zhanqun/core/errors';
import { holdsAnywhere, isPlatformAdmin, type Permission as PolicyPermission } from '@zhanqun/identity/policy';

/**
 * Permissions are data on each route (`config.permission`), enforced by this one hook before the
 * body is validated; the policy module (packages/identity/src/policy.ts) decides.
 * - `public`: anyone (public pages, health, sign-in, assets)
 * - `authenticated`: any signed-in account
 * - `platform_admin`: a platform admin of its platform
 * - a policy permission (`site.manage`, `user.manage`, `audit.read` …): held somewhere; services
 *   then check it against the object touched (`ctx.can`), and row-level security underneath.
 */
export type Permission = 'public' | 'authenticated' | 'platform_admin' | PolicyPermission;
const ROUTE_LEVEL: readonly string[] = ['public', 'authenticated', 'platform_admin'];
const POLICY: readonly string[] = ['platform.manage', 'site.manage', 'user.manage', 'content.read', 'content.edit', 'content.review',
  'content.secrecy_review', 'content.publish', 'submission.submit', 'audit.read'];

declare module 'fastify' {
  interface FastifyContextConfig {
    permission?: Permission;
  }
  interface FastifyInstance {
    /** Every route with its declared permission, for the route-table test and for review. */
    routeTable: { method: string; url: string; permission: Permission | undefined }[];
  }
}

export const UnauthenticatedError = createError('ZQ_IDENTITY_UNAUTHENTICATED', 'Sign in first', 401);
export const ForbiddenError = createError<[string]>('ZQ_IDENTITY_FORBIDDEN', 'Permission %s is required', 403);

export default fp(async function permission(fastify: FastifyInstance) {
  const routes: RouteOptions[] = [];
  fastify.decorate('routeTable', []);
  fastify.addHook('onRoute', (route) => {
    routes.push(route);
  });
  // Checked once every plugin has added its routes (child contexts may fill in config later).
  fastify.addHook('onReady', async () => {
    for (const route of routes) {
      const permission = route.config?.permission;
      for (const method of [route.method].flat()) fastify.routeTable.push({ method, url: route.url, permission });
      if (!permission || (!ROUTE_LEVEL.includes(permission) && !POLICY.includes(permission))) {
        throw new Error(`route ${[route.method].flat().join(',')} ${route.url} declares no valid config.permission`);
      }
    }
  });
  // A callback hook: every check is synchronous, so no promise per request.
  fastify.addHook('preValidation', (request, _reply, done) => {
    const permission = request.routeOptions.config.permission;
    if (permission === 'public' || permission === undefined) return done();
    const principal = request.principal;
    if (!request.user || !principal) return done(new UnauthenticatedError());
    if (permission === 'authenticated') return done();
    const now = fastify.clock.now();
    const ok = permission === 'platform_admin' ? isPlatformAdmin(principal, now) : holdsAnywhere(principal, permission, now);
    done(ok ? undefined : new ForbiddenError(permission));
  });
}, { name: 'zq-permission' });
