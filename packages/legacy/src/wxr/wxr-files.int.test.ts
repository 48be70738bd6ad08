// Attachments and images of the WordPress import on the real database, their files served by a
// test server on loopback (allowed explicitly, as only a test may): the theme unit test data
// (../shared/corpus, read in place) with its uploads fetched from that server — stored once,
// bodies pointed at them, featured images as covers, a re-run that fetches and stores nothing,
// rollback removing them; a small export of a blog whose name resolves to loopback — refused
// without the allow, a 404 and an oversized file as notes, a file that comes back later stored
// by the next run; a copy of the uploads on disk instead of the server; another site kept out.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceContext } from '@zhanqun/audit/context';
import { findServable, getAttachment } from '@zhanqun/content/attachment/attachment.service';
import { createBlobStore, type BlobStore } from '@zhanqun/content/attachment/blob-store';
import { inScope } from '@zhanqun/db/scope';
import { createTestDatabase, type TestDatabase } from '@zhanqun/testing/db';
import { corpusPath } from '../corpus.fixture.js';
import { rollbackRun } from '../import-run.service.js';
import { legacyWorld, oldUrlAnswer, siteRows, type LegacyWorld } from '../legacy.fixture.js';
import { bytesFor } from './uploads.fixture.js';
import { importWxr } from './wxr-import.service.js';

const THEME_DATA = readFileSync(corpusPath('wordpress-theme-test-data', 'themeunittestdata.wordpress.xml'), 'utf8');
const MAX_BYTES = 100 * 1024;
const LOOPBACK = ['127.0.0.1'];
const BLOG = 'www.old-blog.gov.cn';

/** A small export of a blog at www.old-blog.gov.cn (port `port`): two posts, one featured image uploaded to the first. */
function smallExport(port: number, extra = ''): string {
  const up = (name: string) => `http://${BLOG}:${port}/wp-content/uploads/2020/01/${name}`;
  const item = (id: number, title: string, type: string, body: string, more = '') => `<item><title>${title}</title>
    <link>http://${BLOG}:${port}/?p=${id}</link><guid isPermaLink="false">http://${BLOG}:${port}/?p=${id}</guid>
    <content:encoded><![CDATA[${body}]]></content:encoded><wp:post_id>${id}</wp:post_id>
    <wp:post_date>2020-01-0${id % 9 + 1} 09:00:00</wp:post_date><wp:post_date_gmt>2020-01-0${id % 9 + 1} 01:00:00</wp:post_date_gmt>
    <wp:status>${type === 'attachment' ? 'inherit' : 'publish'}</wp:status><wp:post_type>${type}</wp:post_type>${more}</item>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/"><channel>
<title>旧博客</title><wp:wxr_version>1.2</wp:wxr_version><wp:base_blog_url>http://${BLOG}:${port}</wp:base_blog_url>
${item(10, 'photo', 'attachment', '', `<wp:post_parent>20</wp:post_parent><wp:attachment_url>${up('photo.png')}</wp:attachment_url>`)}
${item(20, '关于春节放假的通知', 'post', `<p><img src="${up('photo.png')}?ver=2" alt="照片"></p>
<p><a href="${up('report.pdf')}">通知全文</a> <img src='${up('missing.png')}'> <a href="${up('big.pdf')}">附表</a></p>${extra}`,
    '<wp:postmeta><wp:meta_key>_edit_last</wp:meta_key><wp:meta_value>1</wp:meta_value></wp:postmeta><wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value><![CDATA[10]]></wp:meta_value></wp:postmeta>')}
${item(21, '通知解读', 'post', `<p>见<a href="${up('report.pdf')}">通知</a>。</p>`)}
</channel></rss>`;
}

describe('WordPress import: attachments and images', () => {
  let t: TestDatabase;
  let w: LegacyWorld;
  let other: ServiceContext;
  let dir: string;
  let store: BlobStore;
  let server: Server;
  let port: number;
  const hits = new Map<string, number>();
  let missingComesBack = false;
  const requests = () => [...hits.values()].reduce((a, b) => a + b, 0);

  const count = (table: string, siteId = w.siteId) => siteRows(t.db, table, siteId);
  const census = async () => ({
    article: await count('article'), article_revision: await count('article_revision'), legacy_item: await count('legacy_item'), attachment: await count('attachment'),
    url_path: await count('url_path'),
  });
  /** What the public side of a site answers for an old address. */
  const ask = (siteId: string, url: string, asker = siteId) => oldUrlAnswer(t.db, siteId, url, asker);
  /** An imported article's latest revision: body, cover, attachments. */
  const imported = async (siteId: string, key: string) => {
    const row = await t.db.selectFrom('legacy_item as i').innerJoin('legacy_site as l', 'l.id', 'i.legacy_site_id').innerJoin('article as a', 'a.id', 'i.article_id')
      .innerJoin('article_revision as r', 'r.id', 'a.latest_revision_id')
      .select(['a.id', 'a.live', 'r.id as revision_id', 'r.body_html', 'r.cover_attachment_id']).where('i.site_id', '=', siteId).where('i.legacy_key', '=', key).executeTakeFirstOrThrow();
    const files = await t.db.selectFrom('revision_attachment').select('attachment_id').where('revision_id', '=', row.revision_id).orderBy('position').execute();
    return { ...row, attachmentIds: files.map((f) => f.attachment_id) };
  };
  /** The attachment a legacy site stored for an upload path. */
  const fileId = async (siteId: string, rel: string) => (await t.db.selectFrom('legacy_item').select('attachment_id')
    .where('site_id', '=', siteId).where('legacy_key', '=', `file:/wp-content/uploads/${rel}`).executeTakeFirstOrThrow()).attachment_id!;

  beforeAll(async () => {
    t = await createTestDatabase();
    w = await legacyWorld(t, 'wxf');
    other = { ...w.ctx, scope: { kind: 'sites', siteIds: [w.otherSiteId] } };
    dir = mkdtempSync(join(tmpdir(), 'zq-wxr-files-'));
    store = createBlobStore(join(dir, 'blobs'));
    server = createServer((req, res) => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://test.invalid').pathname);
      hits.set(path, (hits.get(path) ?? 0) + 1);
      if (path.endsWith('/big.pdf')) {
        // Larger than the limit, sent without a length: the cap holds while the bytes arrive.
        res.writeHead(200, { 'content-type': 'application/pdf' });
        res.write('%PDF-1.4\n');
        for (let i = 0; i < 30; i++) res.write(Buffer.alloc(8192, 0x20));
        res.end();
        return;
      }
      const bytes = path.endsWith('/missing.png') && !missingComesBack ? null : bytesFor(path);
      if (!bytes) res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>404</h1>');
      else res.writeHead(200).end(bytes);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((done) => server?.close(done));
    rmSync(dir, { recursive: true, force: true });
    await t?.destroy();
  });

  let firstRun: string;
  let before: Awaited<ReturnType<typeof census>>;
  const themeFiles = () => ({ store, maxBytes: MAX_BYTES, uploadsUrl: `http://127.0.0.1:${port}/uploads/`, unsafeAllowAddressesForTests: LOOPBACK });

  it('should store the uploads the theme unit test data uses once each, point the bodies at them and set featured images as covers', async () => {
    before = await census();
    const { runId, report } = await importWxr(w.ctx, w.siteId, { wxr: THEME_DATA, sourceName: 'themeunittestdata.wordpress.xml', columnId: w.columnId, files: themeFiles() });
    firstRun = runId;
    expect(report.failed).toEqual([]);
    const f = report.files!;
    // Every file the imported posts use, once; the .mp3 and the .mov are types the platform does not keep, and are not fetched.
    expect(f).toMatchObject({ alreadyStored: 0, readFromDir: 0, failed: 2 });
    expect(f.found).toBeGreaterThan(30);
    expect([f.downloaded, f.stored]).toEqual([f.found - 2, f.found - 2]);
    expect(requests()).toBe(f.downloaded);
    expect([...hits.keys()].every((p) => p.startsWith('/uploads/'))).toBe(true);
    const refused = report.notes.filter((n) => n.reason.includes('was not stored')).map((n) => n.reason);
    expect(refused).toContainEqual(expect.stringMatching(/^https:\/\/wpthemetestdata\.files\.wordpress\.com\/2008\/06\/originaldixielandjazzbandwithalbernard-stlouisblues\.mp3 was not stored: .*type \.mp3 is not allowed/));
    expect(refused.every((r) => /\.(mp3|mov) was not stored/.test(r)), refused.join('\n')).toBe(true);
    expect((await census()).attachment - before.attachment).toBe(f.stored);

    // Bodies point at the stored files, each listed by its revision (so served while it is live); only refused types still point away.
    const revisions = await t.db.selectFrom('article as a').innerJoin('article_revision as r', 'r.id', 'a.latest_revision_id')
      .select(['r.id', 'r.body_html', 'r.cover_attachment_id']).where('a.site_id', '=', w.siteId).execute();
    const listed = await t.db.selectFrom('revision_attachment').select(['revision_id', 'attachment_id']).where('site_id', '=', w.siteId).execute();
    let pointed = 0;
    for (const r of revisions) {
      const own = new Set([...listed.filter((l) => l.revision_id === r.id).map((l) => l.attachment_id), r.cover_attachment_id]);
      for (const [, id] of r.body_html.matchAll(/(?:src|href)="\/_files\/([0-9a-f-]{36})\//g)) { expect(own.has(id!)).toBe(true); pointed++; }
      for (const [, url] of r.body_html.matchAll(/(?:src|href)="(https?:\/\/wpthemetestdata\.files\.wordpress\.com\/[^"]*)"/g)) expect(url).toMatch(/\.(mp3|mov)$/);
    }
    expect(pointed).toBeGreaterThan(40);
    const image = await imported(w.siteId, 'post:1158'); // Post Format: Image
    const golden = await fileId(w.siteId, '2008/06/100_5540.jpg');
    expect(image.body_html).toContain(`<a href="/_files/${golden}/100_5540.jpg"><img src="/_files/${golden}/100_5540.jpg" alt="" width="604" height="453"></a>`);
    // The gallery's images uploaded to it (a [gallery] shortcode shows them on WordPress) are its attachments.
    expect((await imported(w.siteId, 'post:555')).attachmentIds).toContain(await fileId(w.siteId, '2008/06/canola2.jpg'));

    // Featured images (_thumbnail_id) are covers, and served while their article is live.
    const horizontal = await imported(w.siteId, 'post:1011');
    const cover = await fileId(w.siteId, '2013/03/featured-image-horizontal.jpg');
    expect(horizontal.cover_attachment_id).toBe(cover);
    expect((await t.db.selectFrom('attachment').select('media_type').where('id', '=', cover).executeTakeFirstOrThrow()).media_type).toBe('image/jpeg');
    const publicScope = { kind: 'public', siteIds: [w.siteId] } as const;
    expect(await inScope(t.db, publicScope, (trx) => findServable(trx, w.siteId, cover))).toMatchObject({ filename: 'featured-image-horizontal.jpg', media_type: 'image/jpeg' });
    expect(await inScope(t.db, publicScope, (trx) => findServable(trx, w.siteId, image.attachmentIds[0]!))).toBeDefined();

    // Each stored file's old address on the blog answers 301 with it (kept on the files host, it is at its uploads path on the blog too).
    const files = await t.db.selectFrom('legacy_item').select(['legacy_key', 'url_path_id']).where('site_id', '=', w.siteId).where('legacy_key', 'like', 'file:%').execute();
    expect(files.length).toBe(f.stored);
    expect(files.filter((x) => !x.url_path_id)).toEqual([]);
    expect(report.notes.filter((n) => n.key.startsWith('file:'))).toEqual([]);
    const redirect = { type: 'redirect', location: `/_files/${golden}/100_5540.jpg` };
    expect(await ask(w.siteId, 'https://wpthemetestdata.wordpress.com/wp-content/uploads/2008/06/100_5540.jpg')).toMatchObject(redirect);
    expect(await ask(w.siteId, 'http://WPThemeTestData.wordpress.com/wp-content/uploads/2008/06/100_5540.JPG?w=604')).toMatchObject(redirect);
    // The .mp3, never stored, has no entry.
    expect(await ask(w.siteId, 'https://wpthemetestdata.wordpress.com/wp-content/uploads/2008/06/originaldixielandjazzbandwithalbernard-stlouisblues.mp3')).toMatchObject({ type: 'not_found' });
  });

  it('should fetch and store nothing when run again, and not let another site see the files', async () => {
    const census1 = await census();
    const fetched = requests();
    const { report } = await importWxr(w.ctx, w.siteId, { wxr: THEME_DATA, sourceName: 'again', columnId: w.columnId, files: themeFiles() });
    expect(report).toMatchObject({ imported: 0, updated: 0, urlEntries: 0, failed: [] });
    expect(report.files).toMatchObject({ downloaded: 0, stored: 0 });
    expect(requests()).toBe(fetched);
    expect(await census()).toEqual(census1);
    // Without files, articles imported with theirs stay as they are.
    expect((await importWxr(w.ctx, w.siteId, { wxr: THEME_DATA, sourceName: 'no files', columnId: w.columnId })).report).toMatchObject({ imported: 0, updated: 0 });

    const cover = await fileId(w.siteId, '2013/03/featured-image-horizontal.jpg');
    expect(await inScope(t.db, other.scope, (trx) => trx.selectFrom('attachment').select('id').where('site_id', '=', w.siteId).execute())).toEqual([]);
    await expect(inScope(t.db, other.scope, (trx) => getAttachment(trx, w.siteId, cover))).rejects.toMatchObject({ statusCode: 404 });
    expect(await inScope(t.db, { kind: 'public', siteIds: [w.otherSiteId] }, (trx) => findServable(trx, w.otherSiteId, cover))).toBeUndefined();
    // Nor its public side answer the files' old addresses, on its own side or asking after this site's.
    const old = 'https://wpthemetestdata.wordpress.com/wp-content/uploads/2013/03/featured-image-horizontal.jpg';
    expect(await ask(w.siteId, old)).toMatchObject({ type: 'redirect', location: `/_files/${cover}/featured-image-horizontal.jpg` });
    expect(await ask(w.otherSiteId, old)).toBeNull();
    expect(await ask(w.siteId, old, w.otherSiteId)).toBeNull();
  });

  it('should remove the files a run stored when it is rolled back', async () => {
    const result = await rollbackRun(w.ctx, w.siteId, firstRun);
    expect(result.removedFiles).toBeGreaterThan(30);
    const after = await census();
    expect(after).toEqual(before);
    expect(await count('revision_attachment')).toBe(0);
    expect(await ask(w.siteId, 'https://wpthemetestdata.wordpress.com/wp-content/uploads/2013/03/featured-image-horizontal.jpg')).toMatchObject({ type: 'not_found' });
  });

  it('should refuse the blog\'s address on loopback without the explicit allow, and go on with the import', async () => {
    const wxr = smallExport(port);
    const resolve = async (host: string) => (host === BLOG ? [{ address: '127.0.0.1', family: 4 }] : []);
    const fetched = requests();
    const { report } = await importWxr(w.ctx, w.siteId, { wxr, sourceName: 'old-blog.xml', columnId: w.columnId, files: { store, maxBytes: MAX_BYTES, resolve } });
    expect(report).toMatchObject({ imported: 2, failed: [], files: { found: 4, downloaded: 0, stored: 0, failed: 4 } });
    expect(requests()).toBe(fetched);
    expect(report.notes.map((n) => n.reason)).toContain(`http://${BLOG}:${port}/wp-content/uploads/2020/01/photo.png was not stored: ${BLOG} is at a private, loopback or link-local address (127.0.0.1): refused`);
    const post = await imported(w.siteId, 'post:20');
    expect(post).toMatchObject({ live: true, cover_attachment_id: null, attachmentIds: [] });
    expect(post.body_html).toContain(`src="http://${BLOG}:${port}/wp-content/uploads/2020/01/photo.png?ver=2"`);
  });

  it('should note a 404 and an oversized file on the item, and store a file that comes back on the next run', async () => {
    const wxr = smallExport(port);
    const resolve = async (host: string) => (host === BLOG ? [{ address: '127.0.0.1', family: 4 }] : []);
    const files = { store, maxBytes: MAX_BYTES, resolve, unsafeAllowAddressesForTests: LOOPBACK, concurrency: 2 };
    const { report } = await importWxr(w.ctx, w.siteId, { wxr, sourceName: 'old-blog.xml', columnId: w.columnId, files });
    expect(report).toMatchObject({ updated: 2, failed: [], files: { found: 4, downloaded: 2, stored: 2, failed: 2 } });
    const up = `http://${BLOG}:${port}/wp-content/uploads/2020/01`;
    expect(report.notes.filter((n) => n.key === 'post:20').map((n) => n.reason).sort()).toEqual([
      `${up}/big.pdf was not stored: larger than the upload limit of 0.1 MB`,
      `${up}/missing.png was not stored: the server answered HTTP 404`,
    ]);
    const [photo, pdf] = [await fileId(w.siteId, '2020/01/photo.png'), await fileId(w.siteId, '2020/01/report.pdf')];
    const post = await imported(w.siteId, 'post:20');
    expect(post).toMatchObject({ cover_attachment_id: photo, attachmentIds: [photo, pdf] });
    expect(post.body_html).toContain(`<img src="/_files/${photo}/photo.png" alt="照片">`);
    expect(post.body_html).toContain(`<a href="/_files/${pdf}/report.pdf">通知全文</a>`);
    expect(post.body_html).toContain(`src="${up}/missing.png"`);
    // Two posts link the same file: fetched once, stored once.
    expect((await imported(w.siteId, 'post:21')).attachmentIds).toEqual([pdf]);
    expect([hits.get('/wp-content/uploads/2020/01/report.pdf'), hits.get('/wp-content/uploads/2020/01/photo.png')]).toEqual([1, 1]);
    // The stored files' old addresses answer 301 with them; those not stored, nothing.
    expect(await ask(w.siteId, `${up}/photo.png?ver=2`)).toMatchObject({ type: 'redirect', location: `/_files/${photo}/photo.png` });
    expect(await ask(w.siteId, `https://${BLOG}/wp-content/uploads/2020/01/report.pdf`)).toMatchObject({ type: 'redirect', location: `/_files/${pdf}/report.pdf` });
    expect(await ask(w.siteId, `${up}/missing.png`)).toMatchObject({ type: 'not_found' });
    expect(await ask(w.siteId, `${up}/big.pdf`)).toMatchObject({ type: 'not_found' });

    missingComesBack = true;
    const again = await importWxr(w.ctx, w.siteId, { wxr, sourceName: 'old-blog.xml', columnId: w.columnId, files });
    expect(again.report).toMatchObject({ updated: 1, unchanged: 1, files: { alreadyStored: 2, downloaded: 1, stored: 1, failed: 1 } });
    expect([hits.get('/wp-content/uploads/2020/01/report.pdf'), hits.get('/wp-content/uploads/2020/01/photo.png')]).toEqual([1, 1]);
    const missing = await fileId(w.siteId, '2020/01/missing.png');
    const updated = await imported(w.siteId, 'post:20');
    expect(updated.attachmentIds).toEqual([photo, pdf, missing]);
    expect(updated.body_html).toContain(`<img src="/_files/${missing}/missing.png">`);
    expect(await ask(w.siteId, `${up}/missing.png`)).toMatchObject({ type: 'redirect', location: `/_files/${missing}/missing.png` });
  });

  it('should read the uploads from a directory instead of the server, for another site with files of its own', async () => {
    const uploadsDir = join(dir, 'wp-content-uploads');
    mkdirSync(join(uploadsDir, '2020', '01'), { recursive: true });
    for (const name of ['photo.png', 'report.pdf']) writeFileSync(join(uploadsDir, '2020', '01', name), bytesFor(`/copy/${name}`)!);
    const fetched = requests();
    const otherCensus = { attachment: await count('attachment', w.otherSiteId) };
    const { report } = await importWxr(other, w.otherSiteId, {
      wxr: smallExport(port), sourceName: 'old-blog.xml', columnId: w.otherColumnId, files: { store, maxBytes: MAX_BYTES, uploadsDir },
    });
    expect(report).toMatchObject({ imported: 2, failed: [], files: { found: 4, readFromDir: 2, downloaded: 0, stored: 2, failed: 2 } });
    expect(requests()).toBe(fetched);
    expect(report.notes.map((n) => n.reason)).toContain(`http://${BLOG}:${port}/wp-content/uploads/2020/01/missing.png was not stored: 2020/01/missing.png is not in the uploads directory`);
    expect(await count('attachment', w.otherSiteId)).toBe(otherCensus.attachment + 2);
    const photo = await fileId(w.otherSiteId, '2020/01/photo.png');
    expect(photo).not.toBe(await fileId(w.siteId, '2020/01/photo.png'));
    expect((await imported(w.otherSiteId, 'post:20')).cover_attachment_id).toBe(photo);
    // Each site's old address of the photo leads to its own copy.
    expect(await ask(w.otherSiteId, `http://${BLOG}/wp-content/uploads/2020/01/photo.png`)).toMatchObject({ type: 'redirect', location: `/_files/${photo}/photo.png` });
    const myPhoto = await fileId(w.siteId, '2020/01/photo.png');
    expect(await ask(w.siteId, `http://${BLOG}/wp-content/uploads/2020/01/photo.png`)).toMatchObject({ type: 'redirect', location: `/_files/${myPhoto}/photo.png` });
    // The first site's account scoped to it alone sees none of these.
    const mine = { ...w.ctx, scope: { kind: 'sites', siteIds: [w.siteId] } } as const;
    expect(await inScope(t.db, mine.scope, (trx) => trx.selectFrom('attachment').select('id').where('site_id', '=', w.otherSiteId).execute())).toEqual([]);
  });

  it('should refuse a file source that is not there, naming the field, before writing anything', async () => {
    const census1 = await census();
    await expect(importWxr(w.ctx, w.siteId, { wxr: smallExport(port), sourceName: 'x', columnId: w.columnId, files: { store, maxBytes: MAX_BYTES, uploadsDir: join(dir, 'nowhere') } }))
      .rejects.toMatchObject({ code: 'ZQ_VALIDATION', field: 'uploadsDir' });
    await expect(importWxr(w.ctx, w.siteId, { wxr: smallExport(port), sourceName: 'x', columnId: w.columnId, files: { store, maxBytes: MAX_BYTES, uploadsUrl: 'ftp://old/' } }))
      .rejects.toMatchObject({ code: 'ZQ_VALIDATION', field: 'uploadsUrl' });
    expect(await census()).toEqual(census1);
  });
});
