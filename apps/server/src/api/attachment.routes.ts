import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { invalid } from '@zhanqun/core/errors';
import { listAttachments, uploadAttachment } from '@zhanqun/content/attachment/attachment.service';
import { AttachmentSchema, toAttachment } from '@zhanqun/content/article.schema';
import { SiteParamsSchema } from '@zhanqun/tenancy/site.schema';
import { readScoped, serviceContext } from './api-context.js';
import { errors } from './api.schema.js';

const tags = ['attachments'];

/**
 * Attachments (附件): a multipart upload of one file, checked by content against the type
 * allow-list and the size limit, stored once per content hash. The file answers on the site's
 * hosts under `/_files/<id>/<name>` only while a live revision of that site carries it.
 */
const attachmentRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  // busboy cuts the stream at the limit (+1 byte, so "exactly the limit" still passes) and the
  // service refuses a truncated upload with 413; one file, no other parts worth buffering.
  await fastify.register(multipart, { limits: { fileSize: fastify.config.maxUploadBytes + 1, files: 1, fields: 5, fieldSize: 1024 } });

  fastify.post('/sites/:id/attachments', {
    config: { permission: 'content.edit' },
    schema: {
      tags, summary: 'Upload one file (multipart/form-data, field `file`); refused if its content is not what its name says',
      consumes: ['multipart/form-data'], params: SiteParamsSchema, response: { 201: AttachmentSchema, ...errors(413, 415) },
    },
  }, async (request, reply) => {
    if (!request.isMultipart()) throw invalid('file', 'must be sent as multipart/form-data');
    const data = await request.file();
    if (!data) throw invalid('file', 'is missing');
    const row = await uploadAttachment(await serviceContext(request), request.params.id, { filename: data.filename, stream: data.file }, {
      store: fastify.blobs, maxBytes: fastify.config.maxUploadBytes,
    });
    return reply.code(201).send(toAttachment(row));
  });

  fastify.get('/sites/:id/attachments', {
    config: { permission: 'content.read' },
    schema: {
      tags, summary: 'A site\'s uploaded files, newest first', params: SiteParamsSchema,
      querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })), before: Type.Optional(Type.String({ format: 'uuid' })) }, { additionalProperties: false }),
      response: { 200: Type.Object({ attachments: Type.Array(AttachmentSchema) }), ...errors() },
    },
  }, async (request) => {
    const rows = await readScoped(request, (trx) => listAttachments(trx, request.params.id, {
      limit: request.query.limit ?? 50, ...(request.query.before ? { beforeId: request.query.before } : {}),
    }));
    return { attachments: rows.map(toAttachment) };
  });
};

export default attachmentRoutes;
