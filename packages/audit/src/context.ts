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
}
