import type { FastifyRequest } from 'fastify';
import type { ServiceContext } from '@zhanqun/audit/context';
import { inScope, type Tx } from '@zhanqun/db/scope';
import { requestContext } from '../plugins/session.js';
import { UnauthenticatedError } from '../plugins/permission.js';

/**
 * What a service verb needs, from the request: the database, the clock, the signed-in user as
 * actor (username, client IP) and the scope of a platform admin (its own platform, and read-only
 * oversight of the city platforms under it).
 */
export async function serviceContext(request: FastifyRequest): Promise<ServiceContext> {
  const user = request.user;
  // The permission hook has already refused anonymous requests; this keeps the types honest.
  if (!user) throw new UnauthenticatedError();
  return requestContext(request);
}

/** A read in one transaction under the requester's scope (row-level security does the filtering). */
export async function readScoped<T>(request: FastifyRequest, fn: (trx: Tx) => Promise<T>): Promise<T> {
  const ctx = await serviceContext(request);
  return inScope(ctx.db, ctx.scope, fn);
}

/** The signed-in user's own platform: where new org units go and whose sites a list shows first. */
export function platformIdOf(request: FastifyRequest): string {
  if (!request.user) throw new UnauthenticatedError();
  return request.user.platform_id;
}
