import type { Kysely } from 'kysely';
import type { Clock } from '@zhanqun/core/clock';
import type { Database } from '@zhanqun/db/database';
import type { Scope } from '@zhanqun/db/scope';
import type { Actor } from './audit.writer.js';

/**
 * What every service verb receives: the database, the clock, who acts, and the scope their
 * grants give them. Each verb opens one transaction under that scope (inScope), checks its
 * permission, changes data and writes its audit entry there.
 */
export interface ServiceContext {
  db: Kysely<Database>;
  clock: Clock;
  actor: Actor;
  scope: Scope;
  /**
   * The policy's answer for the acting principal (identity's `can`), set by the server for
   * console and API requests; absent for operators' and system jobs, whose scope is the limit.
   */
  can?: (permission: string, target: PolicyTarget) => boolean;
}

/** What a permission is checked against (mirrors identity's Target). */
export interface PolicyTarget {
  platformId?: string;
  orgUnitPath?: string;
  siteId?: string;
  parentSiteId?: string | null;
  columnId?: string;
}
