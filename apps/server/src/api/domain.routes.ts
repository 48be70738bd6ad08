import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { addDomain, removeDomain, setPrimaryDomain } from '@zhanqun/tenancy/domain.service';
import { AddDomainSchema, DomainListSchema, DomainParamsSchema, DomainSchema, toDomain } from '@zhanqun/tenancy/domain.schema';
import * as siteRepository from '@zhanqun/tenancy/site.repository';
import { SiteParamsSchema } from '@zhanqun/tenancy/site.schema';
import { SiteNotFoundError } from '@zhanqun/tenancy/tenancy.errors';
import { readScoped, serviceContext } from './api-context.js';
import { errors, NoContent } from './api.schema.js';

const config = { permission: 'site.manage' } as const;
const tags = ['domains'];

/** A site's hosts: primary, aliases (301 to the primary) and legacy hosts; sub-site mounts follow. */
const domainRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get('/sites/:id/domains', {
    config,
    schema: {
      tags, summary: 'The hosts (and sub-site mounts) a site answers on',
      params: SiteParamsSchema, response: { 200: DomainListSchema, ...errors() },
    },
  }, async (request) => {
    const { id } = request.params;
    const rows = await readScoped(request, async (trx) => ((await siteRepository.findById(trx, id)) ? siteRepository.findDomains(trx, id) : undefined));
    if (!rows) throw new SiteNotFoundError(id);
    return { domains: rows.map(toDomain) };
  });

  fastify.post('/sites/:id/domains', {
    config,
    schema: {
      tags, summary: 'Give a site another host (a host belongs to one site across all platforms)',
      params: SiteParamsSchema, body: AddDomainSchema, response: { 201: DomainSchema, ...errors(409, 415) },
    },
  }, async (request, reply) => {
    const { host, role = 'alias' } = request.body;
    const row = await addDomain(await serviceContext(request), request.params.id, { host, role, adminHost: fastify.config.adminHost });
    return reply.code(201).send(toDomain(row));
  });

  fastify.delete('/sites/:id/domains/:domainId', {
    config,
    schema: {
      tags, summary: 'Remove a host from a site (never its primary)',
      params: DomainParamsSchema, response: { 204: NoContent, ...errors() },
    },
  }, async (request, reply) => {
    await removeDomain(await serviceContext(request), request.params.id, request.params.domainId);
    return reply.code(204).send(null);
  });

  fastify.post('/sites/:id/domains/:domainId/primary', {
    config,
    schema: {
      tags, summary: 'Make a host the primary one; the former primary becomes an alias (301)',
      params: DomainParamsSchema, response: { 200: DomainSchema, ...errors() },
    },
  }, async (request) => toDomain(await setPrimaryDomain(await serviceContext(request), request.params.id, request.params.domainId)));
};

export default domainRoutes;
