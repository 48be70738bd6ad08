// The article API end to end on the demo province: the demo editor writes, the reviewer and the
// secrecy reviewer approve, the reviewer schedules, the clock moves, the article is on the public
// site — and everyone else is refused with a clear code.
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoProvince } from '@zhanqun/demo/demo-province';
import { runDueSchedules } from '@zhanqun/content/publishing.service';
import { scheduleActor } from '../src/jobs/scheduler.js';
import { openSession } from './console-helper.js';
import { build, type TestApp } from './helper.js';

type Json = Record<string, any>;

describe('articles and their workflow through /api/v1', () => {
  let h: TestApp;
  const who: Record<string, Record<string, string>> = {};
  let siteId = '';
  let tzgg = '';
  let otherColumn = '';
  let host = '';

  const call = (as: string, method: InjectOptions['method'], url: string, payload?: object) =>
    h.app.inject({ method, url: `/api/v1${url}`, headers: { host: 'admin.localhost' }, cookies: who[as]!, ...(payload ? { payload } : {}) });
  const ok = async (as: string, status: number, method: InjectOptions['method'], url: string, payload?: object): Promise<Json> => {
    const res = await call(as, method, url, payload);
    expect([as, method, url, res.statusCode, res.statusCode >= 400 ? res.body : '']).toEqual([as, method, url, status, '']);
    return res.body ? res.json() : {};
  };
  const refused = async (as: string, expected: Json, method: InjectOptions['method'], url: string, payload?: object) => {
    const res = await call(as, method, url, payload);
    expect({ status: res.statusCode, ...res.json() }).toMatchObject(expected);
  };

  /** One file as a browser's FormData sends it. */
  const upload = (as: string, filename: string, bytes: Buffer) => {
    const boundary = '----zq-test-boundary';
    const payload = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
      bytes, Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    return h.app.inject({
      method: 'POST', url: `/api/v1/sites/${siteId}/attachments`, payload, cookies: who[as]!,
      headers: { host: 'admin.localhost', 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
  };
  const PDF = Buffer.from('%PDF-1.7\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

  beforeAll(async () => {
    h = await build({ MAX_UPLOAD_MB: '1' });
    await seedDemoProvince(h.t.db, h.clock);
    for (const u of ['admin', 'bianji', 'shenhe', 'baomi', 'zhanzhang', 'shenji']) who[u] = { zq_session: await openSession(h, u) };
    const site = await h.t.db.selectFrom('site').select('id').where('code', '=', 'prov').executeTakeFirstOrThrow();
    siteId = site.id;
    const column = (path: string) => h.t.db.selectFrom('site_column').select('id').where('site_id', '=', siteId).where('path', '=', path).executeTakeFirstOrThrow();
    tzgg = (await column('/xwdt/tzgg/')).id;
    otherColumn = (await column('/zwgk/zcwj/gfxwj/')).id;
    host = (await h.t.db.selectFrom('site_domain').select('host').where('site_id', '=', siteId).where('role', '=', 'primary').executeTakeFirstOrThrow()).host;
  });
  afterAll(async () => { await h.close(); });

  it('should take an article from the editor through both reviews to the public site at the scheduled minute', async () => {
    const body = { columnId: tzgg, title: '关于开展2026年冬季消防安全检查的通知', bodyHtml: '<p>各市、县人民政府：</p><p onclick="x()">现将有关事项通知如下。</p><script>alert(1)</script>', documentNumber: '演示政办〔2026〕9号' };
    await refused('bianji', { status: 403, code: 'ZQ_CONTENT_FORBIDDEN' }, 'POST', `/sites/${siteId}/articles`, { ...body, columnId: otherColumn });
    const up = await upload('bianji', '关于检查工作的实施方案.pdf', PDF);
    expect(up.statusCode).toBe(201);
    const file = up.json();
    expect(file).toMatchObject({ filename: '关于检查工作的实施方案.pdf', mediaType: 'application/pdf', size: PDF.length });
    const fake = await upload('bianji', '通知.pdf', Buffer.from('<!DOCTYPE html><html><script>alert(1)</script></html>'));
    expect({ status: fake.statusCode, ...fake.json() }).toMatchObject({ status: 400, code: 'ZQ_VALIDATION', field: 'file' });
    const big = await upload('bianji', '大文件.pdf', Buffer.concat([PDF, Buffer.alloc(1024 * 1024)]));
    expect({ status: big.statusCode, ...big.json() }).toMatchObject({ status: 413, code: 'ZQ_CONTENT_FILE_TOO_LARGE', field: 'file' });
    expect((await upload('shenji', 'x.pdf', PDF)).statusCode).toBe(403);

    const article = await ok('bianji', 201, 'POST', `/sites/${siteId}/articles`, { ...body, attachmentIds: [file.id] });
    expect(article).toMatchObject({ title: body.title, live: false, url: null, primaryColumnId: tzgg });
    // Not on the public site before a live revision carries it.
    expect((await h.app.inject({ method: 'GET', url: file.url, headers: { host } })).statusCode).toBe(404);

    // Two saves on the same base: the second is refused and names the first.
    const base = article.latestRevisionId;
    const first = await ok('bianji', 200, 'PUT', `/sites/${siteId}/articles/${article.id}`, { ...body, attachmentIds: [file.id], baseRevisionId: base, title: `${body.title}（修订）` });
    expect(first.bodyHtml).toBe('<p>各市、县人民政府：</p><p>现将有关事项通知如下。</p>');
    await refused('bianji', { status: 409, code: 'ZQ_CONTENT_REVISION_CONFLICT', details: { latestRevisionId: first.id } },
      'PUT', `/sites/${siteId}/articles/${article.id}`, { ...body, baseRevisionId: base });
    const diff = await ok('bianji', 200, 'GET', `/sites/${siteId}/articles/${article.id}/diff?from=${base}&to=${first.id}`);
    expect(diff.title).toContainEqual({ op: 'add', text: '（修订）' });

    const run = await ok('bianji', 201, 'POST', `/sites/${siteId}/articles/${article.id}/submit`);
    expect(run).toMatchObject({ status: 'in_progress', steps: ['review', 'secrecy_review'], revisionId: first.id });
    expect((await ok('baomi', 200, 'GET', '/tasks')).tasks).toEqual([]);
    expect((await ok('shenhe', 200, 'GET', '/tasks')).tasks).toMatchObject([{ runId: run.id, step: 'review', title: `${body.title}（修订）` }]);
    await refused('baomi', { status: 403, code: 'ZQ_CONTENT_FORBIDDEN' }, 'POST', `/sites/${siteId}/workflow-runs/${run.id}/approve`, {});
    await refused('zhanzhang', { status: 404 }, 'POST', `/sites/${siteId}/workflow-runs/${run.id}/approve`, {});
    await ok('shenhe', 200, 'POST', `/sites/${siteId}/workflow-runs/${run.id}/approve`, { comment: '同意' });
    expect((await ok('baomi', 200, 'GET', '/tasks')).tasks).toMatchObject([{ runId: run.id, step: 'secrecy_review' }]);
    const approved = await ok('baomi', 200, 'POST', `/sites/${siteId}/workflow-runs/${run.id}/approve`, {});
    expect(approved).toMatchObject({ status: 'approved', tasks: [{ status: 'approved' }, { status: 'approved' }] });

    await refused('bianji', { status: 403 }, 'POST', `/sites/${siteId}/articles/${article.id}/publish`, {});
    const at = new Date(h.clock.now().getTime() + 30 * 60_000);
    const scheduled = await ok('shenhe', 200, 'POST', `/sites/${siteId}/articles/${article.id}/publish`, { at: at.toISOString() });
    expect(scheduled).toMatchObject({ status: 'scheduled', article: { live: false } });
    expect((await ok('bianji', 200, 'GET', `/sites/${siteId}/articles?state=scheduled`)).articles.map((a: Json) => a.id)).toEqual([article.id]);

    h.clock.advance(30 * 60_000);
    const due = await runDueSchedules(h.t.db, h.clock, scheduleActor(h.t.db, h.clock));
    expect(due.published).toEqual([article.id]);
    const detail = await ok('shenji', 200, 'GET', `/sites/${siteId}/articles/${article.id}`);
    expect(detail.article).toMatchObject({ live: true, liveRevisionId: first.id });
    expect(detail.publications).toMatchObject([{
      action: 'publish', scheduled: true, writtenBy: '省政府网站编辑（演示）', reviewedBy: '省政府网站审核员（演示）',
      secrecyReviewedBy: '省政府保密审查员（演示）', releasedBy: '省政府网站审核员（演示）',
    }]);
    const page = await h.app.inject({ method: 'GET', url: detail.article.url, headers: { host } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('关于开展2026年冬季消防安全检查的通知（修订）');
    expect(page.body).not.toContain('onclick');
    expect(page.body).toContain(`href="${file.url}"`);
    const download = await h.app.inject({ method: 'GET', url: file.url, headers: { host } });
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.equals(PDF)).toBe(true);
    expect(download.headers).toMatchObject({
      'content-type': 'application/pdf', 'x-content-type-options': 'nosniff',
      'content-disposition': `attachment; filename="_.pdf"; filename*=UTF-8''${encodeURIComponent('关于检查工作的实施方案.pdf')}`,
    });

    // Withdrawn: its URL answers 410.
    await refused('shenhe', { status: 400, field: 'reason' }, 'POST', `/sites/${siteId}/articles/${article.id}/withdraw`, { reason: '' });
    await ok('shenhe', 200, 'POST', `/sites/${siteId}/articles/${article.id}/withdraw`, { reason: '内容已过时' });
    expect((await h.app.inject({ method: 'GET', url: detail.article.url, headers: { host } })).statusCode).toBe(410);
    expect((await h.app.inject({ method: 'GET', url: file.url, headers: { host } })).statusCode).toBe(404);

    const trail = await h.t.db.selectFrom('audit_log_entry').select(['action', 'actor_label']).where('object_id', '=', article.id).orderBy('seq').execute();
    expect(trail.map((e) => `${e.action} ${e.actor_label}`)).toEqual([
      'article.create bianji', 'article.revision.save bianji', 'workflow.submit bianji', 'workflow.review.approve shenhe',
      'workflow.secrecy_review.approve baomi', 'article.schedule_publish shenhe', 'article.publish.scheduled shenhe', 'article.withdraw shenhe',
    ]);
  });

  it('should send an article back with its reason, and refuse to do so without one', async () => {
    const article = await ok('bianji', 201, 'POST', `/sites/${siteId}/articles`, { columnId: tzgg, title: '待退回的稿件', bodyHtml: '<p>正文</p>' });
    const run = await ok('bianji', 201, 'POST', `/sites/${siteId}/articles/${article.id}/submit`);
    await refused('bianji', { status: 409, code: 'ZQ_WORKFLOW_IN_PROGRESS' }, 'POST', `/sites/${siteId}/articles/${article.id}/submit`);
    await refused('shenhe', { status: 400, code: 'ZQ_VALIDATION', field: 'reason' }, 'POST', `/sites/${siteId}/workflow-runs/${run.id}/request-changes`, {});
    const back = await ok('shenhe', 200, 'POST', `/sites/${siteId}/workflow-runs/${run.id}/request-changes`, { reason: '标题应写明发文单位' });
    expect(back).toMatchObject({ status: 'needs_changes', tasks: [{ status: 'needs_changes', comment: '标题应写明发文单位' }] });
    const mine = await ok('bianji', 200, 'GET', `/sites/${siteId}/articles?state=needs_changes`);
    expect(mine.articles.map((a: Json) => a.id)).toContain(article.id);
    const detail = await ok('bianji', 200, 'GET', `/sites/${siteId}/articles/${article.id}`);
    expect(detail.runs[0].tasks[0].comment).toBe('标题应写明发文单位');
    await refused('shenhe', { status: 409, code: 'ZQ_WORKFLOW_NOT_APPROVED' }, 'POST', `/sites/${siteId}/articles/${article.id}/publish`, {});
  });

  it('should keep other tenants and lesser roles out', async () => {
    const article = await ok('bianji', 201, 'POST', `/sites/${siteId}/articles`, { columnId: tzgg, title: '他站不可见', bodyHtml: '<p>x</p>' });
    await refused('zhanzhang', { status: 404 }, 'GET', `/sites/${siteId}/articles/${article.id}`);
    expect((await ok('zhanzhang', 200, 'GET', `/sites/${siteId}/articles`)).articles).toEqual([]);
    await refused('shenji', { status: 403 }, 'POST', `/sites/${siteId}/articles`, { columnId: tzgg, title: 'x', bodyHtml: '' });
    await refused('bianji', { status: 403 }, 'PUT', `/platforms/${(await h.t.db.selectFrom('site').select('platform_id').where('id', '=', siteId).executeTakeFirstOrThrow()).platform_id}/secrecy-waivers/news`, { reason: 'x' });
    // The trash: an editor may bin a draft and bring it back.
    await ok('bianji', 200, 'DELETE', `/sites/${siteId}/articles/${article.id}`);
    expect((await ok('bianji', 200, 'GET', `/sites/${siteId}/trash`)).articles.map((a: Json) => a.id)).toContain(article.id);
    await refused('bianji', { status: 404 }, 'GET', `/sites/${siteId}/articles/${article.id}`);
    await ok('bianji', 200, 'POST', `/sites/${siteId}/articles/${article.id}/restore`);
    await ok('bianji', 200, 'GET', `/sites/${siteId}/articles/${article.id}`);
  });

  it('should carry tags, a cover image and an external link, and send readers of a link-only article on', async () => {
    const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    const image = (await upload('bianji', '封面.png', Buffer.concat([PNG, Buffer.alloc(64)]))).json();
    const pdf = (await upload('bianji', '附件.pdf', PDF)).json();
    const base = { columnId: tzgg, title: '外链稿件：国务院客户端', bodyHtml: '<p>见链接</p>' };
    await refused('bianji', { status: 400, field: 'externalUrl' }, 'POST', `/sites/${siteId}/articles`, { ...base, externalUrl: 'javascript:alert(1)' });
    await refused('bianji', { status: 400, field: 'coverAttachmentId' }, 'POST', `/sites/${siteId}/articles`, { ...base, coverAttachmentId: pdf.id });
    const article = await ok('bianji', 201, 'POST', `/sites/${siteId}/articles`, {
      ...base, externalUrl: 'https://www.gov.cn/zhengce/', coverAttachmentId: image.id, tags: ['国务院', '政策'],
    });
    const detail = await ok('bianji', 200, 'GET', `/sites/${siteId}/articles/${article.id}`);
    expect(detail.latestRevision).toMatchObject({ tags: ['国务院', '政策'], externalUrl: 'https://www.gov.cn/zhengce/', coverAttachmentId: image.id });
    const run = await ok('bianji', 201, 'POST', `/sites/${siteId}/articles/${article.id}/submit`);
    await ok('shenhe', 200, 'POST', `/sites/${siteId}/workflow-runs/${run.id}/approve`, {});
    await ok('baomi', 200, 'POST', `/sites/${siteId}/workflow-runs/${run.id}/approve`, {});
    const published = await ok('shenhe', 200, 'POST', `/sites/${siteId}/articles/${article.id}/publish`, {});
    const page = await h.app.inject({ method: 'GET', url: published.article.url, headers: { host } });
    expect([page.statusCode, page.headers.location]).toEqual([302, 'https://www.gov.cn/zhengce/']);
    const list = await h.app.inject({ method: 'GET', url: '/xwdt/tzgg/', headers: { host } });
    expect(list.body).toContain('href="https://www.gov.cn/zhengce/"');
  });
});

