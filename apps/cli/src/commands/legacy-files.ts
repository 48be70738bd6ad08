/**
 * Where the legacy imports keep the files they store (the server's blob store and upload limit),
 * and the WordPress import's file options from the command line: the old uploads fetched from the
 * old blog, from where they are served now (--uploads-url), or read from a copy on disk
 * (--uploads-dir); --no-files leaves them linked to the old site.
 */
import { resolve } from 'node:path';
import { createBlobStore, DEFAULT_MAX_UPLOAD_BYTES } from '@zhanqun/content/attachment/blob-store';
import type { FileStore } from '@zhanqun/legacy/mirror/mirror-files';
import type { FilesReport, WxrFileOptions } from '@zhanqun/legacy/wxr/wxr-files';
import { optional, UsageError, type Values } from '../cli-support.js';

/** The server's attachment store (BLOB_DIR, else DATA_DIR/blobs) under its upload limit (MAX_UPLOAD_MB). */
export function serverFileStore(): FileStore {
  const blobDir = resolve(process.env.BLOB_DIR?.trim() || `${process.env.DATA_DIR?.trim() || 'data'}/blobs`);
  const maxMb = Number(process.env.MAX_UPLOAD_MB ?? 0);
  return { store: createBlobStore(blobDir), maxBytes: maxMb > 0 ? maxMb * 1024 * 1024 : DEFAULT_MAX_UPLOAD_BYTES };
}

/** The WordPress import's file options, or undefined with --no-files. */
export function wxrFileOptions(values: Values): WxrFileOptions | undefined {
  if (values['no-files'] === true) {
    if (optional(values, 'uploads-dir') || optional(values, 'uploads-url')) throw new UsageError('--no-files 不能与 --uploads-dir、--uploads-url 同用 (--no-files excludes them)');
    return undefined;
  }
  const concurrency = optional(values, 'concurrency');
  if (concurrency !== undefined && !/^\d+$/.test(concurrency)) throw new UsageError('--concurrency 须为正整数（字段 --concurrency）');
  const uploadsDir = optional(values, 'uploads-dir');
  return {
    ...serverFileStore(),
    ...(uploadsDir ? { uploadsDir: resolve(uploadsDir) } : {}),
    ...(optional(values, 'uploads-url') ? { uploadsUrl: optional(values, 'uploads-url') } : {}),
    ...(concurrency ? { concurrency: Number(concurrency) } : {}),
    // Only for tests against a server on this machine: the old blog is never on loopback.
    ...(values['unsafe-allow-loopback'] === true ? { unsafeAllowAddressesForTests: ['127.0.0.1', '::1'] } : {}),
  };
}

/** A progress line for the downloads on a terminal. */
export function fileProgress(): ((done: number, total: number) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  return (done, total) => process.stderr.write(`\r已取得附件 ${done}/${total}   ${done === total ? '\n' : ''}`);
}

/** The report's files line, and its WordPress attachment pages (those whose file is stored answer with it). */
export function printFiles(f: FilesReport | null | undefined): void {
  if (!f) return;
  console.log(`  附件与图片 files：发现 found ${f.found}  已存 already stored ${f.alreadyStored}  下载 downloaded ${f.downloaded}  ` +
    `从目录读取 read from dir ${f.readFromDir}  存入 stored ${f.stored}  失败 failed ${f.failed}`);
  if (f.pages) console.log(`  附件页 attachment pages：${f.pages} 个，其中 ${f.pagesRedirected} 个的旧网址转向已存入的附件 (old addresses 301 to the stored file)`);
}
