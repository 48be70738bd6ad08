// The console's 旧网站迁移 page: a site admin sees its site's legacy sites with their entries and
// the most-hit old URLs, the import runs and one run's report (also as JSON); another site's
// page is refused. A run interrupted part way shows 已中断 with what it wrote, on the board too,
// and the run that resumes it links to it; the board is in the navigation of platform admins only.
// A WordPress run's report counts its files, the attachment pages answering with them and its URL
// entries, and says why a link to an attachment page leads nowhere.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoProvince } from '@zhanqun/demo/demo-province';
import { corpusPath } from '@zhanqun/legacy/corpus.fixture';
import type { ServiceContext } from '@zhanqun/audit/context';
import { importItems, ITEMS_FORMAT } from '@zhanqun/legacy/items/items-import.service';
import { createBlobStore } from '@zhanqun/content/attachment/blob-store';
import { blogExport, serveUploads } from '@zhanqun/legacy/wxr/uploads.fixture';
import { importWxr } from '@zhanqun/legacy/wxr/wxr-import.service';
import { platformAdminScope } from '@zhanqun/tenancy/platform.service';
import { ConsoleClient, visible } from './console-helper.js';
import { build, type TestApp } from './helper.js';

describe('the console: a site\'s legacy sites and import runs', () => {
  let h: TestApp;
  let c: ConsoleClient;
  let siteId: string;
  let runId: string;
  let ctx: ServiceContext;

  beforeAll(async () => {
    h = await build();
    await seedDemoProvince(h.t.db, h.clock);
    const site = await h.t.db.selectFrom('site').select(['id', 'platform_id']).where('code', '=', 'qingchuan').executeTakeFirstOrThrow();
    siteId = site.id;
    ctx = { db: h.t.db, clock: h.clock, actor: { userId: null, label: 'test' }, scope: await platformAdminScope(h.t.db, site.platform_id) };
    const column = await h.t.db.selectFrom('site_column').select('id').where('site_id', '=', siteId).where('path', '=', '/xwdt/tzgg/').executeTakeFirstOrThrow();
    const wxr = readFileSync(corpusPath('wordpress-importer-wxr-fixtures', 'phpunit-data', 'small-export.xml'), 'utf8').replace('</channel>', '<item><title>Broken</title><wp:post_type>post</wp:post_type><wp:status>publish</wp:status></item></channel>');
    runId = (await importWxr(ctx, siteId, { wxr, sourceName: 'small-export.xml', columnId: column.id })).runId;
    await h.t.db.updateTable('url_path').set({ hits: 42 }).where('site_id', '=', siteId).where('path', '=', '/?p=1').execute();
    c = await ConsoleClient.withSession(h.app, h.t.db, 'zhanzhang', h.clock);
  });
  afterAll(async () => { await h.close(); });

  it('should show the legacy sites, the most-hit old URLs and the runs', async () => {
    const page = await c.get(`/sites/${siteId}/legacy`);
    expect(page.statusCode).toBe(200);
    const text = visible(page.body);
    expect(text).toContain('旧网站迁移');
    expect(text, text.slice(text.indexOf('旧网站 旧网站'), text.indexOf('旧网站 旧网站') + 600)).toMatch(/trunk localhost localhost 计划 \d+ 0 2/); // name, code, host, state, 301s, 410s, awaiting
    expect(text).toMatch(/\/\?p=1 \/xwdt\/tzgg\/\d{6}\/t\d{8}_\d+\.html 42/);
    expect(text).toContain('small-export.xml (wxr) test 已完成 11 0 1');
  });

  it('should show a run\'s report, and give it as JSON', async () => {
    const page = await c.get(`/sites/${siteId}/legacy?run=${runId}`);
    expect(visible(page.body)).toMatch(/导入报告 .*发现 12 导入 11/);
    const report = visible(page.body);
    expect(report, report.slice(report.indexOf('导入报告'), report.indexOf('导入报告') + 500)).toContain('“Broken”');
    const json = await c.get(`/sites/${siteId}/legacy?run=${runId}&format=json`);
    expect(json.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(json.body)).toMatchObject({ run: { id: runId, status: 'finished', report: { imported: 11, failed: [expect.objectContaining({ title: 'Broken' })] } } });
    expect((await c.get(`/sites/${siteId}/legacy?run=01a00000-0000-7000-8000-000000000000`)).statusCode).toBe(404);
  });

  it('should show the platform\'s plan to its admin, with the overdue, and to nobody else', async () => {
    await h.t.db.updateTable('legacy_site').set({ deadline: '2026-01-31', state: 'imported' }).execute();
    const admin = await ConsoleClient.withSession(h.app, h.t.db, 'admin', h.clock);
    const plan = visible((await admin.get('/legacy')).body);
    expect(plan).toContain('旧网站迁移计划');
    expect(plan).toMatch(/逾期 1 个 .*2026-01-31 逾期 trunk localhost 青川市人民政府（演示） qingchuan 青川市人民政府 已导入 \d+ 42/);
    expect(visible((await admin.get(`/sites/${siteId}/legacy`)).body)).toContain('旧网站迁移计划');
    expect((await c.get('/legacy')).statusCode).toBe(403);
    expect(visible((await c.get(`/sites/${siteId}/legacy`)).body)).not.toContain('旧网站迁移计划');
  });

  it('should not show another site\'s legacy page', async () => {
    const anhe = (await h.t.db.selectFrom('site').select('id').where('code', '=', 'anhe').executeTakeFirstOrThrow()).id;
    expect([403, 404]).toContain((await c.get(`/sites/${anhe}/legacy`)).statusCode);
  });

  it('should show a run interrupted part way as 已中断 with what it wrote, on the board too, and link the run that resumes it', async () => {
    const json = JSON.stringify({
      format: ITEMS_FORMAT, site: { host: 'www.qc-old.gov.cn', name: '青川旧网站' },
      items: Array.from({ length: 6 }, (_, i) => ({ id: String(i), url: `http://www.qc-old.gov.cn/a/${i}.html`, column: '/xwdt/tzgg/', title: `旧通知${i}`, body_html: '<p>x</p>', published_at: '2019-03-05 10:20' })),
    });
    await expect(importItems(ctx, siteId, { json, sourceName: 'qc-old.json', onProgress: (done) => { if (done === 4) throw new Error('killed'); } })).rejects.toThrow('killed');
    const interrupted = (await h.t.db.selectFrom('legacy_import_run').select('id').where('source_name', '=', 'qc-old.json').executeTakeFirstOrThrow()).id;
    const admin = await ConsoleClient.withSession(h.app, h.t.db, 'admin', h.clock);
    const board = visible((await admin.get('/legacy')).body);
    expect(board).toMatch(/青川旧网站 www\.qc-old\.gov\.cn .* 计划 4 0 已中断 \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    expect((await admin.get('/legacy')).body).toContain(`href="/sites/${siteId}/legacy?run=${interrupted}"`);

    const page = visible((await c.get(`/sites/${siteId}/legacy?run=${interrupted}`)).body);
    expect(page).toMatch(/导入报告 qc-old\.json · test · [\d-]+ [\d:]+ · 已中断 · JSON 该批次未完成即中断（最近活动 [\d-]+ [\d:]+）。.* 导入 4 更新 0/);
    expect(page).toContain('qc-old.json (json) test 已中断 4 0 0');
    const json1 = JSON.parse((await c.get(`/sites/${siteId}/legacy?run=${interrupted}&format=json`)).body);
    expect(json1.run).toMatchObject({ status: 'interrupted', written: { created: 4, updated: 0 }, resumesRunId: null });

    const { runId: resumed } = await importItems(ctx, siteId, { json, sourceName: 'qc-old-2.json' });
    const next = visible((await c.get(`/sites/${siteId}/legacy?run=${resumed}`)).body);
    expect(next).toMatch(/已完成 · JSON 续接已中断的批次 [\d-]+ [\d:]+ qc-old\.json 发现 6 导入 2 更新 0 未变 4/);
    expect((await c.get(`/sites/${siteId}/legacy?run=${resumed}`)).body).toContain(`<a href="/sites/${siteId}/legacy?run=${interrupted}">`);
    expect(visible((await admin.get('/legacy')).body)).toMatch(/青川旧网站 www\.qc-old\.gov\.cn .* 已完成 /);
  });

  it('should put the migration board in the navigation of platform admins, and of nobody else', async () => {
    const admin = await ConsoleClient.withSession(h.app, h.t.db, 'admin', h.clock);
    expect((await admin.get('/')).body).toMatch(/<nav class="mainnav"[\s\S]*<a href="\/legacy">旧网站迁移<\/a>[\s\S]*<\/nav>/);
    expect((await admin.get('/legacy')).body).toContain('<a href="/legacy" aria-current="page">旧网站迁移</a>');
    expect((await admin.get('/legacy?lang=en')).body).toContain('<a href="/legacy" aria-current="page">Legacy migration</a>');
    expect((await c.get('/')).body).not.toContain('href="/legacy"');
  });

  it('should count a WordPress run\'s files, the attachment pages that answer with them and its URL entries, and say why a link leads nowhere', async () => {
    const uploads = await serveUploads();
    const dir = mkdtempSync(join(tmpdir(), 'zq-console-legacy-'));
    try {
      const blog = 'www.qc-blog.gov.cn';
      const up = (name: string) => `http://${blog}:${uploads.port}/wp-content/uploads/2021/03/${name}`;
      const wxr = blogExport(blog, [
        { id: 10, type: 'attachment', name: 'photo', parent: 20, link: `http://${blog}/2021/03/notice/photo/`, attachmentUrl: up('photo.png') },
        { id: 11, type: 'attachment', name: 'clip', parent: 20, link: `http://${blog}/?attachment_id=11`, attachmentUrl: up('clip.mov') },
        {
          id: 20, title: '放假通知', name: 'notice', link: `http://${blog}/2021/03/notice/`,
          body: `<p><a href="http://${blog}/2021/03/notice/photo/"><img src="${up('photo.png')}" alt="照片"></a> <a href="http://${blog}/?attachment_id=11">视频</a></p>`,
        },
      ]);
      const column = await h.t.db.selectFrom('site_column').select('id').where('site_id', '=', siteId).where('path', '=', '/xwdt/tzgg/').executeTakeFirstOrThrow();
      const files = {
        store: createBlobStore(dir), maxBytes: 1024 * 1024, unsafeAllowAddressesForTests: ['127.0.0.1'],
        resolve: async (host: string) => (host === blog ? [{ address: '127.0.0.1', family: 4 as const }] : []),
      };
      const { runId: wxrRun } = await importWxr(ctx, siteId, { wxr, sourceName: 'qc-blog.xml', columnId: column.id, files });
      // The post's own address, the photo page's permalink and ?attachment_id=10, and the photo's own address: four entries.
      const page = visible((await c.get(`/sites/${siteId}/legacy?run=${wxrRun}`)).body);
      expect(page).toMatch(/导入报告 qc-blog\.xml .* 发现 3 导入 1 更新 0 未变 0 附件 1 转向附件的附件页 1 旧网址 4 /);
      expect(page).toContain(`“放假通知” → http://${blog}/?attachment_id=11 ：attachment page of ${up('clip.mov')}, which was not stored: file: type .mov is not allowed`);
      expect(visible((await c.get(`/sites/${siteId}/legacy?run=${wxrRun}&lang=en`)).body)).toMatch(/Files 1 Attachment pages to files 1 URL entries 4 /);
      const json = JSON.parse((await c.get(`/sites/${siteId}/legacy?run=${wxrRun}&format=json`)).body);
      expect(json.run.report).toMatchObject({ urlEntries: 4, files: { stored: 1, failed: 1, pages: 2, pagesRedirected: 1 } });
    } finally {
      await uploads.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
