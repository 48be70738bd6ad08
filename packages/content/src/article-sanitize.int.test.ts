import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceContext } from '@zhanqun/audit/context';
import { inScope } from '@zhanqun/db/scope';
import { createTestDatabase, type TestDatabase } from '@zhanqun/testing/db';
import * as articleRepository from './article.repository.js';
import { twoSites } from './content.fixture.js';
import { createDraft } from './article.service.js';

/** Bodies are sanitised on save by the service itself, whoever calls it (console, API, CLI, import). */
describe('article bodies on save', () => {
  let t: TestDatabase;
  let ctx: ServiceContext;
  let siteId = '';
  let columnId = '';
  let otherColumnId = '';

  beforeAll(async () => {
    t = await createTestDatabase();
    ({ ctx, siteId, columnId, otherColumnId } = await twoSites(t, 'ps'));
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
