/**
 * The security headers of public pages, computed once (issue 6: helmet-style per-request work
 * only on the admin host). No inline script anywhere: every theme script is a file of its own.
 * Embedded video players come only from the sanitiser's allow-list of hosts.
 */
import type { onSendHookHandler } from 'fastify';
import { VIDEO_IFRAME_HOSTS } from '@zhanqun/content/sanitize';

const CSP = [
  "default-src 'self'",
  "img-src 'self' data:",
  "style-src 'self'",
  "script-src 'self'",
  `frame-src ${VIDEO_IFRAME_HOSTS.map((h) => `https://${h}`).join(' ')}`,
  "frame-ancestors 'self'",
  "base-uri 'self'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

/** The headers every public answer carries. */
export const PUBLIC_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'x-frame-options': 'SAMEORIGIN',
  'cross-origin-opener-policy': 'same-origin',
});

/** Only over TLS: a plain-HTTP answer must not pin HTTPS on a host that may not have it. */
export const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * The onSend hook of the public routes (pages, feeds, sitemaps): the constant headers from one
 * frozen object, not helmet per request, unless the answer already carries them (a rendered
 * page's own header set holds them); HSTS over TLS. A callback hook: no promise per request.
 */
export const publicSecurityHeaders: onSendHookHandler = (request, reply, payload, done) => {
  if (!reply.hasHeader('content-security-policy')) reply.headers(PUBLIC_SECURITY_HEADERS);
  if (request.protocol === 'https') reply.header('strict-transport-security', HSTS);
  done(null, payload);
};
