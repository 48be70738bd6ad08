import { closeSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { createError } from '@zhanqun/core/errors';

/**
 * Only one process may own a PGlite directory: two would silently lose each other's writes
 * (STACK.md, pitfall 5). The owner writes its pid to `<dir>.lock`; a lock whose process is
 * gone (kill -9, power cut) is taken over with a warning, so a crash never bricks the demo.
 */
export const PGliteDirLockedError = createError<[string, number]>(
  'ZQ_DB_PGLITE_LOCKED',
  'The embedded database %s is in use by process %d: stop the server or set DATABASE_URL',
  409,
);

export interface DirLock {
  path: string;
  /** Pid of a dead owner whose lock was taken over, if any. */
  tookOverFrom: number | null;
  release(): void;
}

interface LockInfo { pid: number; host: string }

function readLock(path: string): LockInfo | null {
  try {
    const info = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockInfo>;
    return typeof info.pid === 'number' ? { pid: info.pid, host: String(info.host ?? '') } : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Who holds the lock on a PGlite directory, if a live process does. */
export function lockHolder(dir: string): number | null {
  const info = readLock(`${dir}.lock`);
  if (!info || (info.pid === process.pid && !heldHere.has(dir))) return null;
  if (info.host && info.host !== hostname()) return info.pid; // another machine on a shared disk: trust it
  return isAlive(info.pid) ? info.pid : null;
}

/** Directories this process holds: opening one twice in a process is refused too. */
const heldHere = new Set<string>();

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Take the lock on a PGlite directory or throw PGliteDirLockedError. */
export function acquireDirLock(dir: string): DirLock {
  const path = `${dir}.lock`;
  const mine = JSON.stringify({ pid: process.pid, host: hostname(), at: new Date().toISOString() });
  let tookOverFrom: number | null = null;
  if (heldHere.has(dir)) throw new PGliteDirLockedError(dir, process.pid);
  try {
    const fd = openSync(path, 'wx');
    writeSync(fd, mine);
    closeSync(fd);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const holder = lockHolder(dir);
    if (holder !== null) throw new PGliteDirLockedError(dir, holder);
    tookOverFrom = readLock(path)?.pid ?? -1;
    // Take over by atomic rename, then look again after a moment: when two processes take over
    // the same stale lock at once, the one whose rename landed last keeps it, the other refuses.
    const temp = `${path}.${process.pid}`;
    writeFileSync(temp, mine);
    renameSync(temp, path);
    sleep(50);
    const now = readLock(path);
    if (now?.pid !== process.pid) throw new PGliteDirLockedError(dir, now?.pid ?? -1);
  }
  heldHere.add(dir);
  let released = false;
  return {
    path,
    tookOverFrom,
    release() {
      if (released) return;
      released = true;
      heldHere.delete(dir);
      if (readLock(path)?.pid === process.pid) rmSync(path, { force: true });
    },
  };
}
