import type { FastifyInstance } from 'fastify';
import { settingsCss } from '@zhanqun/render/theme-settings';

/**
 * `/_assets/_vars.css?primary_color=b31b1b`: a site's colour settings as CSS variables. The
 * colours travel in the URL (the CSP allows no inline style), so the answer needs no database,
 * reveals nothing the URL does not say, and one URL always means the same bytes: cached for a
 * year. Pages link it through {{zq_head}}; a settings change changes the URL in the page.
 */
export function registerSettingsCss(fastify: FastifyInstance, url: string): void {
  fastify.route({
    method: ['GET', 'HEAD'],
    url,
    helmet: false,
    config: { permission: 'public' },
    handler: async (request, reply) => {
      const query = new URLSearchParams(request.url.split('?')[1] ?? '');
      return reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=31536000, immutable')
        .header('x-content-type-options', 'nosniff').send(settingsCss(query));
    },
  });
}
