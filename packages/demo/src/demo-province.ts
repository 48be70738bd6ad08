/**
 * The demo province (演示省): fictional units, sites and articles, marked 演示, created through
 * the same services the console uses. Idempotent: every step looks for what it would create.
 */
import type { Kysely } from 'kysely';
import type { Clock } from '@zhanqun/core/clock';
import { fromZoned, zonedParts } from '@zhanqun/core/time';
import type { Actor } from '@zhanqun/audit/audit.writer';
import type { ServiceContext } from '@zhanqun/audit/context';
import type { Database, OrgUnitLevel, SiteKind, SiteRow } from '@zhanqun/db/database';
import { inScope } from '@zhanqun/db/scope';
import { createDraft, publishRevision } from '@zhanqun/content/article.service';
import { applyStandardTemplate } from '@zhanqun/tenancy/column.service';
import * as columnRepository from '@zhanqun/tenancy/column.repository';
import { createOrgUnit, findOrgUnitByName } from '@zhanqun/tenancy/org-unit.service';
import { createPlatform, findPlatformByCode } from '@zhanqun/tenancy/platform.service';
import { createSite, setSiteStatus } from '@zhanqun/tenancy/site.service';
import * as siteRepository from '@zhanqun/tenancy/site.repository';
import { NO_SITES } from '@zhanqun/identity/user.service';
import { setSiteTheme } from '@zhanqun/render/site-theme.service';
import { DEMO_ADMIN, DEMO_PASSWORD, demoAccountList, seedDemoAccounts, type DemoAccount } from './demo-accounts.js';
import { demoArticles, type DemoUnitLevel } from './demo-articles.js';

export const DEMO_PLATFORM_CODE = 'demo';
export { DEMO_ADMIN, DEMO_PASSWORD } from './demo-accounts.js';

interface UnitSpec {
  key: string;
  parent: string | null;
  level: OrgUnitLevel;
  name: string;
  shortName: string;
  divisionCode?: string;
}

interface SiteSpec {
  code: string;
  unit: string;
  kind: SiteKind;
  name: string;
  parentSite?: string;
  pathPrefix?: string;
  siteIdCode?: string;
  docPrefix: string;
  articles: number;
  textLevel: DemoUnitLevel;
  /** The theme pack (default: `default`) and the site's settings for it. */
  theme?: string;
  themeSettings?: Record<string, unknown>;
}

// Division codes under 99 and site codes 99…: no real province uses them.
const UNITS: UnitSpec[] = [
  { key: 'prov', parent: null, level: 'province', name: '演示省人民政府', shortName: '演示省', divisionCode: '990000' },
  { key: 'prov-jyt', parent: 'prov', level: 'department', name: '演示省教育厅', shortName: '省教育厅' },
  { key: 'prov-wjw', parent: 'prov', level: 'department', name: '演示省卫生健康委员会', shortName: '省卫生健康委' },
  { key: 'qingchuan', parent: 'prov', level: 'city', name: '青川市人民政府', shortName: '青川市', divisionCode: '990100' },
  { key: 'qingchuan-fgw', parent: 'qingchuan', level: 'department', name: '青川市发展和改革委员会', shortName: '市发展改革委' },
  { key: 'yunxi', parent: 'prov', level: 'city', name: '云溪市人民政府', shortName: '云溪市', divisionCode: '990200' },
  { key: 'anhe', parent: 'qingchuan', level: 'county', name: '安和县人民政府', shortName: '安和县', divisionCode: '990121' },
  { key: 'anhe-jyj', parent: 'anhe', level: 'department', name: '安和县教育局', shortName: '县教育局' },
  { key: 'anhe-cgz', parent: 'anhe', level: 'township', name: '安和县城关镇人民政府', shortName: '城关镇' },
  { key: 'shiqiao', parent: 'yunxi', level: 'county', name: '石桥县人民政府', shortName: '石桥县', divisionCode: '990221' },
  { key: 'shiqiao-tyx', parent: 'shiqiao', level: 'township', name: '石桥县桃源乡人民政府', shortName: '桃源乡' },
];

const SITES: SiteSpec[] = [
  { code: 'prov', unit: 'prov', kind: 'portal', name: '演示省人民政府（演示）', siteIdCode: '9900000001', docPrefix: '演府发', articles: 30, textLevel: 'province' },
  { code: 'prov-jyt', unit: 'prov-jyt', kind: 'department', name: '演示省教育厅（演示）', siteIdCode: '9900000002', docPrefix: '演教发', articles: 16, textLevel: 'department' },
  { code: 'prov-wjw', unit: 'prov-wjw', kind: 'department', name: '演示省卫生健康委员会（演示）', siteIdCode: '9900000003', docPrefix: '演卫发', articles: 16, textLevel: 'department', theme: 'county', themeSettings: { primary_color: '#0b6b5a', slogan: '健康演示 共建共享' } },
  { code: 'qingchuan', unit: 'qingchuan', kind: 'portal', name: '青川市人民政府（演示）', siteIdCode: '9901000001', docPrefix: '青府发', articles: 24, textLevel: 'city' },
  { code: 'qingchuan-fgw', unit: 'qingchuan-fgw', kind: 'department', name: '青川市发展和改革委员会（演示）', siteIdCode: '9901000002', docPrefix: '青发改字', articles: 14, textLevel: 'department', theme: 'county' },
  { code: 'yunxi', unit: 'yunxi', kind: 'portal', name: '云溪市人民政府（演示）', siteIdCode: '9902000001', docPrefix: '云府发', articles: 22, textLevel: 'city' },
  { code: 'anhe', unit: 'anhe', kind: 'portal', name: '安和县人民政府（演示）', siteIdCode: '9901210001', docPrefix: '安府字', articles: 20, textLevel: 'county', theme: 'county', themeSettings: { slogan: '山水安和 宜居宜业' } },
  { code: 'shiqiao', unit: 'shiqiao', kind: 'portal', name: '石桥县人民政府（演示）', siteIdCode: '9902210001', docPrefix: '石府字', articles: 20, textLevel: 'county' },
  // County departments and townships get sub-sites under their county's portal (集约化).
  { code: 'anhe-jyj', unit: 'anhe-jyj', kind: 'sub_site', name: '安和县教育局（演示）', parentSite: 'anhe', pathPrefix: 'jyj', docPrefix: '安教字', articles: 12, textLevel: 'department', theme: 'county' },
  { code: 'anhe-cgz', unit: 'anhe-cgz', kind: 'sub_site', name: '城关镇（演示）', parentSite: 'anhe', pathPrefix: 'cgz', docPrefix: '城政字', articles: 10, textLevel: 'township', theme: 'county', themeSettings: { primary_color: '#8a3b12' } },
  { code: 'shiqiao-tyx', unit: 'shiqiao-tyx', kind: 'sub_site', name: '桃源乡（演示）', parentSite: 'shiqiao', pathPrefix: 'tyx', docPrefix: '桃政字', articles: 10, textLevel: 'township' },
];

export interface SeedResult {
  created: boolean;
  platformId: string;
  sites: { code: string; name: string; host: string; prefix: string }[];
  /** The platform admin's sign-in, when the demo platform owns it. */
  admin: { username: string; password: string } | null;
  /** One account per role. */
  accounts: DemoAccount[];
  /** The platform admin's TOTP key (base32), for an authenticator app. */
  adminTotpKey: string | null;
}

export interface SeedOptions {
  devDomain?: string;
  adminHost?: string;
  /** Progress lines for the CLI. */
  onProgress?: (message: string) => void;
}

/** Seed the demo province once; a second call changes nothing and reports what is there. */
export async function seedDemoProvince(db: Kysely<Database>, clock: Clock, opts: SeedOptions = {}): Promise<SeedResult> {
  const actor: Actor = { userId: null, label: 'system:demo-seed' };
  const existing = await inScope(db, NO_SITES, (trx) => findPlatformByCode(trx, DEMO_PLATFORM_CODE));
  if (existing) {
    const done = await alreadySeeded(db, existing.id);
    if (done) return done;
  }
  const platform = existing ?? (await createPlatform(db, clock, actor, { code: DEMO_PLATFORM_CODE, name: '演示省政府网站集约化平台（演示）' }));
  const ctx: ServiceContext = { db, clock, actor, scope: { kind: 'platform', platformIds: [platform.id] } };

  const unitIds = new Map<string, string>();
  for (const u of UNITS) {
    const found = await inScope(db, ctx.scope, (trx) => findOrgUnitByName(trx, platform.id, u.name));
    const unit = found ?? (await createOrgUnit(ctx, {
      platformId: platform.id, parentId: u.parent ? unitIds.get(u.parent)! : null, level: u.level, name: u.name,
      shortName: u.shortName, divisionCode: u.divisionCode ?? null,
    }));
    unitIds.set(u.key, unit.id);
  }

  let createdAny = !existing;
  const sites = new Map<string, SiteRow>();
  for (const spec of SITES) {
    const unit = UNITS.find((u) => u.key === spec.unit)!;
    let site = await inScope(db, ctx.scope, (trx) => siteRepository.findByCode(trx, spec.code));
    if (!site) {
      createdAny = true;
      opts.onProgress?.(`创建站点 ${spec.name} (${spec.code})`);
      site = await createSite(ctx, {
        platformId: platform.id, orgUnitId: unitIds.get(spec.unit)!, kind: spec.kind, code: spec.code, name: spec.name,
        parentSiteId: spec.parentSite ? sites.get(spec.parentSite)!.id : null, pathPrefix: spec.pathPrefix ?? null,
        siteIdCode: spec.siteIdCode ?? null,
        icpNumber: spec.siteIdCode ? `演ICP备${spec.siteIdCode.slice(0, 2)}${spec.siteIdCode.slice(-6)}号` : null,
        psbNumber: spec.siteIdCode ? `演公网安备 ${spec.siteIdCode}号` : null,
        sponsor: spec.kind === 'sub_site' ? null : `${unit.name}办公室（演示）`,
        contact: spec.kind === 'sub_site' ? null : `0000-${spec.siteIdCode!.slice(-4)}1234`,
        ...(opts.devDomain ? { devDomain: opts.devDomain } : {}),
        ...(opts.adminHost ? { adminHost: opts.adminHost } : {}),
      });
    }
    // A restart finds everything in place with one query per site; a seed cut short is completed.
    const { hasColumns, hasArticles } = await inScope(db, ctx.scope, async (trx) => ({
      hasColumns: Boolean(await trx.selectFrom('site_column').select('id').where('site_id', '=', site!.id).limit(1).executeTakeFirst()),
      hasArticles: Boolean(await trx.selectFrom('article').select('id').where('site_id', '=', site!.id).limit(1).executeTakeFirst()),
    }));
    if (!hasColumns) await applyStandardTemplate(ctx, site.id);
    if (!hasArticles) {
      createdAny = true;
      await seedArticles(ctx, site, spec, unit);
    }
    if (site.status !== 'live') site = await setSiteStatus(ctx, site.id, 'live');
    // County and department sites wear the county pack, so the demo shows both built-in packs.
    if (spec.theme && site.theme !== spec.theme) {
      await setSiteTheme(ctx, site.id, { theme: spec.theme, settings: spec.themeSettings ?? {} });
      site = { ...site, theme: spec.theme };
    }
    sites.set(spec.code, site);
  }

  const { accounts, adminTotpKey } = await seedDemoAccounts(db, clock, actor, platform.id, sites);
  const admin = accounts.find((a) => a.role === 'platform_admin') ?? null;

  const hosts = await inScope(db, ctx.scope, (trx) => siteRepository.findPrimaryHosts(trx, [...sites.values()].map((s) => s.id)));
  return {
    created: createdAny,
    platformId: platform.id,
    sites: [...sites.values()].map((s) => ({ code: s.code, name: s.name, host: hosts.get(s.id)?.host ?? '', prefix: hosts.get(s.id)?.path_prefix ?? '/' })),
    admin: admin ? { username: admin.username, password: admin.password } : null,
    accounts,
    adminTotpKey,
  };
}

async function seedArticles(ctx: ServiceContext, site: SiteRow, spec: SiteSpec, unit: UnitSpec): Promise<void> {
  const columns = await inScope(ctx.db, ctx.scope, (trx) => columnRepository.findAll(trx, site.id));
  const byPath = new Map(columns.map((c) => [c.path, c.id]));
  const seed = [...spec.code].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) >>> 0, 7);
  const today = zonedParts(ctx.clock.now());
  const items = demoArticles({ unitName: unit.name, shortName: unit.shortName, level: spec.textLevel, docPrefix: spec.docPrefix, seed }, spec.articles);
  // Oldest first, so serial numbers and index numbers grow with publish time.
  items.sort((a, b) => b.daysAgo - a.daysAgo || a.hour - b.hour || a.minute - b.minute);
  for (const item of items) {
    const columnId = byPath.get(item.columnPath);
    if (!columnId) continue;
    const article = await createDraft(ctx, site.id, {
      columnId, title: item.title, summary: item.summary, bodyHtml: item.bodyHtml, source: item.source, author: item.author,
      documentNumber: item.documentNumber, issuingOrgan: item.issuingOrgan, dateWritten: item.dateWritten,
      topicCategory: item.topicCategory, validity: item.validity, keywords: item.keywords,
    });
    const publishedAt = fromZoned(today.year, today.month, today.day - item.daysAgo, item.hour, item.minute);
    await publishRevision(ctx, site.id, article.id, { publishedAt: publishedAt < ctx.clock.now() ? publishedAt : ctx.clock.now() });
  }
}

/**
 * The common case at every restart: everything is in place. One transaction checks it (every
 * unit, every live site with columns and articles, every account) and builds the report.
 */
async function alreadySeeded(db: Kysely<Database>, platformId: string): Promise<SeedResult | null> {
  const accounts = demoAccountList();
  return inScope(db, { kind: 'platform', platformIds: [platformId] }, async (trx) => {
    const units = await trx.selectFrom('org_unit').select('name').where('platform_id', '=', platformId).where('name', 'in', UNITS.map((u) => u.name)).execute();
    if (units.length < UNITS.length) return null;
    const sites = await trx.selectFrom('site as s')
      .select(['s.id', 's.code', 's.name', 's.status'])
      .select((eb) => [
        eb.exists(eb.selectFrom('site_column as c').select('c.id').whereRef('c.site_id', '=', 's.id')).as('has_columns'),
        eb.exists(eb.selectFrom('article as a').select('a.id').whereRef('a.site_id', '=', 's.id')).as('has_articles'),
      ])
      .where('s.code', 'in', SITES.map((x) => x.code)).where('s.deleted_at', 'is', null).execute();
    if (sites.length < SITES.length || sites.some((x) => x.status !== 'live' || !x.has_columns || !x.has_articles)) return null;
    const users = await trx.selectFrom('app_user').select(['username', 'platform_id', 'totp_key']).where('username', 'in', accounts.map((a) => a.username)).execute();
    if (users.length < accounts.length) return null;
    const admin = users.find((u) => u.username === DEMO_ADMIN.username);
    const mine = admin?.platform_id === platformId;
    const hosts = await siteRepository.findPrimaryHosts(trx, sites.map((x) => x.id));
    const byCode = new Map(sites.map((x) => [x.code, x]));
    return {
      created: false,
      platformId,
      sites: SITES.map((spec) => {
        const site = byCode.get(spec.code)!;
        return { code: site.code, name: site.name, host: hosts.get(site.id)?.host ?? '', prefix: hosts.get(site.id)?.path_prefix ?? '/' };
      }),
      admin: mine ? { username: DEMO_ADMIN.username, password: DEMO_PASSWORD } : null,
      accounts: mine ? accounts : [],
      adminTotpKey: mine ? (admin?.totp_key ?? null) : null,
    };
  });
}
