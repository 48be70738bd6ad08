import type { FastifyError, FastifyInstance } from 'fastify';
import { ConsoleView } from '../console-view.js';
import { t, isLocale } from '../i18n/i18n.js';

const PLAIN_500 = `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>服务暂时不可用 Service unavailable</title></head>
<body><h1>服务暂时不可用</h1><p>请稍后再试。</p><h1 lang="en">Something went wrong</h1><p lang="en">Please try again later.</p></body></html>`;

/**
 * The one root error handler (STYLE.md, Errors). Client errors (status < 500) keep their code,
 * message and field; anything else is logged with its stack and answered with a generic 500,
 * so database text and stack traces never reach a client.
 */
export function installErrorHandler(fastify: FastifyInstance): void {
  const view = new ConsoleView();
  fastify.setErrorHandler(function (error: FastifyError & { field?: string }, request, reply) {
    const status = error.validation ? 400 : (error.statusCode ?? 500);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: error.code, status }, error.message);
    const api = !request.isAdminHost || request.url.startsWith('/api/');
    const body = status >= 500
      ? { code: 'ZQ_INTERNAL', message: 'Internal server error' }
      : { code: error.code ?? 'ZQ_BAD_REQUEST', message: error.message, ...(error.field ? { field: error.field } : {}) };
    if (status === 401 && request.isAdminHost && !request.url.startsWith('/api/')) return reply.redirect('/login', 303);
    if (request.isAdminHost && !api) {
      const locale = isLocale(request.user?.locale) ? request.user.locale : 'zh-CN';
      const message = status >= 500 ? t(locale, 'error.internal') : status === 403 ? t(locale, 'error.forbidden') : status === 429 ? t(locale, 'error.too_many') : error.message;
      return reply.code(status).type('text/html; charset=utf-8').send(view.render('error', { locale, title: String(status), status, message }));
    }
    if (!request.isAdminHost && status >= 500) return reply.code(status).type('text/html; charset=utf-8').send(PLAIN_500);
    return reply.code(status).send(body);
  });
}
