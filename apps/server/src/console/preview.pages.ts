/**
 * Preview of unpublished content (DESIGN.md: admin host only, noindex): an article's latest
 * revision rendered by its site's theme, and the files that revision carries. Tenant hosts never
 * show unpublished content; these routes exist only on the admin host.
 */
import type { FastifyInstance } from 'fastify';
import { getAttachment } from '@zhanqun/content/attachment/attachment.service';
import { contentDisposition } from '@zhanqun/content/attachment/content-disposition';
import { ArticleNotFoundError } from '@zhanqun/content/article.errors';
import { inScope } from '@zhanqun/db/scope';
import { articleContext, loadSiteScope } from '@zhanqun/render/theme-context';
import { ThemeRegistry } from '@zhanqun/render/theme';
import * as siteRepository from '@zhanqun/tenancy/site.repository';
import { SiteNotFoundError } from '@zhanqun/tenancy/tenancy.errors';
import { serviceContext } from './console-context.js';

const READ = { permission: 'content.read' } as const;
const Params = {
  type: 'object', required: ['siteId', 'id'],
  properties: { siteId: { type: 'string', format: 'uuid' }, id: { type: 'string', format: 'uuid' } },
} as const;

export default async function previewPages(fastify: FastifyInstance) {
  const themes = new ThemeRegistry();

  fastify.get<{ Params: { siteId: string; id: string } }>('/preview/:siteId/articles/:id', { config: READ, schema: { params: Params } }, async (request, reply) => {
    const { siteId, id } = request.params;
    const ctx = await serviceContext(fastify, request);
    const page = await inScope(fastify.db, ctx.scope, async (trx) => {
      const site = await siteRepository.findById(trx, siteId);
      if (!site) throw new SiteNotFoundError(siteId);
      const parent = site.parent_site_id ? (await siteRepository.findById(trx, site.parent_site_id)) ?? null : null;
      const primary = await siteRepository.findPrimaryHost(trx, siteId);
      const scope = await loadSiteScope(trx, site, parent, { host: primary?.host ?? '', prefix: primary?.path_prefix ?? '/' });
      return articleContext(trx, scope, id, '', 'latest');
    });
    if (!page) throw new ArticleNotFoundError(id, siteId);
    page.preview = true;
    return reply.code(200).type('text/html; charset=utf-8').header('cache-control', 'no-store').header('x-robots-tag', 'noindex, nofollow')
      .send(themes.get(page.theme).render('article', page));
  });

  fastify.get<{ Params: { siteId: string; id: string } }>('/preview/:siteId/files/:id', { config: READ, schema: { params: Params } }, async (request, reply) => {
    const ctx = await serviceContext(fastify, request);
    const file = await inScope(fastify.db, ctx.scope, (trx) => getAttachment(trx, request.params.siteId, request.params.id));
    return reply.code(200).type(file.media_type).header('content-length', String(file.size))
      .header('content-disposition', contentDisposition(file.filename)).header('x-content-type-options', 'nosniff')
      .header('cache-control', 'private, no-store').send(fastify.blobs.open(file.blob_sha256));
  });
}
