import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import * as columnRepository from '@zhanqun/tenancy/column.repository';
import { closeColumn, createColumn, mergeColumn, moveColumn, reorderColumns, updateColumn } from '@zhanqun/tenancy/column.service';
import {
  ColumnListSchema, ColumnParamsSchema, ColumnSchema, CreateColumnSchema, MergeColumnSchema, MoveColumnSchema, ReorderColumnsSchema,
  toColumn, UpdateColumnSchema,
} from '@zhanqun/tenancy/column.schema';
import * as siteRepository from '@zhanqun/tenancy/site.repository';
import { SiteParamsSchema } from '@zhanqun/tenancy/site.schema';
import { SiteNotFoundError } from '@zhanqun/tenancy/tenancy.errors';
import { readScoped, serviceContext } from './api-context.js';
import { errors, NoContent } from './api.schema.js';

const config = { permission: 'site.manage' } as const;
const tags = ['columns'];

/** A site's tree of channels (频道) and columns (栏目); merged and closed paths keep answering 301 / 410. */
const columnRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get('/sites/:id/columns', {
    config,
    schema: { tags, summary: 'The open columns of a site, in tree order', params: SiteParamsSchema, response: { 200: ColumnListSchema, ...errors() } },
  }, async (request) => {
    const { id } = request.params;
    const rows = await readScoped(request, async (trx) => ((await siteRepository.findById(trx, id)) ? columnRepository.findAll(trx, id) : undefined));
    if (!rows) throw new SiteNotFoundError(id);
    return { columns: rows.map(toColumn) };
  });

  fastify.post('/sites/:id/columns', {
    config,
    schema: {
      tags, summary: 'Add a column; a top-level one is a channel',
      params: SiteParamsSchema, body: CreateColumnSchema, response: { 201: ColumnSchema, ...errors(415) },
    },
  }, async (request, reply) => {
    const row = await createColumn(await serviceContext(request), request.params.id, request.body);
    return reply.code(201).send(toColumn(row));
  });

  fastify.post('/sites/:id/columns/reorder', {
    config,
    schema: {
      tags, summary: 'Order the sub-columns of a parent (or the channels, with parentId null)',
      params: SiteParamsSchema, body: ReorderColumnsSchema, response: { 204: NoContent, ...errors(415) },
    },
  }, async (request, reply) => {
    await reorderColumns(await serviceContext(request), request.params.id, request.body.parentId, request.body.orderedIds);
    return reply.code(204).send(null);
  });

  fastify.patch('/sites/:id/columns/:columnId', {
    config,
    schema: {
      tags, summary: 'Rename a column, or change its census kind or description (its path stays)',
      params: ColumnParamsSchema, body: UpdateColumnSchema, response: { 200: ColumnSchema, ...errors(415) },
    },
  }, async (request) => toColumn(await updateColumn(await serviceContext(request), request.params.id, request.params.columnId, request.body)));

  fastify.post('/sites/:id/columns/:columnId/move', {
    config,
    schema: {
      tags, summary: 'Move a column and its sub-columns; old paths answer 301 to the new ones',
      params: ColumnParamsSchema, body: MoveColumnSchema, response: { 200: ColumnSchema, ...errors(415) },
    },
  }, async (request) => toColumn(await moveColumn(await serviceContext(request), request.params.id, request.params.columnId, request.body)));

  fastify.post('/sites/:id/columns/:columnId/merge', {
    config,
    schema: {
      tags, summary: 'Merge a column into another: its articles move, its path answers 301 to the target',
      params: ColumnParamsSchema, body: MergeColumnSchema, response: { 200: ColumnSchema, ...errors(415) },
    },
  }, async (request) => toColumn(await mergeColumn(await serviceContext(request), request.params.id, request.params.columnId, request.body.targetId)));

  fastify.post('/sites/:id/columns/:columnId/close', {
    config,
    schema: {
      tags, summary: 'Close a column: its path and its articles answer 410',
      params: ColumnParamsSchema, response: { 200: ColumnSchema, ...errors() },
    },
  }, async (request) => toColumn(await closeColumn(await serviceContext(request), request.params.id, request.params.columnId)));
};

export default columnRoutes;
