// Test fixture (not built): a WordPress blog's uploads served on loopback for the file tests —
// bytes of the kind each path's extension promises — and small exports of such a blog.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServiceContext } from '@zhanqun/audit/context';
import { createBlobStore, type BlobStore } from '@zhanqun/content/attachment/blob-store';
import { createTestDatabase, type TestDatabase } from '@zhanqun/testing/db';
import { legacyWorld, type LegacyWorld } from '../legacy.fixture.js';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63600000000200015e2a8f360000000049454e44ae426082', 'hex');

/** Bytes of the kind a path's extension promises, different for every path (one blob each). */
export function bytesFor(path: string): Buffer | null {
  const mark = Buffer.from(`\n${path}\n`);
  const ext = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
  if (ext === 'jpg' || ext === 'jpeg') return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]), mark, Buffer.from([0xff, 0xd9])]);
  if (ext === 'png') return Buffer.concat([PNG, mark]);
  if (ext === 'gif') return Buffer.concat([Buffer.from('GIF89a'), mark]);
  if (ext === 'pdf') return Buffer.from(`%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n%${path}\ntrailer<</Root 1 0 R>>\n%%EOF\n`);
  return null;
}

export interface Uploads { server: Server; port: number; hits: Map<string, number>; close: () => Promise<void> }

/** A server on loopback answering every path with bytesFor (404 when it has none, or the path is `lost`), counting requests by path. */
export async function serveUploads(lost: readonly string[] = []): Promise<Uploads> {
  const hits = new Map<string, number>();
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://test.invalid').pathname);
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const bytes = lost.includes(path) ? null : bytesFor(path);
    if (!bytes) res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>404</h1>');
    else res.writeHead(200).end(bytes);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { server, port: (server.address() as AddressInfo).port, hits, close: () => new Promise((done) => { server.close(() => done()); }) };
}

export interface BlogItem {
  id: number;
  type?: 'post' | 'page' | 'attachment';
  title?: string;
  /** Default `http://<blog>/?p=<id>`. */
  link?: string;
  guid?: string;
  name?: string;
  body?: string;
  parent?: number;
  attachmentUrl?: string;
  /** The featured image's attachment id. */
  thumbnail?: number;
  status?: string;
}

/** A WXR 1.2 export of the blog at `http://<blog>` with these items. */
export function blogExport(blog: string, items: readonly BlogItem[]): string {
  const item = (i: BlogItem) => {
    const type = i.type ?? 'post';
    const link = i.link ?? `http://${blog}/?p=${i.id}`;
    const day = String(i.id % 28 + 1).padStart(2, '0');
    return `<item><title>${i.title ?? `item ${i.id}`}</title><link>${link}</link>
    <guid isPermaLink="false">${i.guid ?? link}</guid><content:encoded><![CDATA[${i.body ?? ''}]]></content:encoded>
    <wp:post_id>${i.id}</wp:post_id><wp:post_name>${i.name ?? `item-${i.id}`}</wp:post_name>
    <wp:post_date>2021-03-${day} 09:00:00</wp:post_date><wp:post_date_gmt>2021-03-${day} 01:00:00</wp:post_date_gmt>
    <wp:status>${i.status ?? (type === 'attachment' ? 'inherit' : 'publish')}</wp:status><wp:post_parent>${i.parent ?? 0}</wp:post_parent>
    <wp:post_type>${type}</wp:post_type>${i.attachmentUrl ? `<wp:attachment_url>${i.attachmentUrl}</wp:attachment_url>` : ''}${i.thumbnail
      ? `<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value><![CDATA[${i.thumbnail}]]></wp:meta_value></wp:postmeta>` : ''}</item>`;
  };
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/"><channel>
<title>旧博客</title><wp:wxr_version>1.2</wp:wxr_version><wp:base_blog_url>http://${blog}</wp:base_blog_url>
${items.map(item).join('\n')}
</channel></rss>`;
}

/** What a WordPress file test works in: its database, the legacy world, another site's account, a blob store and the blog's uploads. */
export interface FilesWorld {
  t: TestDatabase;
  w: LegacyWorld;
  /** An account of the world's other site only. */
  other: ServiceContext;
  store: BlobStore;
  uploads: Uploads;
  close(): Promise<void>;
}

export async function filesWorld(prefix: string, lost: readonly string[] = []): Promise<FilesWorld> {
  const t = await createTestDatabase();
  const w = await legacyWorld(t, prefix);
  const dir = mkdtempSync(join(tmpdir(), `zq-${prefix}-`));
  const uploads = await serveUploads(lost);
  return {
    t, w, other: { ...w.ctx, scope: { kind: 'sites', siteIds: [w.otherSiteId] } }, store: createBlobStore(join(dir, 'blobs')), uploads,
    async close() {
      await uploads.close();
      rmSync(dir, { recursive: true, force: true });
      await t.destroy();
    },
  };
}
