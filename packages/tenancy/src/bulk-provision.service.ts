import { sql } from 'kysely';
import { newId } from '@zhanqun/core/id';
import { writeAuditBatch } from '@zhanqun/audit/audit.writer';
import type { ServiceContext } from '@zhanqun/audit/context';
import type { SiteRow } from '@zhanqun/db/database';
import { inScope, type Tx } from '@zhanqun/db/scope';
import { chunks, parseImportCsv, sortErrors, type CsvRecord, type ImportError, type ImportMode, type ImportResult } from './csv-import.js';
import { normaliseHost } from './host.js';
import {
  planSites, SITE_CSV_COLUMNS, SITE_CSV_REQUIRED, splitHosts,
  type ExistingFacts, type PlannedSite, type PlanOptions, type Route,
} from './bulk-provision.plan.js';
import { SITE_COLUMNS } from './site.repository.js';
import { buildTemplateRows, liveColumnPaths } from './standard-template.js';
import { HostTakenError, PlatformAdminRequiredError } from './tenancy.errors.js';

export { SITE_CSV_COLUMNS } from './bulk-provision.plan.js';

export interface ProvisionOptions extends PlanOptions {
  mode: ImportMode;
}

export interface ProvisionResult extends ImportResult {
  /** The sites created, in file order. */
  sites: { line: number; id: string; code: string }[];
}

// Rows per multi-row INSERT, each under Postgres' 65,535 bound parameters.
const SITES_PER_INSERT = 1_000; // 16 parameters a row
const DOMAINS_PER_INSERT = 5_000; // 5
const COLUMNS_PER_INSERT = 2_000; // 18
const PATHS_PER_INSERT = 5_000; // 8
const LOOKUPS_PER_QUERY = 10_000;

/** Thrown inside the transaction to roll an all-or-nothing import back after a late refusal. */
class Refused extends Error {
  constructor(readonly errors: ImportError[]) { super('import refused'); }
}

/**
 * Provision many sites from a CSV file (columns: SITE_CSV_COLUMNS) in one transaction under
 * `ctx.scope`: every row is checked first, in memory, with the console's rules; the good rows go
 * in as multi-row inserts with their domains, the standard column template where asked, and
 * one `site.create` audit entry each. `all_or_nothing` imports nothing when any row is bad.
 */
export async function provisionSites(ctx: ServiceContext, csvText: string, opts: ProvisionOptions): Promise<ProvisionResult> {
  const parsed = parseImportCsv(csvText, SITE_CSV_COLUMNS, SITE_CSV_REQUIRED);
  if (parsed.fatal) return { imported: 0, errors: parsed.errors, sites: [] };
  return provisionRecords(ctx, parsed.records, opts, parsed.errors);
}

/** provisionSites for rows already read (the CLI's `site create` is a file of one row). */
export async function provisionRecords(
  ctx: ServiceContext, records: readonly CsvRecord[], opts: ProvisionOptions, fileErrors: ImportError[] = [],
): Promise<ProvisionResult> {
  if (ctx.scope.kind !== 'platform') throw new PlatformAdminRequiredError();
  const writable = ctx.scope.platformIds;
  try {
    return await inScope(ctx.db, ctx.scope, async (trx) => {
      const facts = await loadFacts(trx, records, writable, opts);
      const { sites, errors } = planSites(records, facts, opts);
      errors.push(...fileErrors);
      // Even a refused all-or-nothing file tries its good sites, so that codes taken on platforms
      // this scope cannot see are reported too; the rollback then takes them out again.
      const created = await insertSites(trx, sites, errors);
      if (opts.mode === 'all_or_nothing' && errors.length) throw new Refused(errors);
      await insertDependents(trx, created);
      await writeAuditBatch(trx, ctx.clock, ctx.actor, created.map(({ plan, row }) => ({
        platformId: row.platform_id, siteId: row.id, action: 'site.create', objectType: 'site', objectId: row.id,
        after: { ...row, routes: plan.routes, template: plan.template ? 'standard' : null },
      })));
      const out = created.map(({ plan, row }) => ({ line: plan.line, id: row.id, code: row.code })).sort((a, b) => a.line - b.line);
      return { imported: created.length, errors: sortErrors(errors), sites: out };
    });
  } catch (err) {
    if (err instanceof Refused) return { imported: 0, errors: sortErrors(err.errors), sites: [] };
    throw err;
  }
}

/** Everything planSites needs from the database, in a handful of queries. */
async function loadFacts(trx: Tx, records: readonly CsvRecord[], writable: readonly string[], opts: PlanOptions): Promise<ExistingFacts> {
  const lower = (s: string | undefined) => (s ?? '').trim().toLowerCase();
  const codes = [...new Set(records.flatMap((r) => [lower(r.values.code), lower(r.values.parent_site)]).filter(Boolean))];
  const siteIdCodes = [...new Set(records.map((r) => r.values.site_id_code ?? '').filter(Boolean))];
  const segments = [...new Set(records.map((r) => lower(r.values.path_prefix).replace(/^\/+|\/+$/g, '')).filter(Boolean))];

  const units = writable.length
    ? await trx.selectFrom('org_unit').select(['id', 'platform_id', 'parent_id', 'level', 'name', 'division_code', 'valid_to'])
      .where('platform_id', 'in', writable).execute()
    : [];
  const known = new Set(units.map((u) => u.id));
  const outside = [...new Set(units.map((u) => u.parent_id).filter((id): id is string => id !== null && !known.has(id)))];
  if (outside.length) {
    units.push(...await trx.selectFrom('org_unit').select(['id', 'platform_id', 'parent_id', 'level', 'name', 'division_code', 'valid_to'])
      .where('id', 'in', outside).execute());
  }

  const sitesByCode = new Map<string, { id: string }>();
  for (const part of chunks(codes, LOOKUPS_PER_QUERY)) {
    const rows = await trx.selectFrom('site').select(['id', 'code']).where('code', 'in', part).where('deleted_at', 'is', null).execute();
    for (const r of rows) sitesByCode.set(r.code, { id: r.id });
  }
  const takenSiteIdCodes = new Set<string>();
  for (const part of chunks(siteIdCodes, LOOKUPS_PER_QUERY)) {
    const rows = await trx.selectFrom('site').select('site_id_code').where('site_id_code', 'in', part).where('deleted_at', 'is', null).execute();
    for (const r of rows) if (r.site_id_code) takenSiteIdCodes.add(r.site_id_code);
  }

  const fileCodes = new Set(records.map((r) => lower(r.values.code)));
  const dbParentIds = [...new Set(records.map((r) => lower(r.values.parent_site)).filter((c) => c && !fileCodes.has(c)))]
    .flatMap((c) => sitesByCode.get(c)?.id ?? []);
  const parentRoutes = new Map<string, Route[]>();
  const parentSegments = new Map<string, Set<string>>();
  if (dbParentIds.length) {
    const domains = await trx.selectFrom('site_domain').select(['site_id', 'host', 'path_prefix', 'role'])
      .where('site_id', 'in', dbParentIds).orderBy('created_at').execute();
    for (const d of domains) parentRoutes.set(d.site_id, [...(parentRoutes.get(d.site_id) ?? []), d]);
    if (segments.length) {
      const used = await trx.selectFrom('url_path').select(['site_id', sql<string>`split_part(path, '/', 2)`.as('segment')]).distinct()
        .where('site_id', 'in', dbParentIds).where(sql<string>`split_part(path, '/', 2)`, 'in', segments).execute();
      for (const u of used) parentSegments.set(u.site_id, (parentSegments.get(u.site_id) ?? new Set()).add(u.segment));
    }
  }

  // Hosts are global: site_domain is readable by every scope, so this sees every platform's.
  const hosts = new Set<string>();
  for (const r of records) {
    const own = splitHosts(r.values.hosts ?? '');
    for (const h of own.length ? own : [`${lower(r.values.code)}.${opts.devDomain ?? 'localhost'}`]) {
      const host = normaliseHost(h);
      if (host) hosts.add(host);
    }
  }
  for (const routes of parentRoutes.values()) for (const r of routes) hosts.add(r.host);
  const takenRoutes = new Set<string>();
  for (const part of chunks([...hosts], LOOKUPS_PER_QUERY)) {
    const rows = await trx.selectFrom('site_domain').select(['host', 'path_prefix']).where('host', 'in', part).execute();
    for (const r of rows) takenRoutes.add(`${r.host} ${r.path_prefix}`);
  }
  return { units, writablePlatformIds: new Set(writable), sitesByCode, takenSiteIdCodes, takenRoutes, parentRoutes, parentSegments };
}

interface Created { plan: PlannedSite; row: SiteRow }

/**
 * Insert the sites level by level (parents before their sub-sites). A code or site
 * identification code taken on a platform this scope cannot see only shows as a unique
 * violation: ON CONFLICT DO NOTHING skips those rows, and each skipped row is then probed
 * under a savepoint to name the field.
 */
async function insertSites(trx: Tx, sites: readonly PlannedSite[], errors: ImportError[]): Promise<Created[]> {
  const created: Created[] = [];
  const missing = new Set<string>();
  const depths = [...new Set(sites.map((s) => s.depth))].sort((a, b) => a - b);
  for (const depth of depths) {
    const level = sites.filter((s) => s.depth === depth).filter((s) => {
      if (!s.row.parent_site_id || !missing.has(s.row.parent_site_id)) return true;
      errors.push({ line: s.line, field: 'parent_site', message: `parent site ${s.parentCode} is not imported` });
      missing.add(s.row.id);
      return false;
    });
    for (const part of chunks(level, SITES_PER_INSERT)) {
      const rows = await trx.insertInto('site').values(part.map((s) => s.row)).onConflict((oc) => oc.doNothing())
        .returning(SITE_COLUMNS).execute();
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const plan of part) {
        const row = byId.get(plan.row.id);
        if (row) {
          created.push({ plan, row });
          continue;
        }
        missing.add(plan.row.id);
        errors.push(await explainClash(trx, plan));
      }
    }
  }
  return created;
}

async function explainClash(trx: Tx, plan: PlannedSite): Promise<ImportError> {
  await sql`savepoint zq_site_probe`.execute(trx);
  let constraint: string | undefined;
  try {
    await trx.insertInto('site').values(plan.row).execute();
  } catch (err) {
    constraint = (err as { constraint?: string }).constraint;
  }
  await sql`rollback to savepoint zq_site_probe`.execute(trx);
  if (constraint === 'site_site_id_code_uq') return { line: plan.line, field: 'site_id_code', message: 'already belongs to another site' };
  return { line: plan.line, field: 'code', message: `Site code ${plan.row.code} is already taken` };
}

/** Domains, template columns and their public paths of the created sites. */
async function insertDependents(trx: Tx, created: readonly Created[]): Promise<void> {
  const domains = created.flatMap(({ row, plan }) => plan.routes.map((r) => ({ id: newId(), site_id: row.id, ...r })));
  try {
    for (const part of chunks(domains, DOMAINS_PER_INSERT)) await trx.insertInto('site_domain').values(part).execute();
  } catch (err) {
    // Only a host taken by another transaction since the check gets here; the import rolls back.
    const pg = err as { code?: string; constraint?: string; detail?: string };
    if (pg.code === '23505' && pg.constraint === 'site_domain_host_path_prefix_uq') throw new HostTakenError(/\(host, path_prefix\)=\(([^,]+)/.exec(pg.detail ?? '')?.[1] ?? '?');
    throw err;
  }
  // Rows of one site stay in tree order, so a column's parent is in the same or an earlier INSERT.
  const columns = created.filter((c) => c.plan.template).flatMap(({ row }) => buildTemplateRows(row.id, new Map()));
  for (const part of chunks(columns, COLUMNS_PER_INSERT)) await trx.insertInto('site_column').values(part).execute();
  for (const part of chunks(liveColumnPaths(columns), PATHS_PER_INSERT)) {
    await trx.insertInto('url_path').values(part).execute();
  }
}
