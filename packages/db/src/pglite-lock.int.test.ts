import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir, hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireDirLock, lockHolder } from './pglite-lock.js';

describe('PGlite directory lock', () => {
  const dirs: string[] = [];
  const fresh = () => { const d = mkdtempSync(join(tmpdir(), 'zq-lock-')); dirs.push(d); return join(d, 'pglite'); };
  afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

  it('should refuse a directory held by another live process, naming it', async () => {
    const dir = fresh();
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      writeFileSync(`${dir}.lock`, JSON.stringify({ pid: child.pid, host: hostname() }));
      expect(lockHolder(dir)).toBe(child.pid);
      expect(() => acquireDirLock(dir)).toThrow(/in use by process \d+: stop the server or set DATABASE_URL/);
    } finally {
      child.kill();
    }
  });

  it('should take over a lock left by a dead process', async () => {
    const dir = fresh();
    const child = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => child.on('exit', r));
    writeFileSync(`${dir}.lock`, JSON.stringify({ pid: child.pid, host: hostname() }));
    const lock = acquireDirLock(dir);
    expect(lock.tookOverFrom).toBe(child.pid);
    lock.release();
    expect(existsSync(`${dir}.lock`)).toBe(false);
  });

  it('should refuse the same directory twice in one process', () => {
    const dir = fresh();
    const lock = acquireDirLock(dir);
    try {
      expect(() => acquireDirLock(dir)).toThrow(/in use by process/);
    } finally {
      lock.release();
    }
    acquireDirLock(dir).release();
  });
});
