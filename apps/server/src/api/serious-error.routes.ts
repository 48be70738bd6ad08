import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServiceContext } from '@zhanqun/audit/context';
import { inScope } from '@zhanqun/db/scope';
import { addTerm, importTerms, listTerms, removeTerm } from '@zhanqun/content/checks/serious-error.service';
import {
  CreateSeriousErrorTermSchema, ImportSeriousErrorsResultSchema, ImportSeriousErrorsSchema, PlatformParamsSchema, SeriousErrorListQuerySchema,
  SeriousErrorListSchema, SeriousErrorTermParamsSchema, SeriousErrorTermSchema, toSeriousErrorTerm,
} from '@zhanqun/content/checks/serious-error.schema';
import { PlatformAdminRequiredError } from '@zhanqun/tenancy/tenancy.errors';
import { serviceContext } from './api-context.js';
import { errors, NoContent } from './api.schema.js';

/**
 * Platform admins only, reads included: the list is the platform's review instrument, not
 * reference reading. Editors meet the entries that matter where they matter (the findings of
 * GET …/articles/:articleId/checks and of a refused submit, with the right form), and a list
 * any content.read holder could page through would hand the whole forbidden-word list to
 * every account, outsourced operators included.
 */
const config = { permission: 'platform_admin' } as const;
const tags = ['serious-errors'];
/** Room for the service's 20,000 rows of Chinese text, JSON-escaped. */
const IMPORT_BODY_LIMIT = 8 * 1024 * 1024;

/**
 * The list of a platform the caller administers, or 403 whether the platform exists or not.
 * Row-level security would answer an empty list for any other platform; a clear refusal tells a
 * client it named the wrong platform, the way every write here does (the service's own check).
 */
function requireOwnPlatform(ctx: ServiceContext, platformId: string): void {
  if (ctx.can && !ctx.can('platform.manage', { platformId })) throw new PlatformAdminRequiredError();
}

/** The platform's serious-error list (严重错误词库): what the pre-publish check blocks, and the right form. */
const seriousErrorRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get('/platforms/:platformId/serious-errors', {
    config,
    schema: {
      tags, summary: 'A page of the platform\'s serious-error list, by term; `q` searches term, correction and note',
      params: PlatformParamsSchema, querystring: SeriousErrorListQuerySchema, response: { 200: SeriousErrorListSchema, ...errors() },
    },
  }, async (request) => {
    const { platformId } = request.params;
    const { q, limit, offset } = request.query;
    const ctx = await serviceContext(request);
    requireOwnPlatform(ctx, platformId);
    const page = await inScope(ctx.db, ctx.scope, (trx) => listTerms(trx, platformId, { limit: limit ?? 50, offset: offset ?? 0, ...(q ? { q } : {}) }));
    return { terms: page.items.map(toSeriousErrorTerm), total: page.total };
  });

  fastify.post('/platforms/:platformId/serious-errors', {
    config,
    schema: {
      tags, summary: 'Add a term; 400 ZQ_VALIDATION (field `term`) if the list already has it (audited as serious_error.add)',
      params: PlatformParamsSchema, body: CreateSeriousErrorTermSchema, response: { 201: SeriousErrorTermSchema, ...errors(415) },
    },
  }, async (request, reply) => {
    const row = await addTerm(await serviceContext(request), request.params.platformId, request.body);
    return reply.code(201).send(toSeriousErrorTerm(row));
  });

  fastify.delete('/platforms/:platformId/serious-errors/:termId', {
    config,
    schema: {
      tags, summary: 'Remove a term (audited as serious_error.remove, with what it was)',
      params: SeriousErrorTermParamsSchema, response: { 204: NoContent, ...errors() },
    },
  }, async (request, reply) => {
    await removeTerm(await serviceContext(request), request.params.platformId, request.params.termId);
    return reply.code(204).send(null);
  });

  fastify.post('/platforms/:platformId/serious-errors/import', {
    config,
    bodyLimit: IMPORT_BODY_LIMIT,
    schema: {
      tags, summary: 'Import a CSV `term,correction,kind,note`, all or nothing: 400 with every bad row in `details.errors`; rows already listed alike are skipped',
      params: PlatformParamsSchema, body: ImportSeriousErrorsSchema, response: { 200: ImportSeriousErrorsResultSchema, ...errors(415) },
    },
  }, async (request) => importTerms(await serviceContext(request), request.params.platformId, request.body.csv));
};

export default seriousErrorRoutes;
