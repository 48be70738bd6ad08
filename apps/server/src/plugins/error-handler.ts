import type { FastifyError, FastifyInstance, FastifySchemaValidationError } from 'fastify';
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
  fastify.setErrorHandler(function (raw: FastifyError & { field?: string; details?: Record<string, unknown> }, request, reply) {
    const error = raw.validation ? schemaValidationError(raw) : raw;
    const status = error.validation ? 400 : (error.statusCode ?? 500);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: error.code, status }, error.message);
    const api = !request.isAdminHost || request.url.startsWith('/api/');
    const body = status >= 500
      ? { code: 'ZQ_INTERNAL', message: 'Internal server error' }
      : {
        code: error.code ?? 'ZQ_BAD_REQUEST', message: error.message, ...(error.field ? { field: error.field } : {}),
        ...('details' in error && error.details ? { details: error.details } : {}),
      };
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

/**
 * A request that fails its route schema (ajv) answers like a service's `invalid()`: 400,
 * `ZQ_VALIDATION`, and the field it is about, in the API's own names (`hosts[1]`, `orgUnitId`).
 */
function schemaValidationError(error: FastifyError): FastifyError & { field: string } {
  const first: FastifySchemaValidationError | undefined = error.validation?.[0];
  const params = (first?.params ?? {}) as { missingProperty?: unknown; additionalProperty?: unknown };
  const segments = (first?.instancePath ?? '').split('/').filter(Boolean).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const leaf = params.missingProperty ?? params.additionalProperty;
  if (typeof leaf === 'string') segments.push(leaf);
  const field = segments.reduce((acc, s) => (/^\d+$/.test(s) ? `${acc}[${s}]` : acc ? `${acc}.${s}` : s), '') || (error.validationContext ?? 'body');
  const message = `${field}: ${first?.message ?? 'is invalid'}`;
  return Object.assign(new Error(message), { code: 'ZQ_VALIDATION', statusCode: 400, field, validation: error.validation }) as FastifyError & { field: string };
}
