import fp from 'fastify-plugin';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { createError } from '@zhanqun/core/errors';

/**
 * Permissions are data on each route (`config.permission`), enforced by this one hook. Until
 * the identity issue brings roles and scoped grants, the console is for platform admins only.
 * - `public`: anyone (public pages, health, login form, assets)
 * - `authenticated`: any signed-in account (logout)
 * - `platform_admin`: a platform admin
 */
export type Permission = 'public' | 'authenticated' | 'platform_admin';
const PERMISSIONS: readonly Permission[] = ['public', 'authenticated', 'platform_admin'];

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
      if (!permission || !PERMISSIONS.includes(permission)) {
        throw new Error(`route ${[route.method].flat().join(',')} ${route.url} declares no valid config.permission`);
      }
    }
  });
  fastify.addHook('preHandler', async (request) => {
    const permission = request.routeOptions.config.permission;
    if (permission === 'public' || permission === undefined) return;
    if (!request.user) throw new UnauthenticatedError();
    if (permission === 'platform_admin' && !request.user.is_platform_admin) throw new ForbiddenError(permission);
  });
}, { name: 'zq-permission' });
