/**
 * Hits on legacy URL entries, counted in memory and written in batches (one UPDATE per flush, not
 * one per request). Exact: a flush takes the pending counts away atomically (the event loop
 * runs one flush step at a time) and puts them back if the write fails, so no hit is lost or
 * counted twice. The write changes only hits and last_hit_at, which notify no page cache
 * (migration 100000).
 */
import { sql, type Kysely } from 'kysely';
import type { Clock } from '@zhanqun/core/clock';
import type { Database } from '@zhanqun/db/database';
import { inScope } from '@zhanqun/db/scope';

interface Pending { siteId: string; count: number; lastAt: Date }

/** Rows per UPDATE: keeps each statement's parameters well under Postgres' limit. */
const CHUNK = 1000;

export class HitCounter {
  #pending = new Map<string, Pending>();
  #timer: NodeJS.Timeout | null = null;
  #flushing: Promise<number> | null = null;

  constructor(private readonly db: Kysely<Database>, private readonly clock: Clock) {}

  /** Count one hit on a url_path entry of a site. */
  record(siteId: string, urlPathId: string): void {
    const now = this.clock.now();
    const p = this.#pending.get(urlPathId);
    if (p) {
      p.count += 1;
      p.lastAt = now;
    } else {
      this.#pending.set(urlPathId, { siteId, count: 1, lastAt: now });
    }
  }

  /** Hits counted and not yet written. */
  get pending(): number {
    let n = 0;
    for (const p of this.#pending.values()) n += p.count;
    return n;
  }

  /** Write the pending counts; resolves to the number of hits written. */
  async flush(): Promise<number> {
    // One flush at a time: a second caller waits for the first, then writes what came since.
    while (this.#flushing) await this.#flushing.catch(() => undefined);
    if (this.#pending.size === 0) return 0;
    const batch = this.#pending;
    this.#pending = new Map();
    this.#flushing = this.#write(batch);
    try {
      return await this.#flushing;
    } catch (err) {
      for (const [id, p] of batch) {
        const now = this.#pending.get(id);
        if (now) { now.count += p.count; if (p.lastAt > now.lastAt) now.lastAt = p.lastAt; } else this.#pending.set(id, p);
      }
      throw err;
    } finally {
      this.#flushing = null;
    }
  }

  async #write(batch: Map<string, Pending>): Promise<number> {
    const rows = [...batch.entries()];
    const siteIds = [...new Set(rows.map(([, p]) => p.siteId))];
    await inScope(this.db, { kind: 'sites', siteIds }, async (trx) => {
      for (let i = 0; i < rows.length; i += CHUNK) {
        const values = sql.join(rows.slice(i, i + CHUNK).map(([id, p]) => sql`(${id}::uuid, ${p.siteId}::uuid, ${p.count}::bigint, ${p.lastAt}::timestamptz)`));
        await sql`update url_path u set hits = u.hits + v.n,
            last_hit_at = greatest(u.last_hit_at, v.at)
          from (values ${values}) as v(id, site_id, n, at)
          where u.id = v.id and u.site_id = v.site_id`.execute(trx);
      }
    });
    return rows.reduce((n, [, p]) => n + p.count, 0);
  }

  /** Flush every `ms` milliseconds (the timer does not keep the process alive). */
  start(ms: number, onError: (err: unknown) => void): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => { this.flush().catch(onError); }, ms);
    this.#timer.unref();
  }

  /** Stop the timer and write what is pending. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.flush();
  }
}
