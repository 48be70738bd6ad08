import type { FastifyInstance } from 'fastify';
import { inScope } from '@zhanqun/db/scope';
import { countSitesByStatus, listSites } from '@zhanqun/tenancy/site-query';
import { isLocale, t, type Locale } from '../i18n/i18n.js';
import accountPages from './account.pages.js';
import articleListPages from './article-lists.pages.js';
import articlePages from './article.pages.js';
import previewPages from './preview.pages.js';
import auditPages from './audit.pages.js';
import columnPages from './column.pages.js';
import { adminScope, consoleLocale, consoleView, pageFrame, portSuffix, renderPage, sendHtml } from './console-context.js';
import loginPages from './login.pages.js';
import orgUnitPages from './org-unit.pages.js';
import seriousErrorPages from './serious-error.pages.js';
import siteDetailPages from './site-detail.pages.js';
import siteThemePages from './site-theme.pages.js';
import legacyPages from './legacy.pages.js';
import siteNewPages from './site-new.pages.js';
import sitePages, { PAGE_SIZE, SITE_STATUSES, siteUrl, statusView } from './site.pages.js';
import userPages from './user.pages.js';

export { consoleLocale, portSuffix };

/** The console (admin host): sign-in (login.pages.ts), the dashboard, the tenancy pages, my account, users and the audit trail. */
export default async function consoleRoutes(fastify: FastifyInstance) {
  const view = consoleView();
  const html = sendHtml;
  await fastify.register(loginPages);
  await fastify.register(orgUnitPages);
  await fastify.register(sitePages);
  await fastify.register(siteNewPages);
  await fastify.register(siteDetailPages);
  await fastify.register(columnPages);
  await fastify.register(siteThemePages);
  await fastify.register(legacyPages);
  await fastify.register(accountPages);
  await fastify.register(userPages);
  await fastify.register(auditPages);
  await fastify.register(articleListPages);
  await fastify.register(articlePages);
  await fastify.register(previewPages);
  await fastify.register(seriousErrorPages);

  fastify.get('/', { config: { permission: 'authenticated' } }, async (request, reply) => {
    const frame = pageFrame(request, reply, 'dashboard');
    const { locale, user } = frame;
    const scope = await adminScope(fastify, request);
    const { page, counts } = await inScope(fastify.db, scope, async (trx) => {
      const byStatus = await countSitesByStatus(trx, user.platform_id);
      const counts = SITE_STATUSES.map((status) => ({ status, label: t(locale, `sites.status.${status}`), n: byStatus.get(status) ?? 0 }));
      return { page: await listSites(trx, { platformId: user.platform_id, limit: PAGE_SIZE, offset: 0 }), counts };
    });
    const sites = page.rows.map((s) => ({
      id: s.id, name: s.name, code: s.code, kindLabel: t(locale, `sites.kind.${s.kind}`), ...statusView(locale, s.status),
      url: siteUrl(request, s.host, s.path_prefix),
    }));
    return renderPage(reply, 'dashboard', frame, t(locale, 'dashboard.title'), { sites, counts, total: page.total, more: page.total > sites.length });
  });

  fastify.setNotFoundHandler(async (request, reply) => {
    const locale = consoleLocale(request, reply);
    if (request.url.startsWith('/api/')) return reply.code(404).send({ code: 'ZQ_NOT_FOUND', message: 'Not found' });
    return html(reply, view.render('error', { locale, title: t(locale, 'error.not_found'), status: 404, message: t(locale, 'error.not_found') }), 404);
  });
}
