import { isCodedError } from '@zhanqun/core/errors';
import { newId } from '@zhanqun/core/id';
import type { DomainRole, NewSiteRow, OrgUnitRow, SiteKind, SiteStatus } from '@zhanqun/db/database';
import type { CsvRecord, ImportError } from './csv-import.js';
import { checkSiteKind, validateSiteFields, type ValidSiteFields } from './site.service.js';
import { STANDARD_TEMPLATE } from './standard-template.js';

/** The columns of a site import file; the first four are required. */
export const SITE_CSV_COLUMNS = [
  'code', 'name', 'kind', 'org_unit', 'parent_site', 'path_prefix', 'site_id_code', 'hosts',
  'icp_number', 'psb_number', 'sponsor', 'contact', 'template', 'status',
] as const;
export const SITE_CSV_REQUIRED = ['code', 'name', 'kind', 'org_unit'] as const;

export interface Route { host: string; path_prefix: string; role: DomainRole }

export type UnitFacts = Pick<OrgUnitRow, 'id' | 'platform_id' | 'parent_id' | 'level' | 'name' | 'division_code' | 'valid_to'>;

/** What the database already holds, read once in the import's transaction before planning. */
export interface ExistingFacts {
  /** Units of the platforms the scope may write, and their parents. */
  units: UnitFacts[];
  writablePlatformIds: ReadonlySet<string>;
  /** Visible sites whose codes the file names (as its own codes or as parents). */
  sitesByCode: ReadonlyMap<string, { id: string }>;
  /** Site identification codes of the file already used by visible sites. */
  takenSiteIdCodes: ReadonlySet<string>;
  /** `host path_prefix` pairs already routed, on any platform. */
  takenRoutes: ReadonlySet<string>;
  /** The `/` routes of parent sites already in the database. */
  parentRoutes: ReadonlyMap<string, Route[]>;
  /** First path segments in use on those parent sites (columns, redirects, legacy paths). */
  parentSegments: ReadonlyMap<string, ReadonlySet<string>>;
}

/** A row that passed every check: its site row, routes and place in the insert order. */
export interface PlannedSite {
  line: number;
  row: NewSiteRow & { id: string; platform_id: string };
  routes: Route[];
  template: boolean;
  /** Sub-sites of sub-sites in the file come after their parents. */
  depth: number;
  parentCode: string | null;
}

export interface PlanOptions { devDomain?: string | undefined; adminHost?: string | undefined }

interface Draft {
  line: number;
  values: Record<string, string>;
  fields: ValidSiteFields | null;
  unit: UnitFacts | null;
  routes: Route[];
  fileParent: Draft | null;
}

const FIELD_NAMES: Record<string, string> = { siteIdCode: 'site_id_code', pathPrefix: 'path_prefix', parentSiteId: 'parent_site', orgUnitId: 'org_unit' };
const TEMPLATE_TOP_SEGMENTS = new Set(STANDARD_TEMPLATE.map((c) => c.slug));
const DIVISION_CODE = /^\d{6}(\d{3})?$/;
const SITE_KINDS: readonly string[] = ['portal', 'department', 'sub_site'];
const routeKey = (r: Pick<Route, 'host' | 'path_prefix'>) => `${r.host} ${r.path_prefix}`;
const nullIfEmpty = (s: string | undefined) => (s ? s : null);

/** The field a thrown validation error is about, as the CSV column it came from. */
function asImportError(line: number, err: unknown, fallbackField: string): ImportError {
  if (!isCodedError(err)) throw err;
  const field = err.field ? (FIELD_NAMES[err.field] ?? err.field.replace(/\[\d+\]$/, '')) : fallbackField;
  // A validation error's message repeats its field ("code: must be …"); the field travels apart.
  const message = err.code === 'ZQ_VALIDATION' && err.field ? err.message.replace(`${err.field}: `, '') : err.message;
  return { line, field, message };
}

/** Split a hosts cell: space- or `;`-separated, primary first. */
export function splitHosts(cell: string): string[] {
  return cell.split(/[\s;]+/).filter(Boolean);
}

/** Find the unit a row names: by division code (行政区划代码) or by its exact name. */
function resolveUnit(ref: string, facts: ExistingFacts): UnitFacts | string {
  if (!ref) return 'must name the org unit: its division code or its exact name';
  const writable = facts.units.filter((u) => facts.writablePlatformIds.has(u.platform_id));
  let found = writable.filter((u) => (DIVISION_CODE.test(ref) ? u.division_code === ref : u.name === ref));
  if (found.length > 1) found = found.filter((u) => u.valid_to === null);
  if (found.length === 0) return `org unit ${ref} not found on this platform`;
  if (found.length > 1) return `${ref} names ${found.length} org units; use a division code or a unique name`;
  return found[0]!;
}

/**
 * Check every row against the console's rules (validateSiteFields, checkSiteKind) and against
 * the file and the database: duplicate codes, hosts and site identification codes, unknown org
 * units and parent sites, sub-site prefixes already used on the parent. Pure: all database
 * facts come in `facts`. Returns the good rows in insert order and every error.
 */
export function planSites(records: readonly CsvRecord[], facts: ExistingFacts, opts: PlanOptions): { sites: PlannedSite[]; errors: ImportError[] } {
  const errors: ImportError[] = [];
  const bad = new Set<number>();
  const fail = (line: number, field: string, message: string) => { errors.push({ line, field, message }); bad.add(line); };
  const unitsById = new Map(facts.units.map((u) => [u.id, u]));
  const codes = new Map<string, Draft>();
  const siteIdCodes = new Map<string, number>();
  const claimed = new Map<string, number>();

  // Pass 1: each row on its own, and its code, site identification code and own hosts.
  const drafts: Draft[] = records.map(({ line, values }) => {
    const draft: Draft = { line, values, fields: null, unit: null, routes: [], fileParent: null };
    const kind = values.kind!.toLowerCase() as SiteKind;
    const hosts = splitHosts(values.hosts ?? '');
    try {
      draft.fields = validateSiteFields({
        platformId: '', orgUnitId: '', kind, code: values.code!, name: values.name!, pathPrefix: values.path_prefix,
        siteIdCode: nullIfEmpty(values.site_id_code), hosts, devDomain: opts.devDomain, adminHost: opts.adminHost,
      });
    } catch (err) {
      const e = asImportError(line, err, 'hosts');
      fail(line, e.field, e.message);
    }
    const status = values.status?.toLowerCase() ?? '';
    if (status && status !== 'live' && status !== 'provisioning') fail(line, 'status', 'must be provisioning (the default) or live');
    const template = values.template?.toLowerCase() ?? '';
    if (template && template !== 'standard') fail(line, 'template', 'must be standard or empty');
    if (kind === 'sub_site' && !values.parent_site) fail(line, 'parent_site', 'a sub-site needs its parent site');
    if (kind !== 'sub_site' && values.parent_site) fail(line, 'parent_site', 'only a sub-site (kind sub_site) has a parent site');
    if (kind !== 'sub_site' && values.path_prefix) fail(line, 'path_prefix', 'only a sub-site (kind sub_site) has a path prefix');

    const unit = resolveUnit(values.org_unit!, facts);
    if (typeof unit === 'string') fail(line, 'org_unit', unit);
    else {
      draft.unit = unit;
      try {
        // An unknown kind is reported by validateSiteFields already.
        if (SITE_KINDS.includes(kind)) checkSiteKind(kind, unit, unit.parent_id ? unitsById.get(unit.parent_id) : undefined);
      } catch (err) {
        const e = asImportError(line, err, 'kind');
        fail(line, e.field, e.message);
      }
    }

    const f = draft.fields;
    if (!f) return draft;
    const earlier = codes.get(f.code);
    if (earlier) fail(line, 'code', `${f.code} is also on line ${earlier.line}`);
    else {
      codes.set(f.code, draft);
      if (facts.sitesByCode.has(f.code)) fail(line, 'code', `Site code ${f.code} is already taken`);
    }
    const siteIdCode = nullIfEmpty(values.site_id_code);
    if (siteIdCode) {
      const first = siteIdCodes.get(siteIdCode);
      if (first) fail(line, 'site_id_code', `${siteIdCode} is also on line ${first}`);
      else if (facts.takenSiteIdCodes.has(siteIdCode)) fail(line, 'site_id_code', 'already belongs to another site');
      siteIdCodes.set(siteIdCode, first ?? line);
    }
    // A sub-site's canonical home is its mount under the parent's hosts unless it has hosts of
    // its own; its dev host then only redirects there (as createSite does).
    const ownPrimary = kind !== 'sub_site' || hosts.length > 0;
    draft.routes = f.hosts.map((host, i) => ({ host, path_prefix: '/', role: i === 0 && ownPrimary ? 'primary' : 'alias' }));
    for (const route of draft.routes) claim(line, route, 'hosts', route.host);
    return draft;
  });

  function claim(line: number, route: Route, field: string, label: string): void {
    const key = routeKey(route);
    const first = claimed.get(key);
    if (first !== undefined) fail(line, field, `${label} is also used on line ${first}`);
    else if (facts.takenRoutes.has(key)) fail(line, field, `Host ${label} already belongs to a site`);
    else claimed.set(key, line);
  }

  // Pass 2: sub-sites find their parents (in the file or the database) and mount on their hosts.
  for (const draft of drafts) {
    const { line, values, fields: f } = draft;
    if (!f || values.kind!.toLowerCase() !== 'sub_site' || !values.parent_site) continue;
    const parentCode = values.parent_site.toLowerCase();
    const inFile = codes.get(parentCode);
    let parentRoutes: Route[];
    let used: ReadonlySet<string>;
    if (inFile === draft) {
      fail(line, 'parent_site', 'a site cannot be its own parent');
      continue;
    } else if (inFile) {
      draft.fileParent = inFile;
      parentRoutes = inFile.routes;
      used = inFile.values.template?.toLowerCase() === 'standard' ? TEMPLATE_TOP_SEGMENTS : new Set();
    } else {
      const dbParent = facts.sitesByCode.get(parentCode);
      if (!dbParent) {
        fail(line, 'parent_site', `parent site ${parentCode} not found in the file or on the platform`);
        continue;
      }
      parentRoutes = facts.parentRoutes.get(dbParent.id) ?? [];
      used = facts.parentSegments.get(dbParent.id) ?? new Set();
    }
    if (used.has(f.prefix.slice(1, -1))) {
      fail(line, 'path_prefix', `${f.prefix} is already used by a column or path of the parent site`);
      continue;
    }
    const ownPrimary = splitHosts(values.hosts ?? '').length > 0;
    for (const d of parentRoutes.filter((r) => r.path_prefix === '/')) {
      const route: Route = { host: d.host, path_prefix: f.prefix, role: ownPrimary && d.role === 'primary' ? 'alias' : d.role };
      draft.routes.push(route);
      claim(line, route, 'path_prefix', `${d.host}${f.prefix}`);
    }
  }

  // A sub-site whose parent row is refused is refused too, and so on down.
  for (let changed = true; changed;) {
    changed = false;
    for (const d of drafts) {
      if (d.fileParent && bad.has(d.fileParent.line) && !bad.has(d.line)) {
        fail(d.line, 'parent_site', `parent site ${d.fileParent.fields!.code} (line ${d.fileParent.line}) is not imported`);
        changed = true;
      }
    }
  }

  const sites: PlannedSite[] = [];
  const depthOf = (d: Draft, seen: Set<Draft>): number => {
    if (!d.fileParent) return 0;
    if (seen.has(d)) return -1;
    seen.add(d);
    const up = depthOf(d.fileParent, seen);
    return up < 0 ? -1 : up + 1;
  };
  for (const d of drafts) {
    if (bad.has(d.line) || !d.fields || !d.unit) continue;
    const depth = depthOf(d, new Set());
    if (depth < 0) {
      fail(d.line, 'parent_site', 'sub-sites of the file name each other as parents');
      continue;
    }
    const { values, fields: f, unit } = d;
    sites.push({
      line: d.line,
      depth,
      parentCode: d.fileParent ? d.fileParent.fields!.code : nullIfEmpty(values.parent_site?.toLowerCase()),
      template: values.template?.toLowerCase() === 'standard',
      routes: d.routes,
      row: {
        id: newId(), platform_id: unit.platform_id, org_unit_id: unit.id, parent_site_id: null,
        kind: values.kind!.toLowerCase() as SiteKind, status: (values.status?.toLowerCase() || 'provisioning') as SiteStatus,
        code: f.code, name: f.name, site_id_code: nullIfEmpty(values.site_id_code), icp_number: nullIfEmpty(values.icp_number),
        psb_number: nullIfEmpty(values.psb_number), sponsor: nullIfEmpty(values.sponsor), contact: nullIfEmpty(values.contact),
        default_locale: 'zh-CN', theme: 'default', deleted_at: null,
      },
    });
  }
  // Parent ids are known once every planned row has one.
  const planned = new Map(sites.map((s) => [s.row.code, s]));
  for (const s of sites) {
    if (s.parentCode) s.row.parent_site_id = planned.get(s.parentCode)?.row.id ?? facts.sitesByCode.get(s.parentCode)!.id;
  }
  sites.sort((a, b) => a.depth - b.depth || a.line - b.line);
  return { sites, errors };
}
