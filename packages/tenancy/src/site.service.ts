import { invalid, withField } from '@zhanqun/core/errors';
import { newId } from '@zhanqun/core/id';
import { writeAudit } from '@zhanqun/audit/audit.writer';
import type { ServiceContext } from '@zhanqun/audit/context';
import type { DomainRole, OrgUnitRow, SiteKind, SiteRow, SiteStatus } from '@zhanqun/db/database';
import { inScope } from '@zhanqun/db/scope';
import { writableSite } from './site-access.js';
import { normaliseHost } from './host.js';
import { FOREIGN_LOCALES, isReservedSegment } from './reserved.js';
import { findOrgUnitById } from './org-unit.service.js';
import * as siteRepository from './site.repository.js';
import {
  HostReservedError, HostTakenError, IndependentSiteRefusedError, OrgUnitNotFoundError,
  PlatformAdminRequiredError, SiteCodeTakenError, SiteNotFoundError,
} from './tenancy.errors.js';

export interface CreateSiteInput {
  platformId: string;
  orgUnitId: string;
  kind: SiteKind;
  code: string;
  name: string;
  /** For a sub-site: the site it lives under, and its path prefix there (`/cgz/`). */
  parentSiteId?: string | null;
  pathPrefix?: string | null;
  siteIdCode?: string | null;
  icpNumber?: string | null;
  psbNumber?: string | null;
  sponsor?: string | null;
  contact?: string | null;
  /** Hosts, primary first. Default: `<code>.<devDomain>`. */
  hosts?: string[];
  devDomain?: string;
  /** Reserved for the console (ADMIN_HOST). */
  adminHost?: string;
}

const SITE_ID_CODE = /^(\d{10}|bm\d{8})$/;

interface PgError { code?: string; constraint?: string }

/** Site fields after validation: what both the one-by-one and the bulk paths insert. */
export interface ValidSiteFields {
  code: string;
  name: string;
  prefix: string;
  hosts: string[];
}

/** Validate the fields of a new site that need no database (same rules for console, API, CLI, bulk). */
export function validateSiteFields(input: CreateSiteInput): ValidSiteFields {
  const code = input.code.trim().toLowerCase();
  if (!/^[a-z][a-z0-9-]{1,39}$/.test(code)) throw invalid('code', 'must be 2–40 lower-case letters, digits or hyphens, starting with a letter');
  const name = input.name.trim();
  if (!name) throw invalid('name', 'must not be empty');
  if (input.kind === 'sub_site' && input.siteIdCode) throw invalid('siteIdCode', 'a sub-site shows its parent site identification code and has none of its own');
  if (input.siteIdCode && !SITE_ID_CODE.test(input.siteIdCode)) {
    throw invalid('siteIdCode', 'must be 10 characters: a 6-digit division code and 4 digits, or "bm" and 8 digits');
  }
  if (!['portal', 'department', 'sub_site'].includes(input.kind)) throw invalid('kind', 'must be portal, department or sub_site');
  const prefix = input.kind === 'sub_site' ? normalisePrefix(input.pathPrefix) : '/';
  const seen = new Set<string>();
  const hosts = (input.hosts?.length ? input.hosts : [`${code}.${input.devDomain ?? 'localhost'}`]).map((h, i) => {
    const host = normaliseHost(h);
    if (!host) throw invalid(`hosts[${i}]`, `"${h}" is not a valid host name`);
    if (input.adminHost && host === normaliseHost(input.adminHost)) throw withField(new HostReservedError(host), `hosts[${i}]`);
    if (seen.has(host)) throw invalid(`hosts[${i}]`, `${host} is listed twice`);
    seen.add(host);
    return host;
  });
  return { code, name, prefix, hosts };
}

/**
 * The intensive rule (集约化, seed §4.2): county departments and townships get no independent
 * site; portals belong to governments, department sites to departments.
 */
export function checkSiteKind(kind: SiteKind, unit: Pick<OrgUnitRow, 'level' | 'name'>, parentUnit: Pick<OrgUnitRow, 'level'> | undefined): void {
  const dependent = unit.level === 'township' || (unit.level === 'department' && parentUnit?.level === 'county');
  if (dependent && kind !== 'sub_site') throw withField(new IndependentSiteRefusedError(unit.name), 'kind');
  if (kind === 'portal' && !['province', 'city', 'county'].includes(unit.level)) {
    throw invalid('kind', 'a portal belongs to a province, city or county government');
  }
  if (kind === 'department' && unit.level !== 'department') throw invalid('kind', 'a department site belongs to a department');
}

/** Provision a site. Refuses independent sites for county departments and townships (集约化). */
export async function createSite(ctx: ServiceContext, input: CreateSiteInput): Promise<SiteRow> {
  if (ctx.scope.kind !== 'platform') throw new PlatformAdminRequiredError();
  const { code, name, prefix, hosts } = validateSiteFields(input);

  return inScope(ctx.db, ctx.scope, async (trx) => {
    const unit = await findOrgUnitById(trx, input.orgUnitId);
    if (!unit) throw new OrgUnitNotFoundError(input.orgUnitId);
    const parentUnit = unit.parent_id ? await findOrgUnitById(trx, unit.parent_id) : undefined;
    checkSiteKind(input.kind, unit, parentUnit);

    const parent = input.parentSiteId ? await writableSite(trx, ctx, input.parentSiteId) : undefined;
    if (input.kind === 'sub_site' && !parent) throw input.parentSiteId ? new SiteNotFoundError(input.parentSiteId) : invalid('parentSiteId', 'a sub-site needs its parent site');

    const id = newId();
    const row = await insertOrExplain(code, () => siteRepository.insert(trx, {
      id, platform_id: input.platformId, org_unit_id: unit.id, parent_site_id: parent?.id ?? null,
      kind: input.kind, status: 'provisioning', code, name,
      site_id_code: input.siteIdCode ?? null, icp_number: input.icpNumber ?? null, psb_number: input.psbNumber ?? null,
      sponsor: input.sponsor ?? null, contact: input.contact ?? null, default_locale: 'zh-CN', theme: 'default', deleted_at: null,
    }));
    // A sub-site's canonical home is its mount under the parent's hosts, unless it was given hosts
    // of its own; its dev host then only redirects there.
    const ownPrimary = input.kind !== 'sub_site' || Boolean(input.hosts?.length);
    const routes: { host: string; path_prefix: string; role: DomainRole }[] = hosts.map((host, i) => ({
      host, path_prefix: '/', role: i === 0 && ownPrimary ? 'primary' : 'alias',
    }));
    if (parent) {
      const taken = await trx.selectFrom('url_path').select('path').where('site_id', '=', parent.id)
        .where('path', 'like', `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`).executeTakeFirst();
      if (taken) throw invalid('pathPrefix', `${prefix} is already used by ${taken.path} on the parent site`);
      for (const d of await siteRepository.findDomains(trx, parent.id)) {
        if (d.path_prefix === '/') routes.push({ host: d.host, path_prefix: prefix, role: ownPrimary && d.role === 'primary' ? 'alias' : d.role });
      }
    }
    for (const route of routes) {
      const clash = await trx.selectFrom('site_domain').select('site_id').where('host', '=', route.host).where('path_prefix', '=', route.path_prefix).executeTakeFirst();
      if (clash && route.path_prefix !== '/') throw invalid('pathPrefix', `${route.path_prefix} is already the prefix of another sub-site on ${route.host}`);
      if (clash) throw withField(new HostTakenError(route.host), 'hosts');
      await trx.insertInto('site_domain').values({ id: newId(), site_id: id, ...route }).execute();
    }
    await writeAudit(trx, ctx.clock, ctx.actor, {
      platformId: input.platformId, siteId: id, action: 'site.create', objectType: 'site', objectId: id, after: { ...row, routes },
    });
    return row;
  });
}

export function normalisePrefix(prefix: string | null | undefined): string {
  const segment = (prefix ?? '').replace(/^\/+|\/+$/g, '');
  if (!/^[a-z0-9][a-z0-9_-]{0,39}$/.test(segment)) throw invalid('pathPrefix', 'must be one path segment of lower-case letters, digits, _ or -');
  if (isReservedSegment(segment)) throw invalid('pathPrefix', `/${segment}/ is reserved by the platform`);
  return `/${segment}/`;
}

/** Turn a unique violation into the error a user can act on (codes are unique across platforms). */
async function insertOrExplain<T>(code: string, insert: () => Promise<T>): Promise<T> {
  try {
    return await insert();
  } catch (err) {
    const pg = err as PgError;
    if (pg.code === '23505' && pg.constraint === 'site_code_uq') throw withField(new SiteCodeTakenError(code), 'code');
    if (pg.code === '23505' && pg.constraint === 'site_site_id_code_uq') throw invalid('siteIdCode', 'already belongs to another site');
    throw err;
  }
}

const STATUSES: readonly SiteStatus[] = ['provisioning', 'live', 'migrating', 'closed'];

/** Move a site through provisioning → live (→ closed). */
export async function setSiteStatus(ctx: ServiceContext, siteId: string, status: SiteStatus): Promise<SiteRow> {
  if (ctx.scope.kind !== 'platform') throw new PlatformAdminRequiredError();
  if (!STATUSES.includes(status)) throw invalid('status', `must be one of ${STATUSES.join(', ')}`);
  if (status === 'closed') return closeSite(ctx, siteId); // closing has its own rules
  return inScope(ctx.db, ctx.scope, async (trx) => {
    const before = await writableSite(trx, ctx, siteId);
    const after = await siteRepository.update(trx, siteId, { status, updated_at: ctx.clock.now() });
    await writeAudit(trx, ctx.clock, ctx.actor, {
      platformId: before.platform_id, siteId, action: 'site.status', objectType: 'site', objectId: siteId,
      before: { status: before.status }, after: { status },
    });
    return after;
  });
}

export interface UpdateSiteInput {
  name?: string;
  siteIdCode?: string | null;
  icpNumber?: string | null;
  psbNumber?: string | null;
  sponsor?: string | null;
  contact?: string | null;
  /** Foreign-language versions, e.g. ['en']. */
  locales?: string[];
}

const LOCALES = FOREIGN_LOCALES;

/** Change a site's details; the code and kind stay (they are in URLs and the org tree). */
export async function updateSite(ctx: ServiceContext, siteId: string, input: UpdateSiteInput): Promise<SiteRow> {
  const changes: Parameters<typeof siteRepository.update>[2] = {};
  if (input.name !== undefined) {
    if (!input.name.trim()) throw invalid('name', 'must not be empty');
    changes.name = input.name.trim();
  }
  if (input.siteIdCode !== undefined) {
    if (input.siteIdCode !== null && input.siteIdCode !== '' && !SITE_ID_CODE.test(input.siteIdCode)) {
      throw invalid('siteIdCode', 'must be 10 characters: a 6-digit division code and 4 digits, or "bm" and 8 digits');
    }
    changes.site_id_code = input.siteIdCode || null;
  }
  for (const [key, column] of [['icpNumber', 'icp_number'], ['psbNumber', 'psb_number'], ['sponsor', 'sponsor'], ['contact', 'contact']] as const) {
    if (input[key] !== undefined) changes[column] = input[key]?.trim() || null;
  }
  if (input.locales !== undefined) {
    const bad = input.locales.find((l) => !LOCALES.includes(l));
    if (bad) throw invalid('locales', `${bad} is not a supported foreign-language version (${LOCALES.join(', ')})`);
    changes.locales = [...new Set(input.locales)];
  }
  return inScope(ctx.db, ctx.scope, async (trx) => {
    const before = await writableSite(trx, ctx, siteId);
    if (before.kind === 'sub_site' && changes.site_id_code) throw invalid('siteIdCode', 'a sub-site shows its parent site identification code and has none of its own');
    const after = await insertOrExplain(before.code, () => siteRepository.update(trx, siteId, { ...changes, updated_at: ctx.clock.now() }));
    await writeAudit(trx, ctx.clock, ctx.actor, {
      platformId: before.platform_id, siteId, action: 'site.update', objectType: 'site', objectId: siteId,
      before: Object.fromEntries(Object.keys(changes).map((k) => [k, before[k as keyof SiteRow]])), after: changes,
    });
    return after;
  });
}

/** Close a site: it stops answering publicly; its rows, URLs and audit trail stay. */
export async function closeSite(ctx: ServiceContext, siteId: string): Promise<SiteRow> {
  if (ctx.scope.kind !== 'platform') throw new PlatformAdminRequiredError();
  return inScope(ctx.db, ctx.scope, async (trx) => {
    const before = await writableSite(trx, ctx, siteId);
    const openChildren = await trx.selectFrom('site').select('code').where('parent_site_id', '=', siteId).where('status', '!=', 'closed').execute();
    if (openChildren.length) throw invalid('siteId', `close its sub-sites first: ${openChildren.map((c) => c.code).join(', ')}`);
    const after = await siteRepository.update(trx, siteId, { status: 'closed', closed_at: ctx.clock.now(), updated_at: ctx.clock.now() });
    await writeAudit(trx, ctx.clock, ctx.actor, {
      platformId: before.platform_id, siteId, action: 'site.close', objectType: 'site', objectId: siteId,
      before: { status: before.status }, after: { status: 'closed' },
    });
    return after;
  });
}
