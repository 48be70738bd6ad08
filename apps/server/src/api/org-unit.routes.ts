import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { invalid } from '@zhanqun/core/errors';
import { createOrgUnit, listOrgUnits, moveOrgUnit, renameOrgUnit, setOversightUnit } from '@zhanqun/tenancy/org-unit.service';
import {
  CreateOrgUnitSchema, OrgUnitListSchema, OrgUnitParamsSchema, OrgUnitSchema, toOrgUnit, UpdateOrgUnitSchema,
} from '@zhanqun/tenancy/org-unit.schema';
import { platformIdOf, readScoped, serviceContext } from './api-context.js';
import { errors } from './api.schema.js';

const config = { permission: 'platform_admin' } as const;
const tags = ['org-units'];

/** The province tree (org units) of the signed-in admin's platform. */
const orgUnitRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get('/org-units', {
    config,
    schema: { tags, summary: 'List the org units of this platform, in tree order', response: { 200: OrgUnitListSchema, ...errors() } },
  }, async (request) => {
    const rows = await readScoped(request, (trx) => listOrgUnits(trx, platformIdOf(request)));
    return { orgUnits: rows.map(toOrgUnit) };
  });

  fastify.post('/org-units', {
    config,
    schema: { tags, summary: 'Add an org unit to the tree', body: CreateOrgUnitSchema, response: { 201: OrgUnitSchema, ...errors(415) } },
  }, async (request, reply) => {
    const { parentId, ...rest } = request.body;
    const row = await createOrgUnit(await serviceContext(request), { ...rest, platformId: platformIdOf(request), parentId: parentId ?? null });
    return reply.code(201).send(toOrgUnit(row));
  });

  fastify.patch('/org-units/:id', {
    config,
    schema: {
      tags, summary: 'Rename, move, or set the overseeing unit (垂直管理) — one change per request',
      params: OrgUnitParamsSchema, body: UpdateOrgUnitSchema, response: { 200: OrgUnitSchema, ...errors(415) },
    },
  }, async (request) => {
    const ctx = await serviceContext(request);
    const { id } = request.params;
    const { name, parentId, oversightUnitId } = request.body;
    const row = name !== undefined ? await renameOrgUnit(ctx, id, name)
      : parentId !== undefined ? await moveOrgUnit(ctx, id, parentId)
        : oversightUnitId !== undefined ? await setOversightUnit(ctx, id, oversightUnitId)
          : undefined;
    if (!row) throw invalid('body', 'give one of name, parentId or oversightUnitId');
    return toOrgUnit(row);
  });
};

export default orgUnitRoutes;
