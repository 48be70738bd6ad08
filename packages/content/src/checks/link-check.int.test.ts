// External links checked by the job's body against a local server (reachable only through the
// test-only allowance), a private address (refused), and a 404; broken ones become warnings.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceContext } from '@zhanqun/audit/context';
import type { ManualClock } from '@zhanqun/core/clock';
import { inScope } from '@zhanqun/db/scope';
import { createTestDatabase, type TestDatabase } from '@zhanqun/testing/db';
import { createDraft } from '../article.service.js';
import { twoSites } from '../content.fixture.js';
import { checksFor } from '../revision-checks.js';
import { brokenLinks, requestLinkChecks, runLinkChecks } from './link-check.service.js';

describe('external link checks', () => {
  let t: TestDatabase;
  let ctx: ServiceContext;
  let clock: ManualClock;
  let siteId = '';
  let otherSiteId = '';
  let columnId = '';
  let server: Server;
  let base = '';

  beforeAll(async () => {
    t = await createTestDatabase();
    ({ ctx, clock, siteId, otherSiteId, columnId } = await twoSites(t, 'lc'));
    server = createServer((req, res) => { res.writeHead(req.url === '/ok' ? 200 : 404).end(); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.close();
    await t.destroy();
  });

  it('should fetch pending links, store what it found, and warn about the broken ones only', async () => {
    const body = `<p><a href="${base}/ok">有效</a> <a href="${base}/gone">失效</a> <a href="http://10.1.2.3/x">内网</a></p>`;
    const article = await createDraft(ctx, siteId, { columnId, title: '含外部链接的稿件', bodyHtml: body });
    await inScope(t.db, ctx.scope, (trx) => requestLinkChecks(trx, siteId, article.id, [`${base}/ok`, `${base}/gone`, 'http://10.1.2.3/x'], clock.now()));
    const run = await runLinkChecks(t.db, clock, { fetch: { unsafeAllowAddressesForTests: ['127.0.0.1'], timeoutMs: 2000 } });
    expect(run).toEqual({ checked: 3, broken: 2 });
    const broken = await inScope(t.db, ctx.scope, (trx) => brokenLinks(trx, siteId, article.id));
    expect(broken.map((b) => [b.url, b.http_status, b.error])).toEqual([['http://10.1.2.3/x', null, 'private_address'], [`${base}/gone`, 404, 'http_error']]);
    expect(await runLinkChecks(t.db, clock)).toEqual({ checked: 0, broken: 0 });

    const report = await inScope(t.db, ctx.scope, async (trx) => {
      const a = await trx.selectFrom('article').selectAll().where('id', '=', article.id).executeTakeFirstOrThrow();
      const r = await trx.selectFrom('article_revision').selectAll().where('id', '=', a.latest_revision_id!).executeTakeFirstOrThrow();
      const site = await trx.selectFrom('site').select(['id', 'platform_id']).where('id', '=', siteId).executeTakeFirstOrThrow();
      return checksFor(trx, site, { kind: 'notice', path: '/tzgg/' }, a, r);
    });
    expect(report.blocked).toBe(false);
    expect(report.findings.filter((f) => f.code === 'dead_external_link').map((f) => f.messageZh)).toEqual([
      '外部链接 http://10.1.2.3/x 无法访问（指向内部网络地址）', `外部链接 ${base}/gone 无法访问（HTTP 404）`,
    ]);

    // Resubmitting within a day does not fetch again; a link dropped from the body is forgotten.
    await inScope(t.db, ctx.scope, (trx) => requestLinkChecks(trx, siteId, article.id, [`${base}/ok`], clock.now()));
    expect(await t.db.selectFrom('link_check').select(['url', 'status']).where('article_id', '=', article.id).execute()).toEqual([{ url: `${base}/ok`, status: 'ok' }]);
    clock.advance(25 * 3600_000);
    await inScope(t.db, ctx.scope, (trx) => requestLinkChecks(trx, siteId, article.id, [`${base}/ok`], clock.now()));
    expect((await t.db.selectFrom('link_check').select('status').where('article_id', '=', article.id).executeTakeFirstOrThrow()).status).toBe('pending');
  });

  it('should keep the link checks of one site from another', async () => {
    const article = await createDraft(ctx, siteId, { columnId, title: '本站', bodyHtml: '<p>x</p>' });
    await inScope(t.db, ctx.scope, (trx) => requestLinkChecks(trx, siteId, article.id, ['https://www.gov.cn/'], clock.now()));
    const other = { kind: 'sites', siteIds: [otherSiteId] } as const;
    expect(await inScope(t.db, other, (trx) => trx.selectFrom('link_check').select('url').where('site_id', '=', siteId).execute())).toEqual([]);
    await expect(inScope(t.db, other, (trx) => requestLinkChecks(trx, siteId, article.id, ['https://example.org/'], clock.now()))).rejects.toMatchObject({ statusCode: 403 });
  });
});
