import type { Kysely } from 'kysely';
import type { Clock } from '@zhanqun/core/clock';
import type { Database } from '@zhanqun/db/database';
import { inScope } from '@zhanqun/db/scope';

const TTL_MS = 10_000;
const MAX_ENTRIES = 10_000;

/**
 * Whether a host names a site, remembered briefly, so a flood of requests for unknown hosts
 * costs one query per host and ten seconds rather than one per request.
 */
export class HostDirectory {
  readonly #seen = new Map<string, { known: boolean; until: number }>();
  constructor(private readonly db: Kysely<Database>, private readonly clock: Clock) {}

  async isKnown(host: string | null): Promise<boolean> {
    if (!host) return false;
    const now = this.clock.now().getTime();
    const hit = this.#seen.get(host);
    if (hit && hit.until > now) return hit.known;
    const row = await inScope(this.db, { kind: 'public', siteIds: [] }, (trx) =>
      trx.selectFrom('site_domain').select('site_id').where('host', '=', host).limit(1).executeTakeFirst());
    if (this.#seen.size >= MAX_ENTRIES) this.#seen.clear();
    this.#seen.set(host, { known: row !== undefined, until: now + TTL_MS });
    return row !== undefined;
  }

  /** Forget what was learned (after domains change in this process). */
  clear(): void {
    this.#seen.clear();
  }
}
