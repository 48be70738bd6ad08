import { invalid, withField } from '@zhanqun/core/errors';
import { newId } from '@zhanqun/core/id';
import { writeAudit } from '@zhanqun/audit/audit.writer';
import type { ServiceContext } from '@zhanqun/audit/context';
import type { DomainRole, SiteDomainRow } from '@zhanqun/db/database';
import { inScope, type Scope, type Tx } from '@zhanqun/db/scope';
import { writableSite } from './site-access.js';
import { normaliseHost } from './host.js';
import * as siteRepository from './site.repository.js';
import { DomainNotFoundError, HostReservedError, HostTakenError } from './tenancy.errors.js';

export interface AddDomainInput {
  host: string;
  role: DomainRole;
  /** The console's host, which no tenant may take. */
  adminHost?: string;
}

const ROLES: readonly DomainRole[] = ['primary', 'alias', 'legacy'];
const DOMAIN_COLUMNS = ['id', 'site_id', 'host', 'path_prefix', 'role', 'created_at'] as const;

const siteOrThrow = (trx: Tx, ctx: ServiceContext, siteId: string) => writableSite(trx, ctx, siteId);

/**
 * Give a site another host. A host belongs to exactly one site across all platforms (the routing
 * table is readable by every scope, so the check sees other platforms' hosts too). Sub-sites
 * mounted on the site follow it onto the new host under their prefixes.
 */
export async function addDomain(ctx: ServiceContext, siteId: string, input: AddDomainInput): Promise<SiteDomainRow> {
  const host = normaliseHost(input.host);
  if (!host) throw invalid('host', `"${input.host}" is not a valid host name`);
  if (input.adminHost && host === normaliseHost(input.adminHost)) throw withField(new HostReservedError(host), 'host');
  if (!ROLES.includes(input.role)) throw invalid('role', `must be one of ${ROLES.join(', ')}`);
  return inScope(ctx.db, ctx.scope, async (trx) => {
    const site = await siteOrThrow(trx, ctx, siteId);
    const taken = await trx.selectFrom('site_domain').select('site_id').where('host', '=', host).executeTakeFirst();
    if (taken) throw withField(new HostTakenError(host), 'host');
    if (input.role === 'primary') {
      await trx.updateTable('site_domain').set({ role: 'alias' }).where('site_id', '=', siteId).where('role', '=', 'primary').execute();
    }
    const row = await trx.insertInto('site_domain').values({ id: newId(), site_id: siteId, host, path_prefix: '/', role: input.role })
      .returning(DOMAIN_COLUMNS).executeTakeFirstOrThrow();
    const mounts = await trx.selectFrom('site').innerJoin('site_domain as d', 'd.site_id', 'site.id')
      .select(['site.id', 'd.path_prefix']).distinct()
      .where('site.parent_site_id', '=', siteId).where('d.path_prefix', '!=', '/').execute();
    for (const m of mounts) {
      await trx.insertInto('site_domain').values({ id: newId(), site_id: m.id, host, path_prefix: m.path_prefix, role: input.role === 'legacy' ? 'legacy' : 'alias' }).execute();
    }
    await writeAudit(trx, ctx.clock, ctx.actor, {
      platformId: site.platform_id, siteId, action: 'site.domain.add', objectType: 'site_domain', objectId: row.id, after: { host, role: input.role },
    });
    return row;
  });
}

/** Remove a host from a site (and the sub-site mounts on it). A site keeps at least its primary. */
export async function removeDomain(ctx: ServiceContext, siteId: string, domainId: string): Promise<void> {
  await inScope(ctx.db, ctx.scope, async (trx) => {
    const site = await siteOrThrow(trx, ctx, siteId);
    const row = await trx.selectFrom('site_domain').select(DOMAIN_COLUMNS).where('site_id', '=', siteId).where('id', '=', domainId).executeTakeFirst();
    if (!row) throw new DomainNotFoundError(domainId, siteId);
    if (row.role === 'primary') throw invalid('domainId', 'the primary host cannot be removed: make another host primary first');
    await trx.deleteFrom('site_domain').where('host', '=', row.host).where('path_prefix', '!=', '/')
      .where('site_id', 'in', (eb) => eb.selectFrom('site').select('id').where('parent_site_id', '=', siteId)).execute();
    await trx.deleteFrom('site_domain').where('id', '=', domainId).execute();
    await writeAudit(trx, ctx.clock, ctx.actor, {
      platformId: site.platform_id, siteId, action: 'site.domain.remove', objectType: 'site_domain', objectId: domainId, before: { host: row.host, role: row.role },
    });
  });
}

/** Make one of a site's hosts its primary; the former primary becomes an alias (301 to the new one). */
export async function setPrimaryDomain(ctx: ServiceContext, siteId: string, domainId: string): Promise<SiteDomainRow> {
  return inScope(ctx.db, ctx.scope, async (trx) => {
    const site = await siteOrThrow(trx, ctx, siteId);
    const row = await trx.selectFrom('site_domain').select(DOMAIN_COLUMNS).where('site_id', '=', siteId).where('id', '=', domainId).executeTakeFirst();
    if (!row) throw new DomainNotFoundError(domainId, siteId);
    const old = await trx.updateTable('site_domain').set({ role: 'alias' }).where('site_id', '=', siteId).where('role', '=', 'primary')
      .where('id', '!=', domainId).returning('host').execute();
    const updated = await trx.updateTable('site_domain').set({ role: 'primary' }).where('id', '=', domainId).returning(DOMAIN_COLUMNS).executeTakeFirstOrThrow();
    await writeAudit(trx, ctx.clock, ctx.actor, {
      platformId: site.platform_id, siteId, action: 'site.domain.primary', objectType: 'site_domain', objectId: domainId,
      before: { primary: old.map((o) => o.host) }, after: { primary: row.host },
    });
    return updated;
  });
}
