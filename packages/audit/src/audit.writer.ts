import { createHash } from 'node:crypto';
import type { Clock } from '@zhanqun/core/clock';
import { newId } from '@zhanqun/core/id';
import type { Tx } from '@zhanqun/db/scope';

/** Who did it (DESIGN.md, Who did it): a console user, a named CLI account, a job, an import run. */
export interface Actor {
  userId: string | null;
  /** A username, `cli:<account>`, `system:<job>`, `import:<run>`. */
  label: string;
  ip?: string | null;
}

export interface AuditEvent {
  platformId: string;
  siteId?: string | null;
  /** Dotted name: `site.create`, `article.publish`, `session.login`. */
  action: string;
  objectType: string;
  objectId?: string | null;
  before?: unknown;
  after?: unknown;
}

export const GENESIS_HASH = '0'.repeat(64);

/** Keys sorted at every level, so the hash does not depend on property order or the driver. */
function canonical(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value as object).sort()) out[key] = canonical((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

export interface ChainedFields {
  id: string; platform_id: string; seq: number; site_id: string | null; actor_user_id: string | null;
  actor_label: string; ip: string | null; action: string; object_type: string; object_id: string | null;
  before: unknown; after: unknown; created_at: Date; prev_hash: string;
}

/** The hash of one entry: SHA-256 over its canonical JSON, which includes the previous hash. */
export function entryHash(e: ChainedFields): string {
  return createHash('sha256').update(JSON.stringify(canonical(e))).digest('hex');
}

/**
 * Append an entry to the platform's hash chain inside the caller's transaction, so the entry
 * commits with the change it records or not at all. The chain head row is locked FOR UPDATE:
 * concurrent writers on one platform queue here, each link names the one before.
 */
export async function writeAudit(trx: Tx, clock: Clock, actor: Actor, event: AuditEvent): Promise<string> {
  const head = await trx
    .selectFrom('audit_chain_head')
    .select(['seq', 'hash'])
    .where('platform_id', '=', event.platformId)
    .forUpdate()
    .executeTakeFirst();
  const fields: ChainedFields = {
    id: newId(),
    platform_id: event.platformId,
    seq: (head?.seq ?? 0) + 1,
    site_id: event.siteId ?? null,
    actor_user_id: actor.userId,
    actor_label: actor.label,
    ip: actor.ip ?? null,
    action: event.action,
    object_type: event.objectType,
    object_id: event.objectId ?? null,
    before: canonical(event.before),
    after: canonical(event.after),
    created_at: clock.now(),
    prev_hash: head?.hash ?? GENESIS_HASH,
  };
  const hash = entryHash(fields);
  await trx
    .insertInto('audit_log_entry')
    .values({
      ...fields,
      before: fields.before === null ? null : JSON.stringify(fields.before),
      after: fields.after === null ? null : JSON.stringify(fields.after),
      hash,
    })
    .execute();
  if (head) {
    await trx.updateTable('audit_chain_head').set({ seq: fields.seq, hash }).where('platform_id', '=', event.platformId).execute();
  } else {
    await trx.insertInto('audit_chain_head').values({ platform_id: event.platformId, seq: fields.seq, hash }).execute();
  }
  return fields.id;
}

/** Postgres binds at most 65,535 parameters per statement; an entry binds 15. */
const AUDIT_ROWS_PER_INSERT = 2_000;

/**
 * Append many entries in one go (bulk imports): each platform's chain head is read and locked
 * once, the links are hashed in memory exactly as writeAudit would hash them one by one, the
 * entries go in as multi-row inserts, and each head is written once. Returns the new ids in
 * the order of `events`.
 */
export async function writeAuditBatch(trx: Tx, clock: Clock, actor: Actor, events: readonly AuditEvent[]): Promise<string[]> {
  if (events.length === 0) return [];
  // Heads locked in a fixed order, so two batches touching the same platforms cannot deadlock.
  const platformIds = [...new Set(events.map((e) => e.platformId))].sort();
  const heads = await trx.selectFrom('audit_chain_head').select(['platform_id', 'seq', 'hash'])
    .where('platform_id', 'in', platformIds).orderBy('platform_id').forUpdate().execute();
  const before = new Map(heads.map((h) => [h.platform_id, { seq: h.seq, hash: h.hash }]));
  const tips = new Map(platformIds.map((id) => [id, before.get(id) ?? { seq: 0, hash: GENESIS_HASH }]));
  const createdAt = clock.now();
  const rows = events.map((event) => {
    const tip = tips.get(event.platformId)!;
    const fields: ChainedFields = {
      id: newId(), platform_id: event.platformId, seq: tip.seq + 1, site_id: event.siteId ?? null,
      actor_user_id: actor.userId, actor_label: actor.label, ip: actor.ip ?? null, action: event.action,
      object_type: event.objectType, object_id: event.objectId ?? null,
      before: canonical(event.before), after: canonical(event.after), created_at: createdAt, prev_hash: tip.hash,
    };
    const hash = entryHash(fields);
    tips.set(event.platformId, { seq: fields.seq, hash });
    return {
      ...fields,
      before: fields.before === null ? null : JSON.stringify(fields.before),
      after: fields.after === null ? null : JSON.stringify(fields.after),
      hash,
    };
  });
  for (let i = 0; i < rows.length; i += AUDIT_ROWS_PER_INSERT) {
    await trx.insertInto('audit_log_entry').values(rows.slice(i, i + AUDIT_ROWS_PER_INSERT)).execute();
  }
  for (const [platformId, tip] of tips) {
    if (before.has(platformId)) {
      await trx.updateTable('audit_chain_head').set({ seq: tip.seq, hash: tip.hash }).where('platform_id', '=', platformId).execute();
    } else {
      await trx.insertInto('audit_chain_head').values({ platform_id: platformId, seq: tip.seq, hash: tip.hash }).execute();
    }
  }
  return rows.map((r) => r.id);
}
