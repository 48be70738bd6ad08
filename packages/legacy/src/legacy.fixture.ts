// Test fixture (not built): two live sites of one platform (the content fixture's), ready to take
// in legacy sites, and helpers to set a legacy site up from Bouncer-style settings.
import { sql } from 'kysely';
import type { ServiceContext } from '@zhanqun/audit/context';
import { twoSites, type TwoSites } from '@zhanqun/content/content.fixture';
import { addDomain } from '@zhanqun/tenancy/domain.service';
import { setSiteStatus } from '@zhanqun/tenancy/site.service';
import { inScope, type Db } from '@zhanqun/db/scope';
import type { TestDatabase } from '@zhanqun/testing/db';
import { resolveLegacy } from './legacy-resolve.js';

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

/** How many rows of a table belong to a site (the census an import or a rollback is checked by). */
export async function siteRows(db: Db, table: string, siteId: string): Promise<number> {
  return Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)} where site_id = ${siteId}`.execute(db)).rows[0]!.n);
}

/** What the public side of a site answers for an old address, asked by `asker`'s request (the site itself by default). */
export function oldUrlAnswer(db: Db, siteId: string, url: string, asker = siteId) {
  return inScope(db, { kind: 'public', siteIds: [asker] }, async (trx) => {
    const u = new URL(url);
    return (await resolveLegacy(trx, siteId, { host: u.hostname, rawPathAndQuery: `${u.pathname}${u.search}` }))?.decision ?? null;
  });
}
