import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceContext } from '@zhanqun/audit/context';
import { ManualClock } from '@zhanqun/core/clock';
import { inScope } from '@zhanqun/db/scope';
import { createColumn } from '@zhanqun/tenancy/column.service';
import { createOrgUnit } from '@zhanqun/tenancy/org-unit.service';
import { createPlatform } from '@zhanqun/tenancy/platform.service';
import { createSite } from '@zhanqun/tenancy/site.service';
import { createTestDatabase, type TestDatabase } from '@zhanqun/testing/db';
import * as articleRepository from './article.repository.js';
import { createDraft } from './article.service.js';

const actor = { userId: null, label: 'test' };

/** Bodies are sanitised on save by the service itself, whoever calls it (console, API, CLI, import). */
describe('article bodies on save', () => {
  let t: TestDatabase;
  let ctx: ServiceContext;
  let siteId = '';
  let columnId = '';
  let otherColumnId = '';

  beforeAll(async () => {
    t = await createTestDatabase();
    const clock = new ManualClock('2026-11-27T02:00:00Z');
    const platform = await createPlatform(t.db, clock, actor, { code: 'ps', name: '平台S' });
    ctx = { db: t.db, clock, actor, scope: { kind: 'platform', platformIds: [platform.id] } };
    const unit = await createOrgUnit(ctx, { platformId: platform.id, parentId: null, level: 'province', name: '甲省', divisionCode: '990000' });
    const city = await createOrgUnit(ctx, { platformId: platform.id, parentId: unit.id, level: 'city', name: '乙市', divisionCode: '990100' });
    const site = await createSite(ctx, { platformId: platform.id, orgUnitId: unit.id, kind: 'portal', code: 'jiasheng', name: '甲省政府' });
    const other = await createSite(ctx, { platformId: platform.id, orgUnitId: city.id, kind: 'portal', code: 'yishi', name: '乙市政府' });
    siteId = site.id;
    columnId = (await createColumn(ctx, site.id, { slug: 'tzgg', name: '通知公告', kind: 'notice' })).id;
    otherColumnId = (await createColumn(ctx, other.id, { slug: 'tzgg', name: '通知公告', kind: 'notice' })).id;
  });
  afterAll(async () => { await t.destroy(); });

  it('should store the sanitised body, not the one it was given', async () => {
    const bodyHtml = '<h1 style="mso-x:1">关于开展检查的通知</h1><p class="MsoNormal" onclick="steal()">各单位：<o:p></o:p></p>'
      + '<script>alert(1)</script><img src="x" onerror="alert(1)"><a href="javascript:alert(1)">详情</a>'
      + '<iframe src="https://evil.example/"></iframe><iframe src="https://v.qq.com/txp/iframe/player.html?vid=x1"></iframe>';
    const article = await createDraft(ctx, siteId, { columnId, title: '关于开展检查的通知', bodyHtml });
    const revision = await inScope(t.db, ctx.scope, (trx) => articleRepository.findRevision(trx, siteId, article.latest_revision_id!));
    expect(revision?.body_html).toBe(
      '<h2>关于开展检查的通知</h2><p>各单位：</p><img src="x">详情'
      + '<iframe src="https://v.qq.com/txp/iframe/player.html?vid=x1" sandbox="allow-scripts allow-same-origin allow-presentation"></iframe>',
    );
  });

  it('should not create a draft in a column of another site', async () => {
    await expect(createDraft(ctx, siteId, { columnId: otherColumnId, title: '跨站', bodyHtml: '<p>x</p>' }))
      .rejects.toMatchObject({ code: 'ZQ_CONTENT_COLUMN_NOT_FOUND', statusCode: 404 });
  });
});
