// A file two runs share, on the real database: run A stores it, run B's article uses it (found in
// the ID map, not stored again); rolling A back keeps the file and its ID map row, handed to B, so
// run C finds it too and stores nothing; rolling back B hands it to C, whose featured image it is;
// rolling back C removes it at last, and the site is as it was. Another site sees none of it.
// A file the site shows outside articles (its theme's banner, its own partial) stays when its
// run is rolled back; another site's settings naming its id keep nothing.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceContext } from '@zhanqun/audit/context';
import { findServable } from '@zhanqun/content/attachment/attachment.service';
import type { BlobStore } from '@zhanqun/content/attachment/blob-store';
import { inScope } from '@zhanqun/db/scope';
import { setPartialOverride, setSiteTheme, siteSettings } from '@zhanqun/render/site-theme.service';
import type { TestDatabase } from '@zhanqun/testing/db';
import { rollbackRun } from '../import-run.service.js';
import { oldUrlAnswer, siteRows, type LegacyWorld } from '../legacy.fixture.js';
import { resolveLegacy } from '../legacy-resolve.js';
import { blogExport, bytesFor, filesWorld, type BlogItem, type FilesWorld, type Uploads } from './uploads.fixture.js';
import { importWxr } from './wxr-import.service.js';

const BLOG = 'www.shared-blog.gov.cn';
const FILE = '/wp-content/uploads/2021/03/shared.png';

describe('WordPress import: a file shared by runs, and rollback', () => {
  let world: FilesWorld;
  let t: TestDatabase;
  let w: LegacyWorld;
  let other: ServiceContext;
  let store: BlobStore;
  let uploads: Uploads;
  let start: Record<string, number>;

  const count = (table: string) => siteRows(t.db, table, w.siteId);
  const census = async () => ({
    article: await count('article'), article_revision: await count('article_revision'), url_path: await count('url_path'), legacy_item: await count('legacy_item'),
    attachment: await count('attachment'), revision_attachment: await count('revision_attachment'),
  });
  const fileUrl = () => `http://${BLOG}:${uploads.port}${FILE}`;
  const run = (name: string, items: BlogItem[]) => importWxr(w.ctx, w.siteId, {
    wxr: blogExport(BLOG, items), sourceName: name, columnId: w.columnId,
    files: {
      store, maxBytes: 100 * 1024, unsafeAllowAddressesForTests: ['127.0.0.1'],
      resolve: async (host) => (host === BLOG ? [{ address: '127.0.0.1', family: 4 }] : []),
    },
  });
  /** The file's ID map row: which attachment, made by which run. */
  const fileRow = () => t.db.selectFrom('legacy_item').select(['attachment_id', 'created_run_id', 'updated_run_id'])
    .where('site_id', '=', w.siteId).where('legacy_key', '=', `file:${FILE}`).executeTakeFirst();
  const article = (key: string) => t.db.selectFrom('legacy_item as i').innerJoin('article as a', 'a.id', 'i.article_id')
    .innerJoin('article_revision as r', 'r.id', 'a.live_revision_id')
    .select(['a.id', 'a.live', 'r.body_html', 'r.cover_attachment_id', 'r.id as revision_id']).where('i.site_id', '=', w.siteId).where('i.legacy_key', '=', key).executeTakeFirstOrThrow();
  /** What the public side answers for the file's old address. */
  const askFile = () => inScope(t.db, { kind: 'public', siteIds: [w.siteId] }, async (trx) => (await resolveLegacy(trx, w.siteId, { host: BLOG, rawPathAndQuery: FILE }))?.decision);
  const servable = (id: string) => inScope(t.db, { kind: 'public', siteIds: [w.siteId] }, (trx) => findServable(trx, w.siteId, id));

  beforeAll(async () => {
    world = await filesWorld('wxs');
    ({ t, w, other, store, uploads } = world);
  });
  afterAll(() => world?.close());

  it('should keep a file a later run uses when the run that stored it is rolled back, and not store it again', async () => {
    start = await census();
    const a = await run('a.xml', [{ id: 30, title: '通知甲', body: `<p><img src="${fileUrl()}" alt="图"></p>` }]);
    expect(a.report).toMatchObject({ imported: 1, failed: [], files: { found: 1, downloaded: 1, stored: 1 } });
    const f = (await fileRow())!.attachment_id!;
    expect((await fileRow())!.created_run_id).toBe(a.runId);

    const b = await run('b.xml', [{ id: 31, title: '通知乙', body: `<p>附图：<img src="${fileUrl()}?ver=2" alt="图"></p>` }]);
    expect(b.report).toMatchObject({ imported: 1, files: { found: 1, alreadyStored: 1, downloaded: 0, stored: 0 } });
    const post31 = await article('post:31');
    expect(post31.body_html).toContain(`<img src="/_files/${f}/shared.png" alt="图">`);

    const rolled = await rollbackRun(w.ctx, w.siteId, a.runId);
    expect(rolled).toMatchObject({ removedArticles: 1, removedFiles: 0, keptFiles: 1 });
    // The file stays with its ID map row, now run B's: B's article still shows it.
    expect(await fileRow()).toEqual({ attachment_id: f, created_run_id: b.runId, updated_run_id: b.runId });
    expect(await article('post:31')).toMatchObject({ live: true, body_html: post31.body_html });
    expect(await servable(f)).toMatchObject({ filename: 'shared.png', media_type: 'image/png' });
    // Its old address answers with it still: the entry goes with the file, not with the run that stored it.
    expect(await askFile()).toMatchObject({ type: 'redirect', location: `/_files/${f}/shared.png` });

    // Run C finds it in the ID map: fetched and stored once in all.
    const c = await run('c.xml', [{ id: 40, type: 'attachment', title: 'shared', attachmentUrl: fileUrl() }, { id: 32, title: '通知丙', body: '<p>见封面。</p>', thumbnail: 40 }]);
    expect(c.report).toMatchObject({ imported: 1, failed: [], files: { found: 1, alreadyStored: 1, downloaded: 0, stored: 0, failed: 0 } });
    expect(uploads.hits.get(FILE)).toBe(1);
    expect((await census()).attachment - start.attachment).toBe(1);
    expect((await article('post:32')).cover_attachment_id).toBe(f);
  });

  it('should hand the file on to the run still using it as a featured image, and remove it with the last such run', async () => {
    const runs = await t.db.selectFrom('legacy_import_run').select(['id', 'source_name']).where('site_id', '=', w.siteId).execute();
    const runOf = (name: string) => runs.find((r) => r.source_name === name)!.id;
    const f = (await fileRow())!.attachment_id!;
    expect(await rollbackRun(w.ctx, w.siteId, runOf('b.xml'))).toMatchObject({ removedArticles: 1, removedFiles: 0, keptFiles: 1 });
    expect(await fileRow()).toMatchObject({ attachment_id: f, created_run_id: runOf('c.xml') });
    expect(await servable(f)).toBeDefined(); // C's live article has it as its cover
    expect(await askFile()).toMatchObject({ type: 'redirect', location: `/_files/${f}/shared.png` });

    // Another site neither sees the file nor its ID map row, nor can roll the run back.
    expect(await inScope(t.db, other.scope, (trx) => trx.selectFrom('legacy_item').select('id').where('site_id', '=', w.siteId).execute())).toEqual([]);
    expect(await inScope(t.db, other.scope, (trx) => trx.selectFrom('attachment').select('id').where('site_id', '=', w.siteId).execute())).toEqual([]);
    await expect(rollbackRun(other, w.siteId, runOf('c.xml'))).rejects.toMatchObject({ statusCode: 404 });

    expect(await rollbackRun(w.ctx, w.siteId, runOf('c.xml'))).toMatchObject({ removedArticles: 1, removedFiles: 1, keptFiles: 0 });
    expect(await fileRow()).toBeUndefined();
    expect(await census()).toEqual(start);
    expect(await askFile()).toMatchObject({ type: 'not_found' });
  });

  it('should keep a file the site\'s theme settings or partials show when its run is rolled back, and not for another site\'s settings', async () => {
    const path = (name: string) => `/wp-content/uploads/2021/04/${name}`;
    const url = (name: string) => `http://${BLOG}:${uploads.port}${path(name)}`;
    const d = await run('d.xml', [{ id: 50, title: '通知丁', body: ['banner', 'seal', 'spare'].map((n) => `<p><img src="${url(`${n}.png`)}" alt="${n}"></p>`).join('') }]);
    expect(d.report).toMatchObject({ imported: 1, failed: [], files: { stored: 3 } });
    /** A file's ID map row (which attachment, which run, its old address' entry) and its attachment row. */
    const stored = async (name: string) => {
      const row = await t.db.selectFrom('legacy_item').select(['attachment_id', 'created_run_id', 'url_path_id']).where('site_id', '=', w.siteId)
        .where('legacy_key', '=', `file:${path(name)}`).executeTakeFirst();
      const file = row ? await t.db.selectFrom('attachment').select(['id', 'blob_sha256']).where('site_id', '=', w.siteId).where('id', '=', row.attachment_id!).executeTakeFirst() : undefined;
      return { row, file };
    };
    const [banner, seal, spare] = [(await stored('banner.png')).file!.id, (await stored('seal.png')).file!.id, (await stored('spare.png')).file!.id];
    // The banner is an image setting of the site's pack, the seal is shown by one of its own partials.
    const settings = { banner_image: `/_files/${banner}/banner.png` };
    await setSiteTheme(w.ctx, w.siteId, { theme: 'county', settings });
    await setPartialOverride(w.ctx, w.siteId, { theme: 'county', name: 'topbar', source: `<div class="seal"><img src="/_files/${seal}/seal.png" alt="单位标识"></div>` });
    // Another site may not name this site's file (files are per site) ...
    await expect(setSiteTheme(other, w.otherSiteId, { theme: 'county', settings: { banner_image: `/_files/${spare}/spare.png` } })).rejects.toMatchObject({ statusCode: 400 });
    // ... and where its settings or partials name it all the same (written past the check), they keep nothing here.
    await t.db.insertInto('site_theme_setting').values({ site_id: w.otherSiteId, theme: 'county', settings: JSON.stringify({ banner_image: `/_files/${spare}/spare.png` }) as never, updated_by: null, updated_at: new Date() }).execute();
    await t.db.insertInto('site_partial_override').values({ site_id: w.otherSiteId, theme: 'county', name: 'topbar', source: `<img src="/_files/${spare}/spare.png" alt="">`, updated_by: null, updated_at: new Date() }).execute();

    expect(await rollbackRun(w.ctx, w.siteId, d.runId)).toMatchObject({ removedArticles: 1, removedFiles: 1, keptFiles: 2 });
    for (const [name, id] of [['banner.png', banner], ['seal.png', seal]] as const) {
      const { row, file } = await stored(name);
      // Kept as a file an editor's article lists is: its ID map row stays with the run, and so does its old address' entry.
      expect(row, name).toMatchObject({ attachment_id: id, created_run_id: d.runId, url_path_id: expect.any(String) });
      expect(await t.db.selectFrom('url_path').select('target').where('site_id', '=', w.siteId).where('id', '=', row!.url_path_id!).executeTakeFirst(), name)
        .toEqual({ target: `/_files/${id}/${name}` });
      expect(readFileSync(store.path(file!.blob_sha256)), name).toEqual(bytesFor(path(name)));
    }
    // The banner still resolves: the setting passes its check again, and the public side serves the file and answers its old address with it.
    expect(await siteSettings(t.db, w.siteId, 'county')).toMatchObject(settings);
    await expect(setSiteTheme(w.ctx, w.siteId, { theme: 'county', settings })).resolves.toMatchObject(settings);
    expect(await servable(banner)).toMatchObject({ filename: 'banner.png', media_type: 'image/png' });
    expect(await oldUrlAnswer(t.db, w.siteId, url('banner.png'))).toMatchObject({ type: 'redirect', location: `/_files/${banner}/banner.png` });
    // The file only another site's settings and partial name is gone, with its ID map row and entry.
    expect(await stored('spare.png')).toEqual({ row: undefined, file: undefined });
    expect(await oldUrlAnswer(t.db, w.siteId, url('spare.png'))).toMatchObject({ type: 'not_found' });
  });
});
