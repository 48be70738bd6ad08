import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ApplyTemplateResultSchema, ApplyTemplateSchema, CreateTemplateSchema, TemplateListSchema, TemplateParamsSchema, TemplateSchema, toTemplate } from '@zhanqun/tenancy/column.schema';
import { templateFromPaths } from '@zhanqun/tenancy/standard-template';
import { applyTemplate, createTemplate, listTemplates } from '@zhanqun/tenancy/template.service';
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

  fastify.post('/templates', {
    config,
    schema: {
      tags, summary: 'Save a column template of this platform (columns as paths: /zwdt/, /zwdt/tzgg/ …)',
      body: CreateTemplateSchema, response: { 201: TemplateSchema, ...errors(415) },
    },
  }, async (request, reply) => {
    const { code, name, columns } = request.body;
    const created = await createTemplate(await serviceContext(request), { code, name, columns: templateFromPaths(columns) });
    return reply.code(201).send(toTemplate(created));
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
