import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceContext } from '@zhanqun/audit/context';
import { inScope, type Scope } from '@zhanqun/db/scope';
import { createTestDatabase, type TestDatabase } from '@zhanqun/testing/db';
import { twoSites } from '../content.fixture.js';
import { createDraft, publishRevision } from '../article.service.js';
import { createBlobStore, type BlobStore } from './blob-store.js';
import { findServable, getAttachment, listAttachments, uploadAttachment } from './attachment.service.js';

const pdf = (marker: string) => Buffer.from(`%PDF-1.7\n% ${marker}\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n`);
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const upload = (filename: string, bytes: Buffer) => ({ filename, stream: Readable.from([bytes]) });

describe('attachments', () => {
  let t: TestDatabase;
  let ctx: ServiceContext;
  let siteId = '';
  let otherSiteId = '';
  let columnId = '';
  let store: BlobStore;
  let dir = '';
  const maxBytes = 64 * 1024;
  const opts = () => ({ store, maxBytes });

  const blobRows = (digest: string) => t.db.selectFrom('blob').select(['sha256', 'size', 'media_type']).where('sha256', '=', digest).execute();
  const attachmentRows = (digest: string) => t.db.selectFrom('attachment').select(['site_id', 'filename']).where('blob_sha256', '=', digest).orderBy('created_at').execute();
  const attachmentCount = async () => Number((await t.db.selectFrom('attachment').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const scratch = async () => (existsSync(join(dir, 'tmp')) ? readdir(join(dir, 'tmp')) : []);
  const publicScope = (id: string): Scope => ({ kind: 'public', siteIds: [id] });
  const servable = (scope: Scope, site: string, attachmentId: string) => inScope(t.db, scope, (trx) => findServable(trx, site, attachmentId));
  const link = (scope: Scope, site: string, revisionId: string, attachmentId: string) =>
    inScope(t.db, scope, (trx) => trx.insertInto('revision_attachment').values({ site_id: site, revision_id: revisionId, attachment_id: attachmentId, position: 0 }).execute());
  const setArticle = (articleId: string, changes: { live?: boolean; deleted_at?: Date | null }) =>
    inScope(t.db, ctx.scope, (trx) => trx.updateTable('article').set(changes).where('id', '=', articleId).execute());

  beforeAll(async () => {
    t = await createTestDatabase();
    ({ ctx, siteId, otherSiteId, columnId } = await twoSites(t, 'at'));
    dir = await mkdtemp(join(tmpdir(), 'zq-attachments-'));
    store = createBlobStore(dir);
  });
  afterAll(async () => {
    await t.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  it('should store the same bytes once for two sites: one blob, one attachment row per site, each audited', async () => {
    const bytes = pdf('shared');
    const name = '关于印发《2026年工作要点》的通知.pdf';
    const ours = await uploadAttachment(ctx, siteId, upload(name, bytes), opts());
    const theirs = await uploadAttachment(ctx, otherSiteId, upload('工作要点.PDF', bytes), opts());
    expect(ours).toMatchObject({ site_id: siteId, filename: name, media_type: 'application/pdf', size: bytes.length, blob_sha256: sha(bytes), created_at: ctx.clock.now() });
    expect(theirs).toMatchObject({ site_id: otherSiteId, filename: '工作要点.PDF', blob_sha256: sha(bytes) });
    expect(await blobRows(sha(bytes))).toEqual([{ sha256: sha(bytes), size: bytes.length, media_type: 'application/pdf' }]);
    expect(await attachmentRows(sha(bytes))).toHaveLength(2);
    expect(existsSync(store.path(sha(bytes)))).toBe(true);
    expect(await scratch()).toEqual([]);
    const audit = await t.db.selectFrom('audit_log_entry').select(['action', 'site_id', 'after']).where('object_id', '=', ours.id).execute();
    expect(audit).toEqual([{ action: 'attachment.upload', site_id: siteId, after: { filename: name, size: bytes.length, sha256: sha(bytes) } }]);
  });

  it('should record one blob when the same bytes arrive twice at once', async () => {
    const bytes = pdf('concurrent');
    const rows = await Promise.all([
      uploadAttachment(ctx, siteId, upload('甲.pdf', bytes), opts()),
      uploadAttachment(ctx, siteId, upload('乙.pdf', bytes), opts()),
    ]);
    expect(new Set(rows.map((r) => r.id)).size).toBe(2);
    expect(await blobRows(sha(bytes))).toHaveLength(1);
    expect(await readdir(join(dir, sha(bytes).slice(0, 2), sha(bytes).slice(2, 4)))).toContain(sha(bytes));
    expect(await scratch()).toEqual([]);
  });

  it('should refuse an upload over the limit, and one busboy truncated, with 413 and nothing in the database', async () => {
    const before = await attachmentCount();
    const big = Buffer.concat([pdf('big'), Buffer.alloc(maxBytes)]);
    await expect(uploadAttachment(ctx, siteId, upload('大文件.pdf', big), opts()))
      .rejects.toMatchObject({ code: 'ZQ_CONTENT_FILE_TOO_LARGE', statusCode: 413, field: 'file' });
    const cut = Object.assign(Readable.from([pdf('cut')]), { truncated: true });
    await expect(uploadAttachment(ctx, siteId, { filename: '截断.pdf', stream: cut }, opts())).rejects.toMatchObject({ statusCode: 413 });
    expect(await attachmentCount()).toBe(before);
    expect(await blobRows(sha(big))).toEqual([]);
    expect(await blobRows(sha(pdf('cut')))).toEqual([]);
    expect(existsSync(store.path(sha(pdf('cut'))))).toBe(false);
    expect(await scratch()).toEqual([]);
  });

  it('should refuse a mislabelled file and a bad name, writing nothing and keeping no bytes', async () => {
    const before = await attachmentCount();
    const html = Buffer.from('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>');
    await expect(uploadAttachment(ctx, siteId, upload('通知.pdf', html), opts()))
      .rejects.toMatchObject({ code: 'ZQ_VALIDATION', statusCode: 400, message: 'file: content is an HTML document, not a PDF' });
    expect(existsSync(store.path(sha(html)))).toBe(false);
    for (const [filename, message] of [
      ['../../etc/通知.pdf', 'file: name must not contain / or \\'],
      ['报告\u202Efdp.exe', 'file: name must not contain bidirectional control characters'],
      ['a\u0000.pdf', 'file: name must not contain control characters'],
      [`${'长'.repeat(252)}.pdf`, 'file: name must be at most 255 characters'],
      ['   ', 'file: name must not be empty'],
      ['setup.exe', expect.stringContaining('file: type .exe is not allowed')],
    ] as const) {
      const stream = Readable.from([pdf('name')]);
      await expect(uploadAttachment(ctx, siteId, { filename, stream }, opts())).rejects.toMatchObject({ statusCode: 400, message });
      expect(stream.destroyed).toBe(true);
    }
    expect(await attachmentCount()).toBe(before);
    expect(await scratch()).toEqual([]);
    const exact = await uploadAttachment(ctx, siteId, upload(`${'长'.repeat(251)}.pdf`, pdf('255')), opts());
    expect([...exact.filename]).toHaveLength(255);
  });

  it('should not let another site see, list, link or upload into an attachment of this site', async () => {
    const ours = await uploadAttachment(ctx, siteId, upload('内部.pdf', pdf('private')), opts());
    const theirScope: Scope = { kind: 'sites', siteIds: [otherSiteId] };
    const their: ServiceContext = { ...ctx, scope: theirScope };
    await expect(inScope(t.db, theirScope, (trx) => getAttachment(trx, siteId, ours.id))).rejects.toMatchObject({ code: 'ZQ_CONTENT_ATTACHMENT_NOT_FOUND', statusCode: 404 });
    await expect(inScope(t.db, theirScope, (trx) => getAttachment(trx, otherSiteId, ours.id))).rejects.toMatchObject({ statusCode: 404 });
    expect(await inScope(t.db, theirScope, (trx) => listAttachments(trx, siteId))).toEqual([]);
    expect(await inScope(t.db, ctx.scope, (trx) => getAttachment(trx, siteId, ours.id))).toEqual(ours);

    const theirArticle = await createDraft(their, otherSiteId, { columnId: (await otherColumn()), title: '乙市通知', bodyHtml: '<p>x</p>' });
    // Under their own site id the composite foreign key finds no such attachment in their site…
    await expect(link(theirScope, otherSiteId, theirArticle.latest_revision_id!, ours.id)).rejects.toMatchObject({ code: '23503' });
    // …and under ours row-level security refuses the write.
    await expect(link(theirScope, siteId, theirArticle.latest_revision_id!, ours.id)).rejects.toMatchObject({ code: 'ZQ_FORBIDDEN_SCOPE', statusCode: 403 });
    await expect(uploadAttachment(their, siteId, upload('越权.pdf', pdf('foreign')), opts())).rejects.toMatchObject({ code: 'ZQ_TENANCY_SITE_NOT_FOUND', statusCode: 404 });
    expect(await blobRows(sha(pdf('foreign')))).toEqual([]);
  });

  it('should serve an attachment only while a live, undeleted revision of its site lists it, in the public scope too', async () => {
    const file = await uploadAttachment(ctx, siteId, upload('实施方案.pdf', pdf('served')), opts());
    const article = await createDraft(ctx, siteId, { columnId, title: '关于印发实施方案的通知', bodyHtml: '<p>见附件。</p>' });
    await link(ctx.scope, siteId, article.latest_revision_id!, file.id);
    const expected = { filename: '实施方案.pdf', media_type: 'application/pdf', size: pdf('served').length, blob_sha256: sha(pdf('served')) };

    expect(await servable(ctx.scope, siteId, file.id)).toBeUndefined();
    expect(await servable(publicScope(siteId), siteId, file.id)).toBeUndefined();
    // Row-level security alone hides the draft's link from the public, whatever the query asks.
    expect(await inScope(t.db, publicScope(siteId), (trx) => trx.selectFrom('revision_attachment').select('attachment_id').where('attachment_id', '=', file.id).execute())).toEqual([]);

    await publishRevision(ctx, siteId, article.id);
    expect(await servable(publicScope(siteId), siteId, file.id)).toEqual(expected);
    expect(await servable(ctx.scope, siteId, file.id)).toEqual(expected);
    expect(await servable(publicScope(otherSiteId), siteId, file.id)).toBeUndefined();
    expect(await servable(publicScope(otherSiteId), otherSiteId, file.id)).toBeUndefined();
    expect(await servable(publicScope(siteId), siteId, 'not-a-uuid')).toBeUndefined();

    await setArticle(article.id, { live: false });
    expect(await servable(publicScope(siteId), siteId, file.id)).toBeUndefined();
    expect(await servable(ctx.scope, siteId, file.id)).toBeUndefined();
    await setArticle(article.id, { live: true });
    expect(await servable(publicScope(siteId), siteId, file.id)).toEqual(expected);
    await setArticle(article.id, { deleted_at: ctx.clock.now() });
    expect(await servable(publicScope(siteId), siteId, file.id)).toBeUndefined();
  });

  it('should list a site\'s attachments newest first, a page at a time', async () => {
    const first = await uploadAttachment(ctx, siteId, upload('一.pdf', pdf('list-1')), opts());
    const second = await uploadAttachment(ctx, siteId, upload('二.pdf', pdf('list-2')), opts());
    const page = await inScope(t.db, ctx.scope, (trx) => listAttachments(trx, siteId, { limit: 2 }));
    expect(page.map((a) => a.id)).toEqual([second.id, first.id]);
    const next = await inScope(t.db, ctx.scope, (trx) => listAttachments(trx, siteId, { limit: 2, beforeId: first.id }));
    expect(next.map((a) => a.id)).not.toContain(first.id);
    expect(next.every((a) => a.site_id === siteId && a.id < first.id)).toBe(true);
    await expect(inScope(t.db, ctx.scope, (trx) => listAttachments(trx, siteId, { limit: 0 }))).rejects.toMatchObject({ code: 'ZQ_VALIDATION', field: 'limit' });
  });

  async function otherColumn(): Promise<string> {
    const row = await t.db.selectFrom('site_column').select('id').where('site_id', '=', otherSiteId).executeTakeFirstOrThrow();
    return row.id;
  }
});
