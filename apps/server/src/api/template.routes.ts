import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ApplyTemplateResultSchema, ApplyTemplateSchema, TemplateListSchema, TemplateParamsSchema, toTemplate } from '@zhanqun/tenancy/column.schema';
import { applyTemplate, listTemplates } from '@zhanqun/tenancy/template.service';
import { platformIdOf, readScoped, serviceContext } from './api-context.js';
import { errors } from './api.schema.js';

const config = { permission: 'platform_admin' } as const;
const tags = ['templates'];

/** Column templates: the built-in standard 政府信息公开 template and the platform's own. */
const templateRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get('/templates', {
    config,
    schema: { tags, summary: 'The column templates this platform can apply', response: { 200: TemplateListSchema, ...errors() } },
  }, async (request) => {
    const rows = await readScoped(request, (trx) => listTemplates(trx, platformIdOf(request)));
    return { templates: rows.map(toTemplate) };
  });

  fastify.post('/templates/:ref/apply', {
    config,
    schema: {
      tags, summary: 'Apply a template to many sites at once: each gets the columns it lacks, none are deleted',
      params: TemplateParamsSchema, body: ApplyTemplateSchema, response: { 200: ApplyTemplateResultSchema, ...errors(415) },
    },
  }, async (request) => applyTemplate(await serviceContext(request), request.params.ref, request.body.siteIds));
};

export default templateRoutes;
