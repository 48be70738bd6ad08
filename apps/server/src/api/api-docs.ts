import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { SESSION_COOKIE } from '../plugins/session.js';

export const API_DOCS_PREFIX = '/api/docs';

/**
 * OpenAPI for /api/v1, generated from the routes' TypeBox schemas, and Swagger UI at
 * /api/docs (JSON at /api/docs/json). Call before the API routes are registered: the generator
 * collects routes as they are added. Like every admin-host path, the docs never answer on a
 * tenant host (app.ts rewrites those under the public prefix).
 */
export async function registerApiDocs(fastify: FastifyInstance): Promise<void> {
  await fastify.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'zhanqun API',
        version: '1',
        description: 'Provisioning of the province\'s government websites (站群): org units, sites, domains, columns, templates. '
          + 'Platform admins shape the platform; site admins manage their own sites. Send `Authorization: Bearer zqt_…` '
          + '(tokens from 我的账号) or the console session cookie. Errors are `{ code, message, field? }`.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    // Only the JSON API is documented; the console and the public sites are not an API.
    transform: ({ schema, url }) => ({ schema: url.startsWith('/api/v1/') ? schema : { ...schema, hide: true }, url }),
  });
  await fastify.register(async (docs) => {
    // The API's description is for the people who may call it: its routes (the UI's static files
    // included, which take no route config) are marked here, as app.ts does for static assets.
    docs.addHook('onRoute', (route) => {
      route.config = { ...route.config, permission: 'platform_admin' };
    });
    await docs.register(swaggerUi, { routePrefix: API_DOCS_PREFIX, uiConfig: { validatorUrl: null, deepLinking: true } });
  });
}
