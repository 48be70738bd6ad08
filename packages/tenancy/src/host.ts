import { domainToASCII } from 'node:url';

/**
 * A host as stored and looked up: lower case, no port, no trailing dot, IDN as punycode
 * (`政府.中国` → `xn--mxtq1m.xn--fiqs8s`). Returns null when it is not a usable host name.
 */
export function normaliseHost(input: string): string | null {
  let host = input.trim().toLowerCase();
  if (host.startsWith('[')) return null; // IPv6 literals never name a site
  const colon = host.lastIndexOf(':');
  if (colon !== -1) {
    if (!/^\d{1,5}$/.test(host.slice(colon + 1))) return null;
    host = host.slice(0, colon);
  }
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (!host || host.length > 253) return null;
  const ascii = /^[\x00-\x7f]*$/.test(host) ? host : domainToASCII(host);
  if (!ascii) return null;
  const labels = ascii.split('.');
  const ok = labels.every((l) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(l));
  // A site's host has a dot and a top label that is not a number (no bare "7", no IP address).
  if (!ok || labels.length < 2 || /^\d+$/.test(labels[labels.length - 1]!)) return null;
  return ascii;
}
