import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceContext } from '@zhanqun/audit/context';
import type { ManualClock } from '@zhanqun/core/clock';
import { inScope } from '@zhanqun/db/scope';
import { createColumn, updateColumn } from '@zhanqun/tenancy/column.service';
import { updateSite } from '@zhanqun/tenancy/site.service';
import { createTestDatabase, type TestDatabase } from '@zhanqun/testing/db';
import { createDraft, publishRevision } from './article.service.js';
import { twoSites } from './content.fixture.js';
import { createTranslation, translationLag, versionsOf } from './translation.service.js';

describe('foreign-language versions', () => {
  let t: TestDatabase;
  let ctx: ServiceContext;
  let clock: ManualClock;
  let siteId = '';
  let otherSiteId = '';
  let columnId = '';
  let enColumn = '';

  beforeAll(async () => {
    t = await createTestDatabase();
    ({ ctx, clock, siteId, otherSiteId, columnId } = await twoSites(t, 'tr'));
    await updateSite(ctx, siteId, { locales: ['en'] });
    const en = await createColumn(ctx, siteId, { slug: 'en', name: 'English', kind: 'news' });
    enColumn = (await createColumn(ctx, siteId, { parentId: en.id, slug: 'news', name: 'News', kind: 'notice' })).id;
    await updateColumn(ctx, siteId, columnId, { isCore: true });
  });
  afterAll(async () => { await t.destroy(); });

  it('should keep a translation as its own article in the locale tree, and measure its lag behind the original', async () => {
    const original = await createDraft(ctx, siteId, { columnId, title: '关于举办国际投资洽谈会的公告', bodyHtml: '<p>中文</p>' });
    await publishRevision(ctx, siteId, original.id);
    await expect(createTranslation(ctx, siteId, original.id, { locale: 'fr', columnId: enColumn, title: 'Annonce', bodyHtml: '<p>x</p>' }))
      .rejects.toMatchObject({ field: 'locale' });
    await expect(createTranslation(ctx, siteId, original.id, { locale: 'en', columnId, title: 'Notice', bodyHtml: '<p>x</p>' }))
      .rejects.toMatchObject({ field: 'columnId' });

    // Not yet translated: waiting since publication.
    clock.advance(3 * 3600_000);
    const waiting = await inScope(t.db, ctx.scope, (trx) => translationLag(trx, siteId, clock.now()));
    expect(waiting).toMatchObject([{ originalId: original.id, locale: 'en', missing: true, lagSeconds: 3 * 3600 }]);

    const en = await createTranslation(ctx, siteId, original.id, { locale: 'en', columnId: enColumn, title: 'Notice on the International Investment Fair', bodyHtml: '<p>English</p>' });
    expect(en).toMatchObject({ locale: 'en', live: false });
    await expect(createTranslation(ctx, siteId, original.id, { locale: 'en', columnId: enColumn, title: 'Again', bodyHtml: '<p>x</p>' }))
      .rejects.toMatchObject({ field: 'locale' });
    await expect(createTranslation(ctx, siteId, en.id, { locale: 'en', columnId: enColumn, title: 'Of a translation', bodyHtml: '<p>x</p>' }))
      .rejects.toMatchObject({ field: 'originalId' });
    clock.advance(2 * 3600_000);
    await publishRevision(ctx, siteId, en.id);
    const lag = await inScope(t.db, ctx.scope, (trx) => translationLag(trx, siteId, clock.now()));
    expect(lag).toMatchObject([{ locale: 'en', translationId: en.id, missing: false, lagSeconds: 5 * 3600 }]);
    const versions = await inScope(t.db, ctx.scope, async (trx) => versionsOf(trx, siteId, (await trx.selectFrom('article').select(['id', 'translation_key']).where('id', '=', original.id).executeTakeFirstOrThrow())));
    expect(versions.map((v) => v.locale)).toEqual(['zh-CN', 'en']);
    const url = (await t.db.selectFrom('article').select('url_path').where('id', '=', en.id).executeTakeFirstOrThrow()).url_path;
    expect(url).toMatch(/^\/en\/news\//);
  });

  it('should not reach another site', async () => {
    const original = await createDraft(ctx, siteId, { columnId, title: '本站原文', bodyHtml: '<p>x</p>' });
    const other = { ...ctx, scope: { kind: 'sites', siteIds: [otherSiteId] } as const };
    await expect(createTranslation(other, siteId, original.id, { locale: 'en', columnId: enColumn, title: 'x', bodyHtml: '<p>x</p>' }))
      .rejects.toMatchObject({ statusCode: 404 });
  });
});
