import type { Kysely } from 'kysely';
import type { Clock } from '@zhanqun/core/clock';
import { newId } from '@zhanqun/core/id';
import type { Database } from '@zhanqun/db/database';
import { inScope } from '@zhanqun/db/scope';

/**
 * Copy every platform's chain head into audit_anchor (insert-only for the application), so a
 * later truncation of the trail — even one that rewinds the head row — no longer verifies.
 * Run periodically by the server and by `zhanqun audit anchor`. Returns how many were anchored.
 */
export async function anchorChains(db: Kysely<Database>, clock: Clock): Promise<number> {
  return inScope(db, { kind: 'sites', siteIds: [] }, async (trx) => {
    const heads = await trx.selectFrom('audit_chain_head as h')
      .leftJoin(
        (eb) => eb.selectFrom('audit_anchor').select(['platform_id', (e) => e.fn.max('seq').as('seq')]).groupBy('platform_id').as('a'),
        (j) => j.onRef('a.platform_id', '=', 'h.platform_id'),
      )
      .select(['h.platform_id', 'h.seq', 'h.hash', 'a.seq as anchored'])
      .execute();
    const fresh = heads.filter((h) => h.anchored === null || Number(h.anchored) < h.seq);
    if (fresh.length) {
      await trx.insertInto('audit_anchor').values(fresh.map((h) => ({ id: newId(), platform_id: h.platform_id, seq: h.seq, hash: h.hash, anchored_at: clock.now() }))).execute();
    }
    return fresh.length;
  });
}
