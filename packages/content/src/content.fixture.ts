// Test fixture (not built): a platform with two sites, each with a 通知公告 column, made through
// the tenancy services as the console would.
import type { ServiceContext } from '@zhanqun/audit/context';
import { ManualClock } from '@zhanqun/core/clock';
import { createColumn } from '@zhanqun/tenancy/column.service';
import { createOrgUnit } from '@zhanqun/tenancy/org-unit.service';
import { createPlatform } from '@zhanqun/tenancy/platform.service';
import { createSite } from '@zhanqun/tenancy/site.service';
import type { TestDatabase } from '@zhanqun/testing/db';

export interface TwoSites {
  clock: ManualClock;
  ctx: ServiceContext;
  siteId: string;
  otherSiteId: string;
  columnId: string;
  otherColumnId: string;
}

/** `codes`: the two sites' codes (unique across platforms: a second call in one database needs others). */
export async function twoSites(t: TestDatabase, platformCode: string, codes: readonly [string, string] = ['jiasheng', 'yishi']): Promise<TwoSites> {
  const actor = { userId: null, label: 'test' };
  const clock = new ManualClock('2026-11-27T02:00:00Z');
  const platform = await createPlatform(t.db, clock, actor, { code: platformCode, name: `平台${platformCode}` });
  const ctx: ServiceContext = { db: t.db, clock, actor, scope: { kind: 'platform', platformIds: [platform.id] } };
  const unit = await createOrgUnit(ctx, { platformId: platform.id, parentId: null, level: 'province', name: '甲省', divisionCode: '990000' });
  const city = await createOrgUnit(ctx, { platformId: platform.id, parentId: unit.id, level: 'city', name: '乙市', divisionCode: '990100' });
  const site = await createSite(ctx, { platformId: platform.id, orgUnitId: unit.id, kind: 'portal', code: codes[0], name: '甲省政府' });
  const other = await createSite(ctx, { platformId: platform.id, orgUnitId: city.id, kind: 'portal', code: codes[1], name: '乙市政府' });
  return {
    clock, ctx, siteId: site.id, otherSiteId: other.id,
    columnId: (await createColumn(ctx, site.id, { slug: 'tzgg', name: '通知公告', kind: 'notice' })).id,
    otherColumnId: (await createColumn(ctx, other.id, { slug: 'tzgg', name: '通知公告', kind: 'notice' })).id,
  };
}
