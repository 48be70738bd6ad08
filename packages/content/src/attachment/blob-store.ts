import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createError, withField } from '@zhanqun/core/errors';
import { SNIFF_BYTES, type ByteSource } from './file-kind.js';

/** The upload limit when none is configured (issue 5): 50 MB. */
export const DEFAULT_MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

const FileTooLarge = createError<[string]>('ZQ_CONTENT_FILE_TOO_LARGE', 'file: is larger than %s MB', 413);

/** 413 with the field named, like a validation error, so forms can show it beside the file input. */
export function fileTooLarge(maxBytes: number): Error {
  return withField(new FileTooLarge(String(Number((maxBytes / 1024 / 1024).toFixed(2)))), 'file');
}

/**
 * An upload written to the store's scratch area and hashed, not yet visible under its hash:
 * the caller checks it (type, permission), then commits or discards it. A refused upload never
 * reaches the shared content-addressed tree, so nothing there needs cleaning after a refusal.
 */
export interface StagedBlob extends ByteSource {
  readonly sha256: string;
  readonly size: number;
  /** The first bytes (up to 4100), enough for signature sniffing. */
  readonly head: Buffer;
  /** The scratch file, until commit. */
  readonly path: string;
  /** Move the bytes to `<dir>/<aa>/<bb>/<sha256>` and return that path. */
  commit(): Promise<string>;
  /** Delete the scratch file; does nothing after commit. */
  discard(): Promise<void>;
}

export interface StoredBlob {
  sha256: string;
  size: number;
  head: Buffer;
  path: string;
}

export interface PutOptions {
  /** Abort as soon as more than this many bytes have arrived. */
  maxBytes: number;
}

/** A filesystem store of immutable blobs named by their SHA-256 (DESIGN.md, Attachments). */
export interface BlobStore {
  readonly dir: string;
  /** Stream into the scratch area, hashing and counting; refuses with 413 past `maxBytes`. */
  stage(stream: Readable, opts: PutOptions): Promise<StagedBlob>;
  /** Stage and commit in one step, for callers with nothing to check in between. */
  put(stream: Readable, opts: PutOptions): Promise<StoredBlob>;
  /** Read a stored blob (throws ENOENT through the stream if it is absent). */
  open(sha256: string): ReadStream;
  path(sha256: string): string;
}

const SHA256_RE = /^[0-9a-f]{64}$/;

/** A blob store rooted at `dir` (BLOB_DIR, default `data/blobs`); directories are made on demand. */
export function createBlobStore(dir: string): BlobStore {
  // Scratch files live inside the store so that commit is a rename within one filesystem.
  const scratch = join(dir, 'tmp');
  const pathOf = (sha256: string): string => {
    // The hash comes from our database, but it becomes a path: never let anything else through.
    if (!SHA256_RE.test(sha256)) throw new Error(`not a SHA-256 hex digest: ${JSON.stringify(sha256)}`);
    return join(dir, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  };

  async function stage(stream: Readable, { maxBytes }: PutOptions): Promise<StagedBlob> {
    await mkdir(scratch, { recursive: true });
    const temp = join(scratch, `${randomUUID()}.part`);
    const hash = createHash('sha256');
    const headChunks: Buffer[] = [];
    let headBytes = 0;
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        if (size > maxBytes) return done(fileTooLarge(maxBytes));
        hash.update(chunk);
        if (headBytes < SNIFF_BYTES) {
          headChunks.push(chunk.subarray(0, SNIFF_BYTES - headBytes));
          headBytes += headChunks.at(-1)!.length;
        }
        done(null, chunk);
      },
    });
    try {
      // `wx`: a scratch name is never reused; pipeline destroys the source too when the limit trips.
      await pipeline(stream, meter, createWriteStream(temp, { flags: 'wx', mode: 0o640 }));
      await syncFile(temp);
    } catch (err) {
      await unlink(temp).catch(() => {});
      throw err;
    }
    const sha256 = hash.digest('hex');
    const head = Buffer.concat(headChunks);
    let committed: string | null = null;
    return {
      sha256, size, head, path: temp,
      async read(position, length) {
        const end = Math.min(size, position + length);
        if (end <= head.length) return head.subarray(position, end);
        return readAt(committed ?? temp, position, end - position);
      },
      async commit() {
        if (committed) return committed;
        const target = pathOf(sha256);
        await mkdir(dirname(target), { recursive: true });
        // Same name, same bytes: when the blob is already there, the scratch copy is redundant.
        if (await exists(target)) {
          await unlink(temp);
        } else {
          await rename(temp, target);
          await syncDir(dirname(target));
        }
        committed = target;
        return target;
      },
      async discard() {
        if (!committed) await unlink(temp).catch(() => {});
      },
    };
  }

  return {
    dir,
    stage,
    async put(stream, opts) {
      const staged = await stage(stream, opts);
      const path = await staged.commit();
      return { sha256: staged.sha256, size: staged.size, head: staged.head, path };
    },
    open: (sha256) => createReadStream(pathOf(sha256)),
    path: pathOf,
  };
}

async function readAt(path: string, position: number, length: number): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(Math.max(0, length));
    const { bytesRead } = await file.read(buffer, 0, buffer.length, position);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

/** The database will point at these bytes once the transaction commits: they must be on disk first. */
async function syncFile(path: string): Promise<void> {
  const file = await open(path, 'r+');
  try {
    await file.sync();
  } finally {
    await file.close();
  }
}

/** Make the rename itself durable (the new directory entry), as far as the platform allows. */
async function syncDir(path: string): Promise<void> {
  const handle = await open(path, 'r').catch(() => null);
  if (!handle) return;
  try {
    await handle.sync().catch(() => {});
  } finally {
    await handle.close();
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}
