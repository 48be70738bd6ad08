// The editors' console through its forms (inject): write, save over someone else's save,
// submit, review, secrecy-review, publish, send back with a reason, the queue and the trash.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatZoned } from '@zhanqun/core/time';
import { seedDemoProvince } from '@zhanqun/demo/demo-province';
import { build, type TestApp } from './helper.js';
import { Browser, bodyRows } from './identity-helper.js';

describe('the article console', () => {
  let h: TestApp;
  let siteId = '';
  let tzgg = '';
  let host = '';
  const as: Record<string, Browser> = {};
  const articleIdOf = (location: string | undefined) => /\/articles\/([0-9a-f-]{36})/.exec(location ?? '')?.[1] ?? '';

  beforeAll(async () => {
    h = await build();
    await seedDemoProvince(h.t.db, h.clock);
    for (const u of ['bianji', 'shenhe', 'baomi', 'zhanzhang']) as[u] = await Browser.withSession(h, u);
    siteId = (await h.t.db.selectFrom('site').select('id').where('code', '=', 'prov').executeTakeFirstOrThrow()).id;
    tzgg = (await h.t.db.selectFrom('site_column').select('id').where('site_id', '=', siteId).where('path', '=', '/xwdt/tzgg/').executeTakeFirstOrThrow()).id;
    host = (await h.t.db.selectFrom('site_domain').select('host').where('site_id', '=', siteId).where('role', '=', 'primary').executeTakeFirstOrThrow()).host;
  });
  afterAll(async () => { await h.close(); });

  it('should take an article from the editor form to the public site, with every step named', async () => {
    const list = await as.bianji!.get(`/sites/${siteId}/articles`);
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('写稿件');
    const form = await as.bianji!.get(`/sites/${siteId}/articles/new?column=${tzgg}`);
    expect(form.body).toContain('data-zq-editor');

    const empty = await as.bianji!.post(`/sites/${siteId}/articles`, { columnId: tzgg, title: '', bodyHtml: '<p>x</p>' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('标题');
    const created = await as.bianji!.post(`/sites/${siteId}/articles`, {
      columnId: tzgg, title: '关于做好元旦春节期间安全工作的通知', bodyHtml: '<p class="MsoNormal">各地：</p><table><tr><td>一</td></tr></table>',
      documentNumber: '演示政办〔2026〕12号', dateWritten: '2026-11-20', validity: 'valid', then: 'submit',
    });
    expect(created.statusCode).toBe(303);
    const id = articleIdOf(created.headers.location as string);
    expect(id).not.toBe('');

    // The reviewer finds it in the queue and approves; the secrecy reviewer then does.
    const queue = await as.shenhe!.get('/tasks');
    expect(bodyRows(queue.body).join('')).toContain('关于做好元旦春节期间安全工作的通知');
    const page = await as.shenhe!.get(`/sites/${siteId}/articles/${id}`);
    const runId = /runs\/([0-9a-f-]{36})\/approve/.exec(page.body)?.[1];
    expect(runId).toBeDefined();
    expect((await as.bianji!.get(`/sites/${siteId}/articles/${id}`)).body).toContain('这是您撰写的版本');
    expect((await as.shenhe!.post(`/sites/${siteId}/articles/${id}/runs/${runId}/approve`, { comment: '同意' })).statusCode).toBe(303);
    expect((await as.baomi!.post(`/sites/${siteId}/articles/${id}/runs/${runId}/approve`, {})).statusCode).toBe(303);

    const badTime = await as.shenhe!.post(`/sites/${siteId}/articles/${id}/publish`, { at: '2026-13-40T99:00' });
    expect(badTime.statusCode).toBe(400);
    // A minute in the past publishes at once; the scheduled path is exercised below with a future minute.
    expect((await as.shenhe!.post(`/sites/${siteId}/articles/${id}/publish`, { at: '' })).statusCode).toBe(303);
    const published = await as.shenhe!.get(`/sites/${siteId}/articles/${id}`);
    expect(published.body).toContain('省政府网站编辑（演示）');
    expect(published.body).toContain('省政府保密审查员（演示）');
    const url = /访问地址：<code>([^<]+)<\/code>/.exec(published.body)?.[1];
    const pub = await h.app.inject({ method: 'GET', url: url!, headers: { host } });
    expect(pub.statusCode).toBe(200);
    expect(pub.body).toContain('演示政办〔2026〕12号');
    expect(pub.body).not.toContain('MsoNormal');
  });

  it('should refuse a save over someone else\'s, keep the text, and point at the other change', async () => {
    const created = await as.bianji!.post(`/sites/${siteId}/articles`, { columnId: tzgg, title: '两人同时编辑', bodyHtml: '<p>原文</p>' });
    const id = articleIdOf(created.headers.location as string);
    const page = await as.bianji!.get(`/sites/${siteId}/articles/${id}`);
    const base = /name="baseRevisionId" value="([^"]+)"/.exec(page.body)![1]!;
    expect((await as.bianji!.post(`/sites/${siteId}/articles/${id}`, { baseRevisionId: base, title: '两人同时编辑', bodyHtml: '<p>甲的修改</p>' })).statusCode).toBe(303);
    const second = await as.bianji!.post(`/sites/${siteId}/articles/${id}`, { baseRevisionId: base, title: '两人同时编辑', bodyHtml: '<p>乙的修改</p>' });
    expect(second.statusCode).toBe(409);
    expect(second.body).toContain('他人已修改');
    expect(second.body).toContain('乙的修改');
    const diffUrl = /href="(\/sites\/[^"]+\/diff\?[^"]+)"/.exec(second.body)?.[1]?.replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');
    const diff = await as.bianji!.get(diffUrl!);
    expect(diff.statusCode).toBe(200);
    expect(diff.body).toMatch(/<ins>[^<]*甲[^<]*<\/ins>/);
  });

  it('should send an article back with its reason shown to the editor, and keep other sites out', async () => {
    const created = await as.bianji!.post(`/sites/${siteId}/articles`, { columnId: tzgg, title: '需要修改的稿件', bodyHtml: '<p>x</p>', then: 'submit' });
    const id = articleIdOf(created.headers.location as string);
    const page = await as.shenhe!.get(`/sites/${siteId}/articles/${id}`);
    const runId = /runs\/([0-9a-f-]{36})\/request-changes/.exec(page.body)![1];
    const noReason = await as.shenhe!.post(`/sites/${siteId}/articles/${id}/runs/${runId}/request-changes`, { reason: '' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('原因');
    expect((await as.shenhe!.post(`/sites/${siteId}/articles/${id}/runs/${runId}/request-changes`, { reason: '请补充发文字号' })).statusCode).toBe(303);
    const back = await as.bianji!.get(`/sites/${siteId}/articles/${id}`);
    expect(back.body).toContain('请补充发文字号');
    expect(back.body).toContain('已退回');
    expect((await as.zhanzhang!.get(`/sites/${siteId}/articles/${id}`)).statusCode).toBe(404);
    // Unpublished content is seen only in preview on the admin host, marked noindex.
    const preview = await as.bianji!.get(`/preview/${siteId}/articles/${id}`);
    expect(preview.statusCode).toBe(200);
    expect(preview.headers['x-robots-tag']).toBe('noindex, nofollow');
    expect(preview.body).toContain('需要修改的稿件');
    expect(preview.body).toContain('预览');
    expect((await as.zhanzhang!.get(`/preview/${siteId}/articles/${id}`)).statusCode).toBe(404);
    expect((await h.app.inject({ method: 'GET', url: `/preview/${siteId}/articles/${id}`, headers: { host } })).statusCode).toBe(404);

    expect((await as.bianji!.post(`/sites/${siteId}/articles/${id}/trash`, {})).statusCode).toBe(303);
    expect((await as.bianji!.get(`/sites/${siteId}/trash`)).body).toContain('需要修改的稿件');
    expect((await as.bianji!.post(`/sites/${siteId}/articles/${id}/restore`, {})).statusCode).toBe(303);
    // After 30 days a platform admin may purge a draft that never went live.
    expect((await as.bianji!.post(`/sites/${siteId}/articles/${id}/trash`, {})).statusCode).toBe(303);
    const admin = await Browser.withSession(h, 'admin');
    expect((await admin.get(`/sites/${siteId}/trash`)).body).not.toContain(`/articles/${id}/purge`);
    // 31 days later (the row ages; the clock stays, so the other tests' sessions do too).
    await h.t.db.updateTable('article').set({ deleted_at: new Date(h.clock.now().getTime() - 31 * 24 * 3600_000) }).where('id', '=', id).execute();
    expect((await admin.get(`/sites/${siteId}/trash`)).body).toContain(`/articles/${id}/purge`);
    expect((await as.bianji!.post(`/sites/${siteId}/articles/${id}/purge`, {})).statusCode).toBe(403);
    expect((await admin.post(`/sites/${siteId}/articles/${id}/purge`, {})).headers.location).toContain('ok=article.purged');
    expect(await h.t.db.selectFrom('article').select('id').where('id', '=', id).execute()).toEqual([]);
  });

  it('should start an English version from the original, track it in the lag report, and mark its pages English', async () => {
    const admin = await Browser.withSession(h, 'admin');
    // The site gets an English version: a locale, an /en/ channel with a column, and a core column.
    await h.t.db.updateTable('site').set({ locales: ['en'] }).where('id', '=', siteId).execute();
    expect((await admin.post(`/sites/${siteId}/columns`, { parentId: '', slug: 'en', name: 'English', kind: 'news' })).statusCode).toBe(303);
    const enRoot = await h.t.db.selectFrom('site_column').select('id').where('site_id', '=', siteId).where('path', '=', '/en/').executeTakeFirstOrThrow();
    expect((await admin.post(`/sites/${siteId}/columns`, { parentId: enRoot.id, slug: 'notices', name: 'Notices', kind: 'notice' })).statusCode).toBe(303);
    expect((await admin.post(`/sites/${siteId}/columns/${tzgg}`, { name: '通知公告', kind: 'notice', description: '', isCore: '1' })).statusCode).toBe(303);
    const enColumn = await h.t.db.selectFrom('site_column').select('id').where('site_id', '=', siteId).where('path', '=', '/en/notices/').executeTakeFirstOrThrow();

    const created = await as.bianji!.post(`/sites/${siteId}/articles`, { columnId: tzgg, title: '关于举办招商推介会的公告', bodyHtml: '<p>中文</p>', then: 'submit' });
    const id = articleIdOf(created.headers.location as string);
    const runId = /runs\/([0-9a-f-]{36})\/approve/.exec((await as.shenhe!.get(`/sites/${siteId}/articles/${id}`)).body)![1];
    await as.shenhe!.post(`/sites/${siteId}/articles/${id}/runs/${runId}/approve`, {});
    await as.baomi!.post(`/sites/${siteId}/articles/${id}/runs/${runId}/approve`, {});
    await as.shenhe!.post(`/sites/${siteId}/articles/${id}/publish`, { at: '' });
    expect(bodyRows((await as.bianji!.get(`/sites/${siteId}/translations`)).body).join('')).toContain('未翻译');

    const page = await admin.get(`/sites/${siteId}/articles/${id}`);
    expect(page.body).toContain('新建外文版本');
    const wrong = await admin.post(`/sites/${siteId}/articles/${id}/translations`, { locale: 'en', columnId: tzgg, title: 'Notice' });
    expect(wrong.statusCode).toBe(400);
    const started = await admin.post(`/sites/${siteId}/articles/${id}/translations`, { locale: 'en', columnId: enColumn.id, title: 'Notice on the Investment Promotion Fair' });
    expect(started.statusCode).toBe(303);
    const enId = articleIdOf(started.headers.location as string);
    expect((await admin.get(`/sites/${siteId}/articles/${enId}`)).body).toContain('关于举办招商推介会的公告');
    const row = await h.t.db.selectFrom('article').select(['locale', 'translation_key']).where('id', '=', enId).executeTakeFirstOrThrow();
    expect(row.locale).toBe('en');
    // Pages under the version's prefix say they are English; the Chinese ones stay zh-CN.
    expect((await h.app.inject({ method: 'GET', url: '/en/notices/', headers: { host } })).body).toMatch(/<html lang="en"[ >]/);
    expect((await h.app.inject({ method: 'GET', url: '/xwdt/tzgg/', headers: { host } })).body).toMatch(/<html lang="zh-CN"[ >]/);
  });

  it('should publish in bulk what may be published, and say why the rest was not', async () => {
    const approved = articleIdOf((await as.bianji!.post(`/sites/${siteId}/articles`, { columnId: tzgg, title: '批量发布甲', bodyHtml: '<p>x</p>', then: 'submit' })).headers.location as string);
    const runId = /runs\/([0-9a-f-]{36})\/approve/.exec((await as.shenhe!.get(`/sites/${siteId}/articles/${approved}`)).body)![1];
    await as.shenhe!.post(`/sites/${siteId}/articles/${approved}/runs/${runId}/approve`, {});
    await as.baomi!.post(`/sites/${siteId}/articles/${approved}/runs/${runId}/approve`, {});
    const draft = articleIdOf((await as.bianji!.post(`/sites/${siteId}/articles`, { columnId: tzgg, title: '批量发布乙（草稿）', bodyHtml: '<p>x</p>' })).headers.location as string);
    expect((await as.shenhe!.get(`/sites/${siteId}/articles`)).body).toContain('name="ids"');

    const none = await as.shenhe!.post(`/sites/${siteId}/articles/bulk`, { op: 'publish' });
    expect(none.statusCode).toBe(400);
    const result = await as.shenhe!.post(`/sites/${siteId}/articles/bulk`, { op: 'publish', ids: [approved, draft] });
    expect(result.statusCode).toBe(200);
    expect(result.body).toContain('成功处理 1 篇');
    expect(result.body).toContain('批量发布乙（草稿）');
    expect(result.body).toContain('尚未通过审核');
    expect((await h.t.db.selectFrom('article').select('live').where('id', '=', approved).executeTakeFirstOrThrow()).live).toBe(true);
    // An editor cannot publish in bulk either: the same rules, article by article.
    expect((await as.bianji!.post(`/sites/${siteId}/articles/bulk`, { op: 'withdraw', reason: '过时', ids: [approved] })).body).toContain('没有此项权限');
  });

  it('should schedule a publication to the minute in Beijing time, and refuse a time that is not one', async () => {
    const id = articleIdOf((await as.bianji!.post(`/sites/${siteId}/articles`, { columnId: tzgg, title: '定时发布的通知', bodyHtml: '<p>x</p>', then: 'submit' })).headers.location as string);
    const runId = /runs\/([0-9a-f-]{36})\/approve/.exec((await as.shenhe!.get(`/sites/${siteId}/articles/${id}`)).body)![1];
    await as.shenhe!.post(`/sites/${siteId}/articles/${id}/runs/${runId}/approve`, {});
    await as.baomi!.post(`/sites/${siteId}/articles/${id}/runs/${runId}/approve`, {});
    expect((await as.shenhe!.post(`/sites/${siteId}/articles/${id}/publish`, { at: '2026-02-30T09:00' })).statusCode).toBe(400);
    const at = formatZoned(new Date(h.clock.now().getTime() + 24 * 3600_000), 'yyyy-MM-dd HH:mm');
    const scheduled = await as.shenhe!.post(`/sites/${siteId}/articles/${id}/publish`, { at: at.replace(' ', 'T') });
    expect(scheduled.headers.location).toContain('ok=article.scheduled');
    const row = await h.t.db.selectFrom('article').select(['live', 'scheduled_publish_at']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.live).toBe(false);
    expect(formatZoned(row.scheduled_publish_at!, 'yyyy-MM-dd HH:mm')).toBe(at);
    expect((await as.shenhe!.get(`/sites/${siteId}/articles/${id}`)).body).toContain(`定时发布：${at}`);
  });
});

