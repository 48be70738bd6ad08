import type { DomainRole, SiteRow } from '@zhanqun/db/database';
import { applyScope, type Tx } from '@zhanqun/db/scope';
import * as siteRepository from '@zhanqun/tenancy/site.repository';

export type Resolution =
  | { kind: 'unknown_host' }
  | { kind: 'redirect'; location: string }
  | { kind: 'site'; site: SiteRow; parent: SiteRow | null; prefix: string; host: string; relativePath: string; role: DomainRole };

/**
 * Host → site → sub-site prefix (DESIGN.md, Routing): the longest registered prefix, in whole
 * segments, wins. An alias host answers 301 to the site's primary home with the same path.
 * Leaves the transaction scoped to the resolved site (and its parent, whose footer a sub-site shows).
 */
export async function resolveSite(trx: Tx, host: string, path: string, portSuffix: string, protocol: string): Promise<Resolution> {
  const routes = await siteRepository.findRoutesByHost(trx, host);
  if (routes.length === 0) return { kind: 'unknown_host' };
  const match = routes
    .filter((r) => r.path_prefix === '/' || path.startsWith(r.path_prefix) || `${path}/` === r.path_prefix)
    .sort((a, b) => b.path_prefix.length - a.path_prefix.length)[0];
  if (!match) return { kind: 'unknown_host' };
  if (`${path}/` === match.path_prefix) return { kind: 'redirect', location: match.path_prefix };
  const relativePath = `/${path.slice(match.path_prefix.length)}`;
  await applyScope(trx, { kind: 'public', siteIds: [match.site_id] });
  const site = await siteRepository.findById(trx, match.site_id);
  if (!site) return { kind: 'unknown_host' };
  if (match.role === 'alias') {
    const primary = await siteRepository.findPrimaryHost(trx, site.id);
    if (primary) return { kind: 'redirect', location: `${protocol}://${primary.host}${portSuffix}${primary.path_prefix.slice(0, -1)}${relativePath}` };
  }
  let parent: SiteRow | null = null;
  if (site.parent_site_id) {
    await applyScope(trx, { kind: 'public', siteIds: [site.id, site.parent_site_id] });
    parent = (await siteRepository.findById(trx, site.parent_site_id)) ?? null;
  }
  return { kind: 'site', site, parent, prefix: match.path_prefix, host, relativePath, role: match.role };
}
