import type { Db } from '@zhanqun/db/scope';
import { entryHash, GENESIS_HASH } from './audit.writer.js';

export interface ChainReport {
  ok: boolean;
  checked: number;
  /** The first entry whose link is broken, and how. */
  firstBad?: { seq: number; id: string | null; problem: 'edited' | 'inserted' | 'deleted' | 'head_mismatch' };
}

/**
 * Walk a platform's chain from the start. An edited entry no longer hashes to its stored hash;
 * an inserted or deleted one breaks the seq run or the prev_hash link; a truncated tail no
 * longer reaches the chain head nor the last anchor copied out of the table (anchorChains).
 */
export async function verifyChain(db: Db, platformId: string): Promise<ChainReport> {
  const rows = await db
    .selectFrom('audit_log_entry')
    .select(['id', 'platform_id', 'seq', 'site_id', 'actor_user_id', 'actor_label', 'ip', 'action',
      'object_type', 'object_id', 'before', 'after', 'created_at', 'prev_hash', 'hash'])
    .where('platform_id', '=', platformId)
    .orderBy('seq')
    .execute();
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  for (const row of rows) {
    if (row.seq !== expectedSeq) {
      return { ok: false, checked: expectedSeq - 1, firstBad: { seq: expectedSeq, id: row.id, problem: row.seq > expectedSeq ? 'deleted' : 'inserted' } };
    }
    const { hash, ...fields } = row;
    if (row.prev_hash !== prev) return { ok: false, checked: expectedSeq - 1, firstBad: { seq: row.seq, id: row.id, problem: 'inserted' } };
    if (entryHash(fields) !== hash) return { ok: false, checked: expectedSeq - 1, firstBad: { seq: row.seq, id: row.id, problem: 'edited' } };
    prev = hash;
    expectedSeq++;
  }
  // An anchor copied out earlier must still be on the chain: a truncated tail that also
  // rewound the head (both tables are writable by the owner) is caught here.
  const anchor = await db.selectFrom('audit_anchor').select(['seq', 'hash']).where('platform_id', '=', platformId)
    .orderBy('seq', 'desc').limit(1).executeTakeFirst();
  if (anchor) {
    const at = rows[anchor.seq - 1];
    if (!at) return { ok: false, checked: rows.length, firstBad: { seq: rows.length + 1, id: null, problem: 'deleted' } };
    if (at.hash !== anchor.hash) return { ok: false, checked: anchor.seq - 1, firstBad: { seq: anchor.seq, id: at.id, problem: 'edited' } };
  }
  const head = await db.selectFrom('audit_chain_head').select(['seq', 'hash']).where('platform_id', '=', platformId).executeTakeFirst();
  if (head && (head.seq !== rows.length || head.hash !== prev)) {
    return { ok: false, checked: rows.length, firstBad: { seq: rows.length + 1, id: null, problem: 'deleted' } };
  }
  return { ok: true, checked: rows.length };
}
