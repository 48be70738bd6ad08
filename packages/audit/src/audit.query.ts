import { sql } from 'kysely';
import type { Db } from '@zhanqun/db/scope';

/** What the audit view filters on; every part is optional. Row-level security limits the rest. */
export interface AuditFilter {
  /** A username: its console entries and its API-token entries (`name (api)`). */
  actor?: string;
  /** A dotted action prefix such as `site.` or `grant.`. */
  actionPrefix?: string;
  siteId?: string;
  /** From this instant on. */
  from?: Date;
  /** Before this instant. */
  until?: Date;
}

/** Where a page starts: after (older than) or before (newer than) an entry, by its id. */
export type AuditCursor = { older: string } | { newer: string } | null;

export interface AuditListItem {
  id: string;
  platform_id: string;
  seq: number;
  created_at: Date;
  actor_label: string;
  ip: string | null;
  action: string;
  object_type: string;
  object_id: string | null;
  site_id: string | null;
  site_name: string | null;
  before: unknown;
  after: unknown;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export interface AuditPage {
  /** Newest first. */
  rows: AuditListItem[];
  /** Whether older (and newer) entries match beyond this page. */
  older: boolean;
  newer: boolean;
}

/**
 * One page of audit entries, newest first, keyed by (created_at, id) so pages stay put while new
 * entries arrive (offsets would shift). The caller's transaction scope decides what is visible.
 */
export async function findEntries(db: Db, filter: AuditFilter, limit: number, cursor: AuditCursor = null): Promise<AuditPage> {
  let query = db.selectFrom('audit_log_entry as e').leftJoin('site as s', 's.id', 'e.site_id')
    .select(['e.id', 'e.platform_id', 'e.seq', 'e.created_at', 'e.actor_label', 'e.ip', 'e.action', 'e.object_type', 'e.object_id',
      'e.site_id', 's.name as site_name', 'e.before', 'e.after']);
  if (filter.actor) {
    const actor = filter.actor.trim().toLowerCase();
    query = query.where((eb) => eb.or([eb('e.actor_label', '=', actor), eb('e.actor_label', 'like', `${escapeLike(actor)} (%`)]));
  }
  if (filter.actionPrefix) query = query.where('e.action', 'like', `${escapeLike(filter.actionPrefix)}%`);
  if (filter.siteId) query = query.where('e.site_id', '=', filter.siteId);
  if (filter.from) query = query.where('e.created_at', '>=', filter.from);
  if (filter.until) query = query.where('e.created_at', '<', filter.until);
  const toNewer = cursor !== null && 'newer' in cursor;
  if (cursor) {
    const id = 'older' in cursor ? cursor.older : cursor.newer;
    const at = sql`(select c.created_at from audit_log_entry c where c.id = ${id})`;
    query = query.where(toNewer ? sql<boolean>`(e.created_at, e.id) > (${at}, ${id}::uuid)` : sql<boolean>`(e.created_at, e.id) < (${at}, ${id}::uuid)`);
  }
  const found = await query.orderBy('e.created_at', toNewer ? 'asc' : 'desc').orderBy('e.id', toNewer ? 'asc' : 'desc').limit(limit + 1).execute();
  const more = found.length > limit;
  const rows = found.slice(0, limit);
  if (toNewer) return { rows: rows.reverse(), older: true, newer: more };
  return { rows, older: more, newer: cursor !== null };
}
