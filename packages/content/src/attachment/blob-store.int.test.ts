// Integration, not unit: it writes to a scratch directory (unit tests do no I/O, STYLE.md).
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBlobStore, type BlobStore } from './blob-store.js';

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** The bytes in chunks, as a network upload arrives. */
function chunked(bytes: Buffer, chunk = 1000): Readable {
  return Readable.from((function* () {
    for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
  })());
}

describe('blob store', () => {
  let dir = '';
  let store: BlobStore;
  const scratchFiles = async () => (existsSync(join(dir, 'tmp')) ? readdir(join(dir, 'tmp')) : []);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zq-blobs-'));
    store = createBlobStore(dir);
  });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('should store bytes under their SHA-256, fanned out by the first two byte pairs, with the head for sniffing', async () => {
    const bytes = Buffer.from('%PDF-1.7\n'.padEnd(10_000, '关于印发工作要点的通知'));
    const stored = await store.put(chunked(bytes), { maxBytes: 1024 * 1024 });
    const digest = sha(bytes);
    expect(stored).toMatchObject({ sha256: digest, size: bytes.length, path: join(dir, digest.slice(0, 2), digest.slice(2, 4), digest) });
    expect(stored.head).toEqual(bytes.subarray(0, 4100));
    expect(store.path(digest)).toBe(stored.path);
    expect(await readFile(stored.path)).toEqual(bytes);
    expect(await text(store.open(digest))).toBe(bytes.toString());
    expect(await scratchFiles()).toEqual([]);
  });

  it('should keep one file for the same bytes stored twice and leave no scratch file behind', async () => {
    const bytes = Buffer.from('同样的内容，两次上传');
    const first = await store.put(chunked(bytes, 7), { maxBytes: 100 });
    const second = await store.put(chunked(bytes, 3), { maxBytes: 100 });
    expect(second).toEqual(first);
    expect(await readdir(join(dir, first.sha256.slice(0, 2), first.sha256.slice(2, 4)))).toEqual([first.sha256]);
    expect(await scratchFiles()).toEqual([]);
  });

  it('should accept exactly the limit and refuse one byte more with 413, deleting the partial file', async () => {
    const limit = 1024 * 1024;
    await expect(store.put(chunked(Buffer.alloc(limit, 1), 64 * 1024), { maxBytes: limit })).resolves.toMatchObject({ size: limit });
    const over = Buffer.alloc(limit + 1, 2);
    await expect(store.put(chunked(over, 64 * 1024), { maxBytes: limit }))
      .rejects.toMatchObject({ code: 'ZQ_CONTENT_FILE_TOO_LARGE', statusCode: 413, field: 'file', message: 'file: is larger than 1 MB' });
    expect(existsSync(store.path(sha(over)))).toBe(false);
    expect(await scratchFiles()).toEqual([]);
  });

  it('should stop reading as soon as the limit is passed, without waiting for the end of the upload', async () => {
    let produced = 0;
    const endless = new Readable({
      read() { produced += 16 * 1024; this.push(Buffer.alloc(16 * 1024, 3)); },
    });
    await expect(store.put(endless, { maxBytes: 256 * 1024 })).rejects.toMatchObject({ statusCode: 413 });
    expect(endless.destroyed).toBe(true);
    expect(produced).toBeLessThan(1024 * 1024);
    expect(await scratchFiles()).toEqual([]);
  });

  it('should delete the scratch file when the upload breaks off', async () => {
    const broken = Readable.from((async function* () {
      yield Buffer.from('partial');
      throw new Error('client went away');
    })());
    await expect(store.put(broken, { maxBytes: 100 })).rejects.toThrow('client went away');
    expect(await scratchFiles()).toEqual([]);
  });

  it('should let a staged blob be read anywhere before commit, and leave nothing when discarded', async () => {
    const bytes = Buffer.concat([Buffer.alloc(5000, 'a'), Buffer.from('TAIL')]);
    const staged = await store.stage(chunked(bytes), { maxBytes: 10_000 });
    expect(staged.path.startsWith(join(dir, 'tmp'))).toBe(true);
    expect(Buffer.from(await staged.read(0, 4))).toEqual(Buffer.from('aaaa'));
    expect(Buffer.from(await staged.read(bytes.length - 4, 100))).toEqual(Buffer.from('TAIL'));
    expect(await staged.read(bytes.length, 10)).toHaveLength(0);
    await staged.discard();
    expect(existsSync(store.path(staged.sha256))).toBe(false);
    expect(await scratchFiles()).toEqual([]);
  });

  it('should refuse a path for anything but a SHA-256 digest', () => {
    expect(() => store.path('../../etc/passwd')).toThrow(/not a SHA-256/);
    expect(() => store.open('AB'.repeat(32))).toThrow(/not a SHA-256/);
  });
});
