// Test fixture (not built): two live sites of one platform (the content fixture's), ready to take
// in legacy sites, and helpers to set a legacy site up from Bouncer-style settings.
import type { ServiceContext } from '@zhanqun/audit/context';
import { twoSites, type TwoSites } from '@zhanqun/content/content.fixture';
import { addDomain } from '@zhanqun/tenancy/domain.service';
import { setSiteStatus } from '@zhanqun/tenancy/site.service';
import type { TestDatabase } from '@zhanqun/testing/db';

export interface LegacyWorld extends TwoSites {
  ctx: ServiceContext;
}

/** Two live sites; `hosts` and `otherHosts` become legacy-role domains of each. */
export async function legacyWorld(t: TestDatabase, platformCode: string, hosts: string[] = [], otherHosts: string[] = []): Promise<LegacyWorld> {
  const world = await twoSites(t, platformCode);
  for (const id of [world.siteId, world.otherSiteId]) await setSiteStatus(world.ctx, id, 'live');
  for (const host of hosts) await addDomain(world.ctx, world.siteId, { host, role: 'legacy' });
  for (const host of otherHosts) await addDomain(world.ctx, world.otherSiteId, { host, role: 'legacy' });
  return world;
}

/** Bouncer's tna_timestamp ('2012-10-26 06:52:14') as the archive prefix it implies. */
export function archivePrefix(tnaTimestamp: string): string {
  return `https://webarchive.nationalarchives.gov.uk/${tnaTimestamp.replace(/\D/g, '')}/`;
}
