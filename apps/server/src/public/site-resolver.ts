import type { DomainRole } from '@zhanqun/db/database';
import type { DirectorySite, SiteDirectory } from './site-directory.js';

export type Resolution =
  | { kind: 'unknown_host' }
  | { kind: 'redirect'; location: string }
  | { kind: 'site'; entry: DirectorySite; prefix: string; host: string; relativePath: string; role: DomainRole };

/**
 * Host → site → sub-site prefix (DESIGN.md, Routing): the longest registered prefix, in whole
 * segments, wins. An alias host answers 301 to the site's primary home with the same path.
 * Reads the site directory (site-directory.ts), which asks the database only after a change.
 */
export async function resolveSite(directory: SiteDirectory, host: string, path: string, portSuffix: string, protocol: string): Promise<Resolution> {
  const routes = await directory.routes(host);
  if (routes.length === 0) return { kind: 'unknown_host' };
  const match = routes
    .filter((r) => r.path_prefix === '/' || path.startsWith(r.path_prefix) || `${path}/` === r.path_prefix)
    .sort((a, b) => b.path_prefix.length - a.path_prefix.length)[0];
  if (!match) return { kind: 'unknown_host' };
  if (`${path}/` === match.path_prefix) return { kind: 'redirect', location: match.path_prefix };
  const relativePath = `/${path.slice(match.path_prefix.length)}`;
  const entry = await directory.site(match.site_id);
  if (!entry) return { kind: 'unknown_host' };
  if (match.role === 'alias' && entry.primary) {
    const { primary } = entry;
    return { kind: 'redirect', location: `${protocol}://${primary.host}${portSuffix}${primary.path_prefix.slice(0, -1)}${relativePath}` };
  }
  return { kind: 'site', entry, prefix: match.path_prefix, host, relativePath, role: match.role };
}
