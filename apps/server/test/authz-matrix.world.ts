/**
 * The world of the authorization matrix (authz-matrix.int.test.ts): the demo province, a second
 * platform of its own, and in every site a set of VICTIM objects with unique names (two columns,
 * an alias domain, a user with a grant, its session and API token, a platform template, an article
 * in review with an older revision, one in the trash, an attachment), so a refusal can be told
 * from a leak. Everything is made through the services, on the real database.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ServiceContext } from '@zhanqun/audit/context';
import type { SiteRow } from '@zhanqun/db/database';
import { inScope } from '@zhanqun/db/scope';
import { uploadAttachment } from '@zhanqun/content/attachment/attachment.service';
import { createDraft, publishRevision } from '@zhanqun/content/article.service';
import { saveRevision } from '@zhanqun/content/article-revision.service';
import { trashArticle } from '@zhanqun/content/publishing.service';
import { submitForReview, waiveSecrecyReview } from '@zhanqun/content/workflow.service';
import { DEMO_ADMIN, DEMO_PASSWORD, seedDemoProvince } from '@zhanqun/demo/demo-province';
import { createApiToken } from '@zhanqun/identity/api-token.service';
import { grantRole } from '@zhanqun/identity/grant.service';
import type { Principal } from '@zhanqun/identity/policy';
import { loadPrincipal, scopeOf } from '@zhanqun/identity/principal';
import { sessionIdOf } from '@zhanqun/identity/session.service';
import { createPlatformAdmin, createUser } from '@zhanqun/identity/user.service';
import { applyStandardTemplate, createColumn } from '@zhanqun/tenancy/column.service';
import { addDomain } from '@zhanqun/tenancy/domain.service';
import { createOrgUnit } from '@zhanqun/tenancy/org-unit.service';
import { createPlatform } from '@zhanqun/tenancy/platform.service';
import { createSite, setSiteStatus, updateSite } from '@zhanqun/tenancy/site.service';
import { addTerm } from '@zhanqun/content/checks/serious-error.service';
import { createTemplate } from '@zhanqun/tenancy/template.service';
import { openSession } from './console-helper.js';
import { loginAs, type TestApp } from './helper.js';

export const ADMIN_HOST = 'admin.localhost';
/** The smallest file the upload's content check takes for a PDF. */
export const TINY_PDF = Buffer.from('%PDF-1.7\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
/** The column kind whose secrecy review every platform of the world has waived (so removing it is a visible change). */
export const WAIVED_KIND = 'interaction';
export const OTHER_ADMIN = { username: 'tasheng-admin', password: 'tasheng-platform-2026', displayName: '他省平台管理员（矩阵）' };
const VICTIM_PASSWORD = 'matrix-victim-2026';

/** One site and the objects in it that a route's parameters and bodies can name. */
export interface Bundle {
  label: string;
  platformId: string;
  siteId: string;
  siteName: string;
  siteCode: string;
  unitId: string;
  unitName: string;
  /** Another unit (a department) of the same platform: a parent or overseer in bodies. */
  unit2Id: string;
  columnId: string;
  column2Id: string;
  columnNames: string[];
  domainId: string;
  domainHost: string;
  /** The site's channels in their current order (for reorder bodies). */
  channelIds: string[];
  userId: string;
  username: string;
  userDisplayName: string;
  grantId: string;
  sessionId: string;
  tokenId: string;
  tokenName: string;
  templateRef: string;
  templateName: string;
  /** An article in `columnId` written by the bundle's user: its latest revision is in review (`runId`, at the review step). */
  articleId: string;
  /** In the title of every article, revision and file of the bundle. */
  articleMarker: string;
  revisionId: string;
  /** The article's first revision (to restore, to diff against). */
  oldRevisionId: string;
  runId: string;
  /** Another article of the site, in the trash (to restore). */
  trashedArticleId: string;
  /** A live policy document (政策文件 column) of the site: what an interpretation may link to. */
  policyArticleId: string;
  /** A PDF uploaded to the site, carried by both revisions. */
  attachmentId: string;
  attachmentName: string;
  /** A column kind the bundle's platform waived secrecy review for. */
  waiverKind: string;
  /** The site's English version (`/en/`, the site has the locale): where a translation goes. */
  enColumnId: string;
  /** A term on the serious-error list of the bundle's platform (a platform admin's list only). */
  termId: string;
  termText: string;
}

/** A victim as one requester sees it. */
export interface Victim {
  bundle: Bundle;
  /** In its read scope all the same (content), so names may show. */
  readable: boolean;
  /** Its audit trail is readable too. */
  auditable?: boolean;
  /**
   * Content permissions the requester rightfully holds over the victim's column (a site-wide grant
   * there, from the role table) and in some column of its site (a column grant): what needs them is
   * not refused, and is left to the positive controls.
   */
  rights: ReadonlySet<string>;
  siteRights: ReadonlySet<string>;
}

/** Who asks: a signed-in role (cookie or Bearer token) or nobody. */
export interface Requester {
  name: string;
  username: string | null;
  userId: string | null;
  platformId: string | null;
  cookies: Record<string, string>;
  bearer: string | null;
  csrf: string;
  ip: string;
  /** What the route-level check must let through, from the role table of issue 4 (not from the code under test). */
  holds: ReadonlySet<string>;
  own: Bundle | null;
  /** An account this requester manages (it granted its role), for the own-object case of user routes. */
  ownUser?: { userId: string; grantId: string };
  /** Victims: objects out of its reach (but see `Victim.rights`). */
  victims: Victim[];
  /** On content routes (content.*), only these victims (labels): where the victims are many and alike. */
  contentVictims?: ReadonlySet<string>;
}

const POLICY = ['platform.manage', 'site.manage', 'user.manage', 'content.read', 'content.edit', 'content.review', 'content.secrecy_review',
  'content.publish', 'submission.submit', 'audit.read'];
/** Route-level permissions each role holds somewhere (issue 4, Roles and scopes; outsourced: publish, review, grant stripped). */
export const HOLDS: Record<string, readonly string[]> = {
  platform_admin: ['authenticated', 'platform_admin', ...POLICY],
  site_admin: ['authenticated', 'site.manage', 'user.manage', 'content.read', 'content.edit', 'content.review', 'content.publish', 'audit.read'],
  editor: ['authenticated', 'content.read', 'content.edit'],
  reviewer: ['authenticated', 'content.read', 'content.review', 'content.publish'],
  secrecy_reviewer: ['authenticated', 'content.read', 'content.secrecy_review'],
  liaison: ['authenticated', 'content.read', 'content.edit', 'submission.submit'],
  auditor: ['authenticated', 'content.read', 'audit.read'],
  outsourced_editor: ['authenticated', 'content.read', 'content.edit'],
  /** Site admin of one site and editor of another: holds what a site admin holds, but only where that grant reaches. */
  mixed: ['authenticated', 'site.manage', 'user.manage', 'content.read', 'content.edit', 'content.review', 'content.publish', 'audit.read'],
  anonymous: [],
};

export interface World {
  demoPlatformId: string;
  otherPlatformId: string;
  bundles: Map<string, Bundle>;
  requesters: Requester[];
  adminCtx: ServiceContext;
  adminPrincipal: Principal;
  /** Units of the demo tree by site code (for positive controls). */
  unitOf: Map<string, string>;
}

export async function contextFor(h: TestApp, userId: string): Promise<{ ctx: ServiceContext; principal: Principal }> {
  const principal = (await loadPrincipal(h.t.db, userId))!;
  const scope = await scopeOf(h.t.db, principal, h.clock.now());
  return { principal, ctx: { db: h.t.db, clock: h.clock, actor: { userId, label: `${principal.username} (matrix setup)` }, scope } };
}

/** The CSRF token a console page hands this cookie jar (and the cookies it sets). */
export async function csrfFor(app: FastifyInstance, cookies: Record<string, string>, url: string): Promise<string> {
  const page = await app.inject({ method: 'GET', url, headers: { host: ADMIN_HOST }, cookies });
  for (const c of page.cookies) cookies[c.name] = c.value;
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
  if (!token) throw new Error(`no CSRF token on ${url} (${page.statusCode})`);
  return token;
}

async function victimObjects(
  h: TestApp, ctx: ServiceContext, principal: Principal, site: SiteRow, unit2Id: string, template: { ref: string; name: string }, term: { id: string; term: string },
): Promise<Bundle> {
  const code = site.code;
  const col = await createColumn(ctx, site.id, { slug: `mxv-${code}`, name: `矩阵靶栏目甲〔${code}〕`, kind: 'news' });
  const col2 = await createColumn(ctx, site.id, { slug: `mxw-${code}`, name: `矩阵靶栏目乙〔${code}〕`, kind: 'notice' });
  await updateSite(ctx, site.id, { locales: ['en'] });
  const en = await createColumn(ctx, site.id, { slug: 'en', name: `Matrix English〔${code}〕`, kind: 'news' });
  const domainHost = `mxv-${code}.example.cn`;
  const domain = await addDomain(ctx, site.id, { host: domainHost, role: 'alias', adminHost: ADMIN_HOST });
  const username = `mxv-${code}`;
  const userDisplayName = `矩阵靶用户〔${code}〕`;
  const user = await createUser(ctx, principal, { username, displayName: userDisplayName, password: VICTIM_PASSWORD });
  const grant = await grantRole(ctx, principal, { userId: user.id, role: 'editor', scopeKind: 'site', siteId: site.id });
  const sessionId = sessionIdOf(await openSession(h, username));
  const victim = await contextFor(h, user.id);
  const tokenName = `矩阵靶令牌〔${code}〕`;
  const token = await createApiToken(victim.ctx, victim.principal, { name: tokenName });
  const unit = await h.t.db.selectFrom('org_unit').select(['id', 'name']).where('id', '=', site.org_unit_id).executeTakeFirstOrThrow();
  const channels = await h.t.db.selectFrom('site_column').select('id').where('site_id', '=', site.id).where('parent_id', 'is', null)
    .where('deleted_at', 'is', null).orderBy('sort_order').orderBy('slug').execute();
  // Content, written by the bundle's user (so no requester is stopped by "nobody approves their own revision").
  const articleMarker = `矩阵靶稿件〔${code}〕`;
  const attachmentName = `矩阵靶附件〔${code}〕.pdf`;
  const attachment = await uploadAttachment(victim.ctx, site.id, { filename: attachmentName, stream: Readable.from([TINY_PDF]) },
    { store: h.app.blobs, maxBytes: h.app.config.maxUploadBytes });
  const draft = await createDraft(victim.ctx, site.id, { columnId: col.id, title: `${articleMarker}初稿`, bodyHtml: '<p>矩阵靶正文：初稿。</p>', attachmentIds: [attachment.id] });
  const latest = await saveRevision(victim.ctx, site.id, draft.id, {
    baseRevisionId: draft.latest_revision_id!, title: articleMarker, bodyHtml: '<p>矩阵靶正文：修订稿。</p>', attachmentIds: [attachment.id],
  });
  const run = await submitForReview(victim.ctx, site.id, draft.id);
  const binned = await createDraft(victim.ctx, site.id, { columnId: col.id, title: `${articleMarker}（已删除）`, bodyHtml: '<p>矩阵靶正文：已删除。</p>' });
  await trashArticle(victim.ctx, site.id, binned.id);
  const policyColumn = await h.t.db.selectFrom('site_column').select('id').where('site_id', '=', site.id).where('kind', '=', 'policy')
    .where('deleted_at', 'is', null).orderBy('path').executeTakeFirstOrThrow();
  const policy = await createDraft(victim.ctx, site.id, { columnId: policyColumn.id, title: `${articleMarker}政策文件`, bodyHtml: '<p>矩阵靶正文：政策文件。</p>' });
  await publishRevision(victim.ctx, site.id, policy.id);
  return {
    label: code, platformId: site.platform_id, siteId: site.id, siteName: site.name, siteCode: code,
    unitId: unit.id, unitName: unit.name, unit2Id, columnId: col.id, column2Id: col2.id, columnNames: [col.name, col2.name, en.name],
    domainId: domain.id, domainHost, channelIds: channels.map((c) => c.id), userId: user.id, username, userDisplayName, grantId: grant.id,
    enColumnId: en.id, termId: term.id, termText: term.term,
    sessionId, tokenId: token.id, tokenName, templateRef: template.ref, templateName: template.name,
    articleId: draft.id, articleMarker, revisionId: latest.id, oldRevisionId: draft.latest_revision_id!, runId: run.id,
    trashedArticleId: binned.id, policyArticleId: policy.id, attachmentId: attachment.id, attachmentName, waiverKind: WAIVED_KIND,
  };
}

/** Seed, build the second platform and the victims, sign every role in. */
export async function buildWorld(h: TestApp): Promise<World> {
  const seed = await seedDemoProvince(h.t.db, h.clock);
  const db = h.t.db;
  const userId = async (username: string) => (await db.selectFrom('app_user').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;
  const admin = await contextFor(h, await userId(DEMO_ADMIN.username));

  // The second platform: its admin, a province with a city and a department, and one portal.
  const operator = { userId: null, label: 'matrix-setup' };
  const other = await createPlatform(db, h.clock, operator, { code: 'tasheng', name: '他省政府网站集约化平台（矩阵）' });
  const otherAdminRow = await createPlatformAdmin(db, h.clock, operator, { platformId: other.id, ...OTHER_ADMIN });
  const oa = await contextFor(h, otherAdminRow.id);
  const root = await createOrgUnit(oa.ctx, { platformId: other.id, parentId: null, level: 'province', name: '他省人民政府（矩阵）' });
  const city = await createOrgUnit(oa.ctx, { platformId: other.id, parentId: root.id, level: 'city', name: '他市人民政府（矩阵）' });
  const dept = await createOrgUnit(oa.ctx, { platformId: other.id, parentId: root.id, level: 'department', name: '他省教育厅（矩阵）' });
  const otherSite = await createSite(oa.ctx, {
    platformId: other.id, orgUnitId: city.id, kind: 'portal', code: 'tacheng', name: '他市人民政府（矩阵靶站）',
    hosts: ['www.tacheng-matrix.cn'], adminHost: ADMIN_HOST,
  });
  await applyStandardTemplate(oa.ctx, otherSite.id);
  await setSiteStatus(oa.ctx, otherSite.id, 'live');
  await waiveSecrecyReview(oa.ctx, other.id, WAIVED_KIND, '矩阵：互动交流栏目不涉密（他省）');
  const otherTerm = await addTerm(oa.ctx, other.id, { term: '矩阵靶错词〔他省〕', correction: '矩阵正词〔他省〕', kind: 'wrong_form' });
  const otherTemplate = await createTemplate(oa.ctx, { code: 'mxv-tasheng', name: '矩阵靶模板·他省', columns: [{ slug: 'mxt', name: '矩阵模板栏目', kind: 'news' }] });
  const demoTemplate = await createTemplate(admin.ctx, { code: 'mxv-demo', name: '矩阵靶模板·演示省', columns: [{ slug: 'mxt', name: '矩阵模板栏目', kind: 'news' }] });

  await waiveSecrecyReview(admin.ctx, seed.platformId, WAIVED_KIND, '矩阵：互动交流栏目不涉密（演示省）');
  const demoTerm = await addTerm(admin.ctx, seed.platformId, { term: '矩阵靶错词〔演示省〕', correction: '矩阵正词〔演示省〕', kind: 'wrong_form' });
  const demoSites = await inScope(db, admin.ctx.scope, (trx) => trx.selectFrom('site').selectAll().where('platform_id', '=', seed.platformId).orderBy('code').execute());
  const unitOf = new Map(demoSites.map((s) => [s.code, s.org_unit_id]));
  const wjw = unitOf.get('prov-wjw')!;
  const bundles = new Map<string, Bundle>();
  for (const site of demoSites) {
    bundles.set(site.code, await victimObjects(h, admin.ctx, admin.principal, site as SiteRow, site.code === 'prov-wjw' ? unitOf.get('prov-jyt')! : wjw, { ref: demoTemplate.ref, name: demoTemplate.name }, demoTerm));
  }
  bundles.set('tacheng', await victimObjects(h, oa.ctx, oa.principal, otherSite, dept.id, { ref: otherTemplate.ref, name: otherTemplate.name }, otherTerm));

  // Every role signs in through the login form (TOTP for platform admins); two also get Bearer tokens.
  const b = (code: string) => bundles.get(code)!;
  const none: ReadonlySet<string> = new Set();
  const demoSiteBundles: Victim[] = demoSites.map((s) => ({ bundle: b(s.code), readable: false, rights: none, siteRights: none }));
  // Grants of two kinds on two sites: site admin of a department site, editor of the provincial portal.
  const mixed = await createUser(admin.ctx, admin.principal, { username: 'mx-mixed', displayName: '矩阵双角色用户', password: VICTIM_PASSWORD });
  await grantRole(admin.ctx, admin.principal, { userId: mixed.id, role: 'site_admin', scopeKind: 'site', siteId: b('qingchuan-fgw').siteId });
  await grantRole(admin.ctx, admin.principal, { userId: mixed.id, role: 'editor', scopeKind: 'site', siteId: b('prov').siteId });
  // A readable victim's fourth entry: the role the requester holds over the whole victim site (`role`), or in some of its columns only (`someColumns`).
  type Rights = { role?: string; someColumns?: string };
  const specs: { name: string; username: string | null; password?: string; role: string; own: string | null; victims: [string, boolean, boolean?, Rights?][]; bearer?: boolean }[] = [
    { name: 'anonymous', username: null, role: 'anonymous', own: null, victims: [['prov', false], ['tacheng', false]] },
    { name: 'admin', username: DEMO_ADMIN.username, role: 'platform_admin', own: 'prov', victims: [['tacheng', false]] },
    { name: 'tasheng-admin', username: OTHER_ADMIN.username, password: OTHER_ADMIN.password, role: 'platform_admin', own: 'tacheng', victims: [] },
    { name: 'zhanzhang', username: 'zhanzhang', role: 'site_admin', own: 'qingchuan', victims: [['prov', false], ['anhe', false], ['qingchuan-fgw', false], ['tacheng', false]] },
    // The editor's columns are 要闻 and 通知公告: not the victim's column, but it may upload to the site.
    { name: 'bianji', username: 'bianji', role: 'editor', own: 'prov', victims: [['prov', true, false, { someColumns: 'editor' }], ['qingchuan', false], ['tacheng', false]] },
    { name: 'shenhe', username: 'shenhe', role: 'reviewer', own: 'prov', victims: [['prov', true, false, { role: 'reviewer' }], ['qingchuan', false], ['tacheng', false]] },
    { name: 'baomi', username: 'baomi', role: 'secrecy_reviewer', own: 'prov', victims: [['prov', true, false, { role: 'secrecy_reviewer' }], ['yunxi', false], ['tacheng', false]] },
    // A grant on the county portal covers its sub-sites.
    { name: 'xinxiyuan', username: 'xinxiyuan', role: 'liaison', own: 'anhe', victims: [['anhe', true, false, { role: 'liaison' }], ['anhe-cgz', true, false, { role: 'liaison' }], ['prov', false], ['qingchuan', false], ['tacheng', false]] },
    { name: 'shenji', username: 'shenji', role: 'auditor', own: 'prov', victims: [['prov', true, true, { role: 'auditor' }], ['anhe', false], ['tacheng', false]] },
    { name: 'waibao', username: 'waibao', role: 'outsourced_editor', own: 'yunxi', victims: [['yunxi', true, false, { role: 'outsourced_editor' }], ['shiqiao', false], ['prov', false], ['tacheng', false]] },
    { name: 'mx-mixed', username: 'mx-mixed', password: VICTIM_PASSWORD, role: 'mixed', own: 'qingchuan-fgw', victims: [['prov', true, false, { role: 'editor' }], ['qingchuan', false], ['tacheng', false]] },
    { name: 'admin (Bearer)', username: DEMO_ADMIN.username, role: 'platform_admin', own: 'prov', victims: [['tacheng', false]], bearer: true },
    { name: 'zhanzhang (Bearer)', username: 'zhanzhang', role: 'site_admin', own: 'qingchuan', victims: [['prov', false], ['anhe', false], ['tacheng', false]], bearer: true },
  ];
  // An account the site admin manages itself (it gave the grant): its own object on user routes.
  const zz = await contextFor(h, await userId('zhanzhang'));
  const managed = await createUser(zz.ctx, zz.principal, { username: 'mxo-zhanzhang', displayName: '矩阵自管用户（青川）', password: VICTIM_PASSWORD });
  const managedGrant = await grantRole(zz.ctx, zz.principal, { userId: managed.id, role: 'editor', scopeKind: 'site', siteId: b('qingchuan').siteId });
  const ownUsers: Record<string, { userId: string; grantId: string }> = {
    zhanzhang: { userId: managed.id, grantId: managedGrant.id },
    admin: { userId: b('prov').userId, grantId: b('prov').grantId },
    'tasheng-admin': { userId: b('tacheng').userId, grantId: b('tacheng').grantId },
  };
  const requesters: Requester[] = [];
  for (const [i, s] of specs.entries()) {
    const id = s.username ? await userId(s.username) : null;
    const platformId = s.username ? (s.name === 'tasheng-admin' ? other.id : seed.platformId) : null;
    let cookies: Record<string, string> = {};
    let bearer: string | null = null;
    let csrf = '';
    if (s.bearer) {
      const who = await contextFor(h, id!);
      bearer = (await createApiToken(who.ctx, who.principal, { name: 'matrix' })).token;
    } else if (s.username) {
      cookies = await loginAs(h.app, s.username, s.password ?? DEMO_PASSWORD);
      csrf = await csrfFor(h.app, cookies, '/');
    } else {
      csrf = await csrfFor(h.app, cookies, '/login');
    }
    requesters.push({
      name: s.name, username: s.username, userId: id, platformId, cookies, bearer, csrf, ip: `198.51.100.${i + 1}`,
      holds: new Set(HOLDS[s.role]), own: s.own ? b(s.own) : null, ...(s.username && ownUsers[s.username] ? { ownUser: ownUsers[s.username] } : {}),
      // Another platform's admin: every demo site on the admin routes; on the content routes, which run the same
      // platform-scoped reads and the same column checks everywhere, a portal, a department site and a sub-site.
      ...(s.name === 'tasheng-admin' ? { contentVictims: new Set(['prov', 'qingchuan-fgw', 'anhe-cgz']) } : {}),
      victims: s.name === 'tasheng-admin' ? demoSiteBundles : s.victims.map(([code, readable, auditable, rights]) => {
        const column = new Set([...(readable ? ['content.read'] : []), ...(rights?.role ? HOLDS[rights.role]! : [])].filter((p) => p.startsWith('content.')));
        const site = new Set([...column, ...(rights?.someColumns ? HOLDS[rights.someColumns]!.filter((p) => p.startsWith('content.')) : [])]);
        return { bundle: b(code), readable, auditable: Boolean(auditable), rights: column, siteRights: site };
      }),
    });
  }
  return { demoPlatformId: seed.platformId, otherPlatformId: other.id, bundles, requesters, adminCtx: admin.ctx, adminPrincipal: admin.principal, unitOf };
}
