/**
 * Legacy sites (旧网站): the settings Bouncer keeps per legacy site — its hosts, significant query
 * parameters, archive, global rule, pattern rules and allowed redirect targets — on the platform
 * site that takes it in. Site admins manage them (site.manage); every change is audited.
 */
import { invalid } from '@zhanqun/core/errors';
import { newId } from '@zhanqun/core/id';
import { writeAudit } from '@zhanqun/audit/audit.writer';
import type { ServiceContext } from '@zhanqun/audit/context';
import type { LegacyRule, LegacySiteRow, LegacySiteState } from '@zhanqun/db/database';
import { inScope, type Db } from '@zhanqun/db/scope';
import { writableSite } from '@zhanqun/tenancy/site-access';
import { isAllowedTarget, type LegacyConfig } from './legacy-rules.js';
import { LegacySiteExistsError, LegacySiteNotFoundError } from './legacy.errors.js';

export interface LegacySiteInput {
  code: string;
  name: string;
  hosts?: readonly string[];
  /** Significant query parameters, lower case (a capital letter would never match: keys are lowercased first). */
  queryParams?: readonly string[];
  archivePrefix?: string | null;
  homepageTitle?: string | null;
  globalType?: 'redirect' | 'gone' | null;
  globalTarget?: string | null;
  globalAppendPath?: boolean;
  rules?: readonly LegacyRule[];
  allowedTargetHosts?: readonly string[];
  /** Host suffixes redirects may go to, each starting with a dot; default `.gov.cn`. */
  allowedTargetSuffixes?: readonly string[];
  state?: LegacySiteState;
  /** The move's deadline, `yyyy-MM-dd`. */
  deadline?: string | null;
}

const HOST_RE = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;
const STATES: readonly LegacySiteState[] = ['planned', 'crawling', 'imported', 'parallel_run', 'cut_over', 'decommissioned'];

/** Check a legacy site's settings; every error names its field. */
export function validateLegacySite(input: LegacySiteInput): void {
  if (!/^[a-z0-9][a-z0-9_-]{0,62}$/.test(input.code)) throw invalid('code', 'must be 1 to 63 lower-case letters, digits, - or _');
  if (!input.name.trim() || input.name.length > 200) throw invalid('name', 'must be 1 to 200 characters');
  (input.hosts ?? []).forEach((h, i) => { if (!HOST_RE.test(h)) throw invalid(`hosts[${i}]`, `"${h}" is not a lower-case host name`); });
  (input.queryParams ?? []).forEach((p, i) => {
    if (!p || p !== p.toLowerCase() || /[&;=#\s:]/.test(p)) throw invalid(`queryParams[${i}]`, `"${p}" must be a lower-case parameter name`);
  });
  if (input.archivePrefix != null && !/^https?:\/\/[^\s]+$/.test(input.archivePrefix)) throw invalid('archivePrefix', 'must be an http(s) address');
  (input.allowedTargetSuffixes ?? []).forEach((s, i) => { if (!/^\.[a-z0-9.-]+$/.test(s)) throw invalid(`allowedTargetSuffixes[${i}]`, 'must start with a dot, e.g. .gov.cn'); });
  (input.allowedTargetHosts ?? []).forEach((h, i) => { if (!HOST_RE.test(h)) throw invalid(`allowedTargetHosts[${i}]`, `"${h}" is not a lower-case host name`); });
  if (input.globalType != null && input.globalType !== 'redirect' && input.globalType !== 'gone') throw invalid('globalType', 'must be redirect or gone');
  if (input.globalType === 'redirect') {
    if (!input.globalTarget) throw invalid('globalTarget', 'is required for a global redirect');
    if (!isAllowedTarget(input.globalTarget, configOf(input))) throw invalid('globalTarget', `${input.globalTarget} is not on an allowed host`);
  }
  (input.rules ?? []).forEach((r, i) => {
    if (r.stage !== 'before' && r.stage !== 'after') throw invalid(`rules[${i}].stage`, 'must be before or after');
    // Rules run on public requests: a pattern that could backtrack without end (a repeated group that
    // itself repeats) would let one site's setting stall the platform, so such patterns are refused.
    if (typeof r.pattern !== 'string' || r.pattern.length > 300) throw invalid(`rules[${i}].pattern`, 'must be a regular expression of at most 300 characters');
    if (/\((?:[^()\\]|\\.)*(?:[+*]|\{\d*,\d*\})(?:[^()\\]|\\.)*\)\s*(?:[+*]|\{\d*,)/.test(r.pattern)) throw invalid(`rules[${i}].pattern`, 'must not repeat a group that itself repeats (catastrophic backtracking)');
    try { new RegExp(r.pattern, 'i'); } catch { throw invalid(`rules[${i}].pattern`, 'is not a regular expression'); }
    if (r.status !== 301 && r.status !== 410) throw invalid(`rules[${i}].status`, 'must be 301 or 410');
    if (r.status === 301 && !r.target) throw invalid(`rules[${i}].target`, 'is required for a 301 rule');
    // Checked without its groups; the answer checks the final address again (a group could reach the host).
    if (r.target && !isAllowedTarget(r.target.replace(/\$\d/g, ''), configOf(input))) throw invalid(`rules[${i}].target`, `${r.target} is not on an allowed host`);
  });
  if (input.state != null && !STATES.includes(input.state)) throw invalid('state', `must be one of ${STATES.join(', ')}`);
  if (input.deadline != null && !/^\d{4}-\d{2}-\d{2}$/.test(input.deadline)) throw invalid('deadline', 'must be a date as yyyy-MM-dd');
}

function configOf(input: LegacySiteInput): LegacyConfig {
  return {
    queryParams: input.queryParams ?? [], archivePrefix: input.archivePrefix ?? null, globalType: input.globalType ?? null,
    globalTarget: input.globalTarget ?? null, globalAppendPath: input.globalAppendPath ?? false, rules: input.rules ?? [],
    allowedTargetHosts: input.allowedTargetHosts ?? [], allowedTargetSuffixes: input.allowedTargetSuffixes ?? ['.gov.cn'],
  };
}

/** The engine's view of a stored legacy site. */
export function legacyConfig(row: LegacySiteRow): LegacyConfig {
  return {
    queryParams: row.query_params, archivePrefix: row.archive_prefix, globalType: row.global_type, globalTarget: row.global_target,
    globalAppendPath: row.global_append_path, rules: row.rules, allowedTargetHosts: row.allowed_target_hosts,
    allowedTargetSuffixes: row.allowed_target_suffixes,
  };
}

const COLUMNS = ['id', 'site_id', 'code', 'name', 'hosts', 'query_params', 'archive_prefix', 'homepage_title', 'global_type', 'global_target',
  'global_append_path', 'rules', 'allowed_target_hosts', 'allowed_target_suffixes', 'state', 'deadline', 'created_at'] as const;

export async function findLegacySites(db: Db, siteId: string): Promise<LegacySiteRow[]> {
  return db.selectFrom('legacy_site').select(COLUMNS).where('site_id', '=', siteId).orderBy('created_at').orderBy('id').execute();
}

export async function findLegacySiteByCode(db: Db, siteId: string, code: string): Promise<LegacySiteRow | undefined> {
  return db.selectFrom('legacy_site').select(COLUMNS).where('site_id', '=', siteId).where('code', '=', code).executeTakeFirst();
}

function values(input: LegacySiteInput) {
  return {
    code: input.code, name: input.name.trim(), hosts: [...(input.hosts ?? [])], query_params: [...(input.queryParams ?? [])],
    archive_prefix: input.archivePrefix ?? null, homepage_title: input.homepageTitle ?? null, global_type: input.globalType ?? null,
    global_target: input.globalTarget ?? null, global_append_path: input.globalAppendPath ?? false, rules: JSON.stringify(input.rules ?? []),
    allowed_target_hosts: [...(input.allowedTargetHosts ?? [])], allowed_target_suffixes: [...(input.allowedTargetSuffixes ?? ['.gov.cn'])],
    state: input.state ?? 'planned', deadline: input.deadline ?? null,
  };
}

/** Register a legacy site on a platform site (site.manage). */
export async function createLegacySite(ctx: ServiceContext, siteId: string, input: LegacySiteInput): Promise<LegacySiteRow> {
  validateLegacySite(input);
  return inScope(ctx.db, ctx.scope, async (trx) => {
    const site = await writableSite(trx, ctx, siteId);
    if (await findLegacySiteByCode(trx, siteId, input.code)) throw new LegacySiteExistsError(input.code, site.code);
    const row = await trx.insertInto('legacy_site').values({ id: newId(), site_id: siteId, created_at: ctx.clock.now(), ...values(input) })
      .returning(COLUMNS).executeTakeFirstOrThrow();
    await writeAudit(trx, ctx.clock, ctx.actor, {
      platformId: site.platform_id, siteId, action: 'legacy_site.create', objectType: 'legacy_site', objectId: row.id, after: { ...input },
    });
    return row;
  });
}

/** Change a legacy site's settings (the whole set, as validated). */
export async function updateLegacySite(ctx: ServiceContext, siteId: string, code: string, input: LegacySiteInput): Promise<LegacySiteRow> {
  validateLegacySite(input);
  return inScope(ctx.db, ctx.scope, async (trx) => {
    const site = await writableSite(trx, ctx, siteId);
    const before = await findLegacySiteByCode(trx, siteId, code);
    if (!before) throw new LegacySiteNotFoundError(code, site.code);
    const row = await trx.updateTable('legacy_site').set(values(input)).where('site_id', '=', siteId).where('id', '=', before.id)
      .returning(COLUMNS).executeTakeFirstOrThrow();
    await writeAudit(trx, ctx.clock, ctx.actor, {
      platformId: site.platform_id, siteId, action: 'legacy_site.update', objectType: 'legacy_site', objectId: row.id,
      before: { ...before, created_at: undefined }, after: { ...input },
    });
    return row;
  });
}
