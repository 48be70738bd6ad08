import type { FastifyInstance } from 'fastify';
import { inScope } from '@zhanqun/db/scope';
import * as siteRepository from '@zhanqun/tenancy/site.repository';

const SiteSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, code: { type: 'string' }, name: { type: 'string' }, kind: { type: 'string' },
    status: { type: 'string' }, siteIdCode: { type: ['string', 'null'] }, parentSiteId: { type: ['string', 'null'] },
  },
  required: ['id', 'code', 'name', 'kind', 'status'],
} as const;

/** The JSON API (/api/v1), admin host only. Bearer tokens for machine clients arrive with the identity issue. */
export default async function apiRoutes(fastify: FastifyInstance) {
  fastify.get('/sites', {
    config: { permission: 'platform_admin' },
    schema: { response: { 200: { type: 'object', properties: { sites: { type: 'array', items: SiteSchema } } } } },
  }, async (request) => {
    const user = request.user!;
    const rows = await inScope(fastify.db, { kind: 'platform', platformIds: [user.platform_id] }, (trx) => siteRepository.findAll(trx));
    return {
      sites: rows.map((s) => ({
        id: s.id, code: s.code, name: s.name, kind: s.kind, status: s.status, siteIdCode: s.site_id_code, parentSiteId: s.parent_site_id,
      })),
    };
  });
}
