// WordPress attachment pages on the real database, the uploads served on loopback (allowed
// explicitly, as only a test may): the theme unit test data (../shared/corpus, read in place),
// whose gallery posts link images to their attachment pages — those links now lead to the stored
// files and are no longer reported broken, and the pages' old addresses answer 301 with the file;
// a small export with a page whose file is only linked through its page, one of a type the
// platform never keeps and one the old server lost (reported with why), and one of a draft
// (awaiting until the draft is published); a re-run that changes nothing, rollback removing the
// entries, and another site kept out. Root-relative links to pages whose file was not stored
// (without files, or the fetch failed) are reported broken as absolute ones are.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceContext } from '@zhanqun/audit/context';
import { findServable } from '@zhanqun/content/attachment/attachment.service';
import type { BlobStore } from '@zhanqun/content/attachment/blob-store';
import { inScope } from '@zhanqun/db/scope';
import type { TestDatabase } from '@zhanqun/testing/db';
import { corpusPath } from '../corpus.fixture.js';
import { rollbackRun } from '../import-run.service.js';
import { oldUrlAnswer, siteRows, type LegacyWorld } from '../legacy.fixture.js';
import { blogExport, filesWorld, type BlogItem, type FilesWorld, type Uploads } from './uploads.fixture.js';
import { importWxr, type WxrImportInput } from './wxr-import.service.js';
import { parseWxr } from './wxr-parser.js';

const THEME_DATA = readFileSync(corpusPath('wordpress-theme-test-data', 'themeunittestdata.wordpress.xml'), 'utf8');
const THEME_HOST = 'wpthemetestdata.wordpress.com';
const BLOG = 'www.pages-blog.gov.cn';
const LOOPBACK = ['127.0.0.1'];

describe('WordPress import: attachment pages', () => {
  let world: FilesWorld;
  let t: TestDatabase;
  let w: LegacyWorld;
  let other: ServiceContext;
  let store: BlobStore;
  let uploads: Uploads;

  const count = (table: string, siteId = w.siteId) => siteRows(t.db, table, siteId);
  const census = async () => ({ article: await count('article'), url_path: await count('url_path'), legacy_item: await count('legacy_item'), attachment: await count('attachment') });
  /** What the public side of a site answers for an old address. */
  const ask = (siteId: string, url: string, asker = siteId) => oldUrlAnswer(t.db, siteId, url, asker);
  /** The attachment a legacy site stored for an upload path. */
  const fileId = async (siteId: string, rel: string) => (await t.db.selectFrom('legacy_item').select('attachment_id')
    .where('site_id', '=', siteId).where('legacy_key', '=', `file:/wp-content/uploads/${rel}`).executeTakeFirstOrThrow()).attachment_id!;
  const latest = (siteId: string, key: string) => t.db.selectFrom('legacy_item as i').innerJoin('article as a', 'a.id', 'i.article_id')
    .innerJoin('article_revision as r', 'r.id', 'a.latest_revision_id').select(['a.id', 'a.live', 'r.id as revision_id', 'r.body_html'])
    .where('i.site_id', '=', siteId).where('i.legacy_key', '=', key).executeTakeFirstOrThrow();

  beforeAll(async () => {
    world = await filesWorld('wxp', ['/wp-content/uploads/2021/03/lost.png']);
    ({ t, w, other, store, uploads } = world);
  });
  afterAll(() => world?.close());

  let themeRun: string;
  let beforeTheme: Awaited<ReturnType<typeof census>>;
  const themeFiles = () => ({ store, maxBytes: 100 * 1024, uploadsUrl: `http://127.0.0.1:${uploads.port}/uploads/`, unsafeAllowAddressesForTests: LOOPBACK });

  it('should lead the theme unit test data\'s links to attachment pages to the stored files, and answer the pages\' old addresses with them', async () => {
    beforeTheme = await census();
    const { runId, report } = await importWxr(w.ctx, w.siteId, { wxr: THEME_DATA, sourceName: 'themeunittestdata.wordpress.xml', columnId: w.columnId, files: themeFiles() });
    themeRun = runId;
    expect(report.failed).toEqual([]);
    const doc = parseWxr(THEME_DATA);
    const attachments = doc.items.filter((i) => i.postType === 'attachment');
    // Every attachment has a page; those whose file a post uses (and so was stored) answer with it.
    expect(report.files).toMatchObject({ pages: attachments.length });
    expect(report.files!.pagesRedirected).toBeGreaterThan(20);
    // The gallery's links to its images' pages are no longer broken; no link to an attachment page is, without a reason.
    const broken = report.brokenLinks.map((b) => b.url);
    expect(broken).not.toContain('https://wpthemetestdata.wordpress.com/2010/09/10/post-format-gallery/img_0767/');
    const pageLinks = new Set(attachments.map((a) => a.link));
    expect(report.brokenLinks.filter((b) => pageLinks.has(b.url) && !b.reason)).toEqual([]);

    const img = await fileId(w.siteId, '2008/06/img_0767.jpg');
    const bodies = (await t.db.selectFrom('article as a').innerJoin('article_revision as r', 'r.id', 'a.latest_revision_id').select('r.body_html')
      .where('a.site_id', '=', w.siteId).execute()).map((r) => r.body_html);
    expect(bodies.some((b) => b.includes(`<a href="/_files/${img}/img_0767.jpg"><img src="/_files/${img}/img_0767.jpg"`))).toBe(true);
    expect(bodies.filter((b) => b.includes('post-format-gallery/img_0767'))).toEqual([]);

    // The page's old addresses: its permalink (any case, trailing slash) and ?attachment_id=.
    const redirect = { type: 'redirect', location: `/_files/${img}/img_0767.jpg` };
    expect(await ask(w.siteId, 'https://wpthemetestdata.wordpress.com/2010/09/10/post-format-gallery/img_0767/')).toMatchObject(redirect);
    expect(await ask(w.siteId, 'http://wpthemetestdata.wordpress.com/2010/09/10/Post-Format-Gallery/IMG_0767')).toMatchObject(redirect);
    expect(await ask(w.siteId, 'https://wpthemetestdata.wordpress.com/?attachment_id=770')).toMatchObject(redirect);
    expect(await inScope(t.db, { kind: 'public', siteIds: [w.siteId] }, (trx) => findServable(trx, w.siteId, img))).toBeDefined();
    // A page whose file was never stored (the .mov, a type the platform never keeps) has no entry.
    expect(await ask(w.siteId, 'https://wpthemetestdata.wordpress.com/?attachment_id=1690')).toMatchObject({ type: 'not_found' });
  });

  it('should change nothing when run again, and keep another site out of the entries', async () => {
    const before = await census();
    const { report } = await importWxr(w.ctx, w.siteId, { wxr: THEME_DATA, sourceName: 'again', columnId: w.columnId, files: themeFiles() });
    expect(report).toMatchObject({ imported: 0, updated: 0, urlEntries: 0, failed: [], files: { stored: 0 } });
    expect(await census()).toEqual(before);
    // Another site sees none of the entries nor their ID map rows, and its public side answers none of the addresses.
    expect(await inScope(t.db, other.scope, (trx) => trx.selectFrom('url_path').select('id').where('site_id', '=', w.siteId).execute())).toEqual([]);
    expect(await inScope(t.db, other.scope, (trx) => trx.selectFrom('legacy_item').select('id').where('site_id', '=', w.siteId).where('legacy_key', 'like', 'url:%').execute())).toEqual([]);
    expect(await ask(w.otherSiteId, 'https://wpthemetestdata.wordpress.com/?attachment_id=770')).toBeNull();
  });

  it('should remove the entries with the files when the run is rolled back', async () => {
    await rollbackRun(w.ctx, w.siteId, themeRun);
    expect(await census()).toEqual(beforeTheme);
    expect(await ask(w.siteId, 'https://wpthemetestdata.wordpress.com/?attachment_id=770')).toMatchObject({ type: 'not_found' });
  });

  const up = (name: string) => `http://${BLOG}:${uploads.port}/wp-content/uploads/2021/03/${name}`;
  /** A notice whose body links four attachment pages: an image's, a PDF's only known through its page (a relative link), a video's (never kept) and a lost file's; a draft with one. */
  const pagesExport = (draftStatus = 'draft'): string => {
    const items: BlogItem[] = [
      { id: 10, type: 'attachment', title: 'photo', name: 'photo', parent: 20, link: `http://${BLOG}/2021/03/notice/photo/`, attachmentUrl: up('photo.png') },
      { id: 11, type: 'attachment', title: 'clip', name: 'clip', parent: 20, link: `http://${BLOG}/?attachment_id=11`, attachmentUrl: up('clip.mov') },
      { id: 12, type: 'attachment', title: 'report', name: 'report', link: `http://${BLOG}/?attachment_id=12`, guid: up('report.pdf'), attachmentUrl: up('report.pdf') },
      { id: 13, type: 'attachment', title: 'lost', name: 'lost', parent: 20, link: `http://${BLOG}/2021/03/notice/lost/`, attachmentUrl: up('lost.png') },
      { id: 14, type: 'attachment', title: 'plan', name: 'plan', parent: 21, link: `http://${BLOG}/2021/03/plan-draft/plan/`, attachmentUrl: up('plan.gif') },
      {
        id: 20, title: '关于春节放假的通知', name: 'notice', link: `http://${BLOG}/2021/03/notice/`,
        body: `<p><a href="http://${BLOG}/2021/03/notice/photo/"><img src="${up('photo.png')}" alt="照片"></a></p>
<p><a href="/?attachment_id=12">通知全文</a> <a href="http://${BLOG}/?attachment_id=11">视频</a> <a href="http://${BLOG}/2020/12/notice/lost/">附表</a></p>`,
      },
      { id: 21, title: '规划（征求意见稿）', name: 'plan-draft', status: draftStatus, link: `http://${BLOG}/2021/03/plan-draft/`, body: `<p><a href="http://${BLOG}/2021/03/plan-draft/plan/">规划图</a></p>` },
    ];
    return blogExport(BLOG, items);
  };
  const importPages = (ctx: ServiceContext, siteId: string, columnId: string, wxr: string): ReturnType<typeof importWxr> => {
    const input: WxrImportInput = {
      wxr, sourceName: 'pages.xml', columnId,
      files: { store, maxBytes: 100 * 1024, unsafeAllowAddressesForTests: LOOPBACK, resolve: async (host) => (host === BLOG ? [{ address: '127.0.0.1', family: 4 }] : []) },
    };
    return importWxr(ctx, siteId, input);
  };

  let pagesRun: string;
  let beforePages: Awaited<ReturnType<typeof census>>;

  it('should store a file known only through its page, lead the links there, and report the pages whose file was not stored with why', async () => {
    beforePages = await census();
    const { runId, report } = await importPages(w.ctx, w.siteId, w.columnId, pagesExport());
    pagesRun = runId;
    expect(report).toMatchObject({ imported: 2, failed: [], files: { found: 5, stored: 3, failed: 2, pages: 5, pagesRedirected: 3 } });
    // photo's permalink and ?attachment_id=10, report's ?attachment_id=12 (its guid is the file), plan's two; the three files' own addresses.
    expect(report.urlEntries).toBe(2 + 5 + 3);
    const [photo, pdf, plan] = [await fileId(w.siteId, '2021/03/photo.png'), await fileId(w.siteId, '2021/03/report.pdf'), await fileId(w.siteId, '2021/03/plan.gif')];
    const notice = await latest(w.siteId, 'post:20');
    expect(notice.body_html).toContain(`<a href="/_files/${photo}/photo.png"><img src="/_files/${photo}/photo.png" alt="照片"></a>`);
    expect(notice.body_html).toContain(`<a href="/_files/${pdf}/report.pdf">通知全文</a>`);
    const listed = await t.db.selectFrom('revision_attachment').select('attachment_id').where('revision_id', '=', notice.revision_id).orderBy('position').execute();
    expect(listed.map((l) => l.attachment_id)).toEqual([photo, pdf]);
    // The video (never kept) and the file the old server lost stay linked, reported with why; the lost one under another date of its post.
    expect(report.brokenLinks.map(({ url, reason }) => ({ url, reason })).sort((a, b) => a.url.localeCompare(b.url))).toEqual([
      { url: `http://${BLOG}/2020/12/notice/lost/`, reason: `attachment page of ${up('lost.png')}, which was not stored: the server answered HTTP 404` },
      { url: `http://${BLOG}/?attachment_id=11`, reason: expect.stringMatching(new RegExp(`^attachment page of ${up('clip.mov').replace(/[.?]/g, '\\$&')}, which was not stored: .*\\.mov is not allowed`)) },
    ].sort((a, b) => a.url.localeCompare(b.url)));

    expect(await ask(w.siteId, `http://${BLOG}/2021/03/notice/photo/`)).toMatchObject({ type: 'redirect', location: `/_files/${photo}/photo.png` });
    expect(await ask(w.siteId, `https://${BLOG}/?attachment_id=10&utm_source=x`)).toMatchObject({ type: 'redirect', location: `/_files/${photo}/photo.png` });
    expect(await ask(w.siteId, `http://${BLOG}/?attachment_id=12`)).toMatchObject({ type: 'redirect', location: `/_files/${pdf}/report.pdf` });
    expect(await ask(w.siteId, `http://${BLOG}/?attachment_id=11`)).toMatchObject({ type: 'not_found' });
    // The draft's file is not served yet: its page waits as the draft's own address does.
    expect(await ask(w.siteId, `http://${BLOG}/2021/03/plan-draft/plan/`)).toMatchObject({ type: 'awaiting' });
    expect(await ask(w.siteId, `http://${BLOG}/2021/03/plan-draft/`)).toMatchObject({ type: 'awaiting' });
    // So does the file's own old address; the published notice's files answer with them.
    expect(await ask(w.siteId, up('plan.gif'))).toMatchObject({ type: 'awaiting' });
    expect(await ask(w.siteId, up('report.pdf'))).toMatchObject({ type: 'redirect', location: `/_files/${pdf}/report.pdf` });

    // Published at the source, the draft goes live on the next run and the page leads to its file; nothing else changes.
    const again = await importPages(w.ctx, w.siteId, w.columnId, pagesExport('publish'));
    // One entry written: the draft's own address, now 301 to it; the pages' entries stand as they were.
    expect(again.report).toMatchObject({ updated: 1, unchanged: 1, urlEntries: 1, files: { stored: 0, pagesRedirected: 3 } });
    expect(await ask(w.siteId, `http://${BLOG}/2021/03/plan-draft/plan/`)).toMatchObject({ type: 'redirect', location: `/_files/${plan}/plan.gif` });
    expect(await ask(w.siteId, up('plan.gif'))).toMatchObject({ type: 'redirect', location: `/_files/${plan}/plan.gif` });
    expect((await latest(w.siteId, 'post:21')).body_html).toContain(`<a href="/_files/${plan}/plan.gif">规划图</a>`);
  });

  it('should keep another site\'s pages its own, and roll the entries back', async () => {
    const { report } = await importPages(other, w.otherSiteId, w.otherColumnId, pagesExport());
    expect(report).toMatchObject({ imported: 2, files: { stored: 3, pagesRedirected: 3 } });
    const [mine, theirs] = [await fileId(w.siteId, '2021/03/photo.png'), await fileId(w.otherSiteId, '2021/03/photo.png')];
    expect(theirs).not.toBe(mine);
    expect(await ask(w.otherSiteId, `http://${BLOG}/?attachment_id=10`)).toMatchObject({ type: 'redirect', location: `/_files/${theirs}/photo.png` });
    const mineOnly = { kind: 'sites', siteIds: [w.siteId] } as const;
    expect(await inScope(t.db, mineOnly, (trx) => trx.selectFrom('url_path').select('id').where('site_id', '=', w.otherSiteId).execute())).toEqual([]);

    const rolled = await rollbackRun(w.ctx, w.siteId, pagesRun);
    expect(rolled).toMatchObject({ removedArticles: 2, removedFiles: 3, keptFiles: 0 });
    expect(await census()).toEqual(beforePages);
    expect(await ask(w.siteId, `http://${BLOG}/?attachment_id=10`)).toMatchObject({ type: 'not_found' });
    expect(await ask(w.otherSiteId, `http://${BLOG}/?attachment_id=10`)).toMatchObject({ type: 'redirect', location: `/_files/${theirs}/photo.png` });
  });

  it('should report root-relative links to attachment pages whose file was not stored, without files and when the fetch failed', async () => {
    const blog = 'www.relative-blog.gov.cn';
    const file = (name: string) => `http://${blog}:${uploads.port}/wp-content/uploads/2021/03/${name}`;
    // The body names the blog only by root-relative links: two attachment pages, the post's own address and a page that is none.
    const wxr = blogExport(blog, [
      { id: 30, type: 'attachment', title: 'lost', name: 'lost', parent: 40, link: `http://${blog}/?attachment_id=30`, attachmentUrl: file('lost.png') },
      { id: 31, type: 'attachment', title: 'chart', name: 'chart', parent: 40, link: `http://${blog}/2021/03/memo/chart/`, attachmentUrl: file('chart.png') },
      { id: 40, title: '会议纪要', name: 'memo', link: `http://${blog}/2021/03/memo/`,
        body: '<p><a href="/?attachment_id=30">附表</a> <a href="/2021/03/memo/chart/">图表</a> <a href="/2021/03/memo/">本文</a> <a href="/about/">关于</a></p>' },
    ]);
    const broken = (report: { brokenLinks: { title: string; url: string; reason?: string }[] }) =>
      report.brokenLinks.map(({ title, url, reason }) => ({ title, url, reason })).sort((a, b) => a.url.localeCompare(b.url));

    const bare = await importWxr(w.ctx, w.siteId, { wxr, sourceName: 'relative.xml', columnId: w.columnId });
    expect(bare.report).toMatchObject({ imported: 1, failed: [] });
    expect(broken(bare.report)).toEqual([
      { title: '会议纪要', url: '/?attachment_id=30', reason: `attachment page of ${file('lost.png')}: the import ran without files` },
      { title: '会议纪要', url: '/2021/03/memo/chart/', reason: `attachment page of ${file('chart.png')}: the import ran without files` },
    ]);

    // With files the chart is stored and its link leads to it; the lost file's link is still reported, with why.
    const withFiles = await importWxr(w.ctx, w.siteId, {
      wxr, sourceName: 'relative.xml', columnId: w.columnId,
      files: { store, maxBytes: 100 * 1024, unsafeAllowAddressesForTests: LOOPBACK, resolve: async (host) => (host === blog ? [{ address: '127.0.0.1', family: 4 }] : []) },
    });
    expect(withFiles.report).toMatchObject({ updated: 1, failed: [], files: { stored: 1, failed: 1 } });
    expect(broken(withFiles.report)).toEqual([
      { title: '会议纪要', url: '/?attachment_id=30', reason: `attachment page of ${file('lost.png')}, which was not stored: the server answered HTTP 404` },
    ]);
    const chart = (await t.db.selectFrom('legacy_item').select('attachment_id').where('site_id', '=', w.siteId)
      .where('legacy_key', '=', 'file:/wp-content/uploads/2021/03/chart.png').executeTakeFirstOrThrow()).attachment_id!;
    expect((await latest(w.siteId, 'post:40')).body_html).toContain(`<a href="/_files/${chart}/chart.png">图表</a> <a href="/2021/03/memo/">本文</a>`);
  });
});
