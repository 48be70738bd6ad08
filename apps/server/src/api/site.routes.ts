import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import * as siteRepository from '@zhanqun/tenancy/site.repository';
import { listSites } from '@zhanqun/tenancy/site-query';
import { closeSite, createSite, setSiteStatus, updateSite } from '@zhanqun/tenancy/site.service';
import {
  CreateSiteSchema, SiteListQuerySchema, SiteListSchema, SiteParamsSchema, SiteSchema, SiteStatusBodySchema, toSite, toSiteListItem,
  UpdateSiteSchema,
} from '@zhanqun/tenancy/site.schema';
import { SiteNotFoundError } from '@zhanqun/tenancy/tenancy.errors';
import { platformIdOf, readScoped, serviceContext } from './api-context.js';
import { errors } from './api.schema.js';

/** Reading and editing a site: whoever manages it. Creating, going live and closing: platform admins. */
const config = { permission: 'site.manage' } as const;
const platformConfig = { permission: 'platform_admin' } as const;
const tags = ['sites'];

/** Sites (网站): provisioning, details, status and closing. */
const siteRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get('/sites', {
    config,
    schema: {
      tags, summary: 'Search the sites this platform runs or oversees (name or code, kind, status, org subtree)',
      querystring: SiteListQuerySchema, response: { 200: SiteListSchema, ...errors() },
    },
  }, async (request) => {
    const { limit = 50, offset = 0, ...filter } = request.query;
    const { rows, total } = await readScoped(request, (trx) => listSites(trx, { ...filter, limit, offset }));
    return { sites: rows.map(toSiteListItem), total };
  });

  fastify.post('/sites', {
    config: platformConfig,
    schema: {
      tags, summary: 'Provision a site (portal, department site or sub-site); it starts in provisioning',
      body: CreateSiteSchema, response: { 201: SiteSchema, ...errors(409, 415, 422) },
    },
  }, async (request, reply) => {
    const { adminHost, devDomain } = fastify.config;
    const row = await createSite(await serviceContext(request), { ...request.body, platformId: platformIdOf(request), adminHost, devDomain });
    return reply.code(201).send(toSite(row));
  });

  fastify.get('/sites/:id', {
    config,
    schema: { tags, summary: 'One site', params: SiteParamsSchema, response: { 200: SiteSchema, ...errors() } },
  }, async (request) => {
    const { id } = request.params;
    const row = await readScoped(request, (trx) => siteRepository.findById(trx, id));
    if (!row) throw new SiteNotFoundError(id);
    return toSite(row);
  });

  fastify.patch('/sites/:id', {
    config,
    schema: {
      tags, summary: 'Change a site\'s details (its code and kind stay)',
      params: SiteParamsSchema, body: UpdateSiteSchema, response: { 200: SiteSchema, ...errors(409, 415) },
    },
  }, async (request) => toSite(await updateSite(await serviceContext(request), request.params.id, request.body)));

  fastify.post('/sites/:id/status', {
    config: platformConfig,
    schema: {
      tags, summary: 'Move a site through provisioning → live (→ closed), or migrating',
      params: SiteParamsSchema, body: SiteStatusBodySchema, response: { 200: SiteSchema, ...errors(415) },
    },
  }, async (request) => toSite(await setSiteStatus(await serviceContext(request), request.params.id, request.body.status)));

  fastify.post('/sites/:id/close', {
    config: platformConfig,
    schema: {
      tags, summary: 'Close a site: it stops answering publicly; its rows, URLs and audit trail stay',
      params: SiteParamsSchema, response: { 200: SiteSchema, ...errors() },
    },
  }, async (request) => toSite(await closeSite(await serviceContext(request), request.params.id)));
};

export default siteRoutes;
