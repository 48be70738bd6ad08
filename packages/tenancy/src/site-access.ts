import type { SiteRow } from '@zhanqun/db/database';
import type { Scope, Tx } from '@zhanqun/db/scope';
import * as siteRepository from './site.repository.js';
import { ReadOnlyOversightError, SiteNotFoundError } from './tenancy.errors.js';

/**
 * A site the scope may change. A provincial admin sees its city platforms' sites (read-only
 * oversight) but writes stop at the edge of its own platform: that is a 403, not a 404.
 */
export async function writableSite(trx: Tx, scope: Scope, siteId: string): Promise<SiteRow> {
  const site = await siteRepository.findById(trx, siteId);
  if (!site) throw new SiteNotFoundError(siteId);
  if (scope.kind === 'platform' && !scope.platformIds.includes(site.platform_id)) throw new ReadOnlyOversightError(site.code);
  return site;
}
