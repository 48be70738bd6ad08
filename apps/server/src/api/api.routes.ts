import type { FastifyInstance } from 'fastify';
import { createError } from '@zhanqun/core/errors';
import { normaliseHost } from '@zhanqun/tenancy/host';
import articleRoutes from './article.routes.js';
import attachmentRoutes from './attachment.routes.js';
import columnRoutes from './column.routes.js';
import domainRoutes from './domain.routes.js';
import orgUnitRoutes from './org-unit.routes.js';
import seriousErrorRoutes from './serious-error.routes.js';
import siteRoutes from './site.routes.js';
import templateRoutes from './template.routes.js';

export const CrossOriginError = createError<[string]>('ZQ_API_CROSS_ORIGIN', 'Requests from %s may not change data', 403);

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The JSON API (/api/v1), admin host only; every route declares `config.permission` and has
 * TypeBox schemas for its input and for each status it answers (OpenAPI at /api/docs).
 * Machine clients send `Authorization: Bearer zqt_…` (no cookies, no CSRF, no CORS); browsers
 * may also use the console's session cookie, so the API guards against cross-site requests
 * itself: it takes JSON bodies only (a form or text/plain post answers 415), and a browser's
 * write from any other origin is refused.
 */
export default async function apiRoutes(fastify: FastifyInstance) {
  fastify.removeContentTypeParser(['application/x-www-form-urlencoded', 'text/plain', 'application/json']);
  // Many HTTP clients label a bodiless POST (close, primary) as JSON: an empty body is no body.
  const json = fastify.getDefaultJsonParser('error', 'error');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text.trim() === '') done(null, undefined);
    else json(request, text, done);
  });
  fastify.addHook('onRequest', async (request) => {
    const origin = request.headers.origin;
    if (SAFE_METHODS.has(request.method) || origin === undefined) return;
    let host: string | null = null;
    try { host = normaliseHost(new URL(origin).host); } catch { /* "null" and other opaque origins */ }
    if (host !== fastify.config.adminHost) throw new CrossOriginError(origin);
  });
  await fastify.register(orgUnitRoutes);
  await fastify.register(siteRoutes);
  await fastify.register(domainRoutes);
  await fastify.register(columnRoutes);
  await fastify.register(templateRoutes);
  await fastify.register(articleRoutes);
  await fastify.register(attachmentRoutes);
  await fastify.register(seriousErrorRoutes);
}
