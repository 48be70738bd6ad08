/**
 * The security headers of public pages, computed once (issue 6: helmet-style per-request work
 * only on the admin host). No inline script anywhere: every theme script is a file of its own.
 * Embedded video players come only from the sanitiser's allow-list of hosts.
 */
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
