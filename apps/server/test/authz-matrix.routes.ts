/**
 * How the authorization matrix calls a route: its parameters filled from a victim (or one's own)
 * bundle, a minimal plausible body, the cases it is tried in, and what counts as a refusal, a
 * leak or a change. Routes it does not know yet (new pages) are called too, with a generic body.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sql, type Kysely } from 'kysely';
import type { Database } from '@zhanqun/db/database';
import { CATALOGUES } from '../src/i18n/i18n.js';
import { PUBLIC_PREFIX } from '../src/public/public.routes.js';
import { ADMIN_HOST, TINY_PDF, type Bundle, type Requester, type Victim } from './authz-matrix.world.js';

export interface Route { method: string; url: string; permission: string | undefined }
export type Body = Record<string, unknown>;

/** A file in a body: the API sends the body as multipart/form-data, as a browser's FormData would. */
export class Upload {
  constructor(readonly filename: string, readonly bytes: Buffer) {}
  toString(): string { return this.filename; }
  toJSON(): string { return `<file ${this.filename}, ${this.bytes.length} bytes>`; }
}

interface Spec {
  /** A query naming the victim (lists and forms that preselect an object). */
  query?: (v: Bundle) => string;
  body?: (v: Bundle, n: number) => Body | undefined;
  /** The body names objects by id: tried again with the requester's own object in the path (or with no path parameter). */
  bodyIds?: boolean;
  /** The body of the own-object case (`mine`: the requester's own bundle), when it differs from `body`. */
  cross?: (v: Bundle, n: number, mine: Bundle) => Body;
  /** Path parameters the own-object case takes from the victim all the same (a victim's grant under one's own user). */
  crossFrom?: (keyof Bundle)[];
  /** The query of the own-object case (one's own article, a victim's revision in the query). */
  crossQuery?: (v: Bundle, mine: Bundle) => string;
  /** Path parameters filled from other bundle fields than PARAMS says (the old revision to restore, the article in the trash). */
  params?: Record<string, keyof Bundle>;
  /**
   * The permission the service checks on the victim object: on its column, or (`needsOn: 'site'`) in
   * some column of its site. A requester holding it there by the role table (`Victim.rights`) is not
   * refused: such a read is still sent (any answer but a server error), such a write is not sent at
   * all (it would change the shared victim) and is left to the positive controls.
   */
  needs?: string;
  needsOn?: 'column' | 'site';
  /** A list filtered by the caller's scope (row-level security): on a victim's site, 200 with this list empty is a refusal too. */
  emptyList?: string;
  /** A page that answers 200 and lists what it refused (a bulk action, article by article): a refusal must show this. */
  refusedPage?: RegExp;
}

const title = (what: string, n: number) => ({ title: `矩阵${what}${n}`, bodyHtml: `<p>矩阵${what}正文${n}</p>` });

const form = { confirm: '1' };
/** Every route the matrix knows how to fill; HEAD uses its GET. */
export const SPECS: Record<string, Spec> = {
  'POST /login': { body: () => ({ username: '', password: '' }) },
  'POST /login/totp': { body: () => ({ code: '000000' }) },
  'POST /logout': {},
  'GET /org-units': { query: (v) => `?unit=${v.unitId}` },
  'POST /org-units': { body: (v, n) => ({ parentId: v.unitId, level: 'department', name: `矩阵机构${n}` }), bodyIds: true },
  'POST /org-units/:id/rename': { body: (_v, n) => ({ name: `矩阵改名${n}` }) },
  'POST /org-units/:id/move': { body: (v) => ({ parentId: v.unit2Id }), bodyIds: true },
  'POST /org-units/:id/oversight': { body: (v) => ({ oversightUnitId: v.unit2Id }), bodyIds: true },
  'GET /sites': { query: (v) => `?org=${v.unitId}&q=${v.siteCode}` },
  'GET /sites/new': { query: (v) => `?org=${v.unitId}&parent=${v.siteId}&kind=sub_site` },
  'POST /sites': { body: (v, n) => ({ orgUnitId: v.unit2Id, kind: 'department', code: `mx-s${n}`, name: `矩阵站${n}`, hosts: '', applyTemplate: '1' }), bodyIds: true },
  'GET /sites/:id': {},
  'POST /sites/:id': { body: (v) => ({ name: `${v.siteName}（被改）`, contact: '0000-00000000' }) },
  'POST /sites/:id/live': { body: () => ({}) },
  'POST /sites/:id/close': { body: () => form },
  'POST /sites/:id/domains': { body: (_v, n) => ({ host: `mx-d${n}.example.cn`, role: 'alias' }) },
  'POST /sites/:id/domains/:domainId/primary': { body: () => ({}) },
  'POST /sites/:id/domains/:domainId/remove': { body: () => ({}) },
  'GET /sites/:id/theme': { query: () => '?theme=county' },
  'POST /sites/:id/theme': { body: (_v, n) => ({ theme: 'county', 's.slogan': `矩阵标语${n}`, 's.primary_color': '#102030' }) },
  'GET /sites/:id/theme/preview': { query: () => '?theme=county' },
  'GET /sites/:id/legacy': {},
  'GET /legacy': {},
  'POST /sites/:id/theme/preview': { body: (_v, n) => ({ theme: 'county', 's.slogan': `矩阵预览${n}` }) },
  'POST /sites/:id/theme/partials': { body: (_v, n) => ({ theme: 'default', name: 'share', source: `<p>矩阵局部${n}</p>` }) },
  'POST /sites/:id/theme/partials/remove': { body: () => ({ theme: 'default', name: 'share' }) },
  'GET /sites/:id/columns': { query: (v) => `?column=${v.columnId}` },
  'POST /sites/:id/columns': { body: (v, n) => ({ parentId: v.columnId, slug: `mx-c${n}`, name: `矩阵栏目${n}`, kind: 'news' }), bodyIds: true },
  'POST /sites/:id/columns/:columnId': { body: (_v, n) => ({ name: `矩阵改栏目${n}`, kind: 'news', description: '' }) },
  'POST /sites/:id/columns/:columnId/move': { body: (v) => ({ parentId: v.column2Id }), bodyIds: true },
  'POST /sites/:id/columns/:columnId/reorder': { body: () => ({ direction: 'down' }) },
  'POST /sites/:id/columns/:columnId/merge': { body: (v) => ({ targetId: v.column2Id }), bodyIds: true },
  'POST /sites/:id/columns/:columnId/close': { body: () => form },
  'GET /': {},
  'GET /api/docs': {},
  'GET /api/docs/': {},
  'GET /api/docs/json': {},
  'GET /api/docs/yaml': {},
  'GET /api/docs/static/*': {},
  'GET /api/docs/static/index.html': {},
  'GET /api/docs/static/swagger-initializer.js': {},
  'GET /api/v1/org-units': {},
  'POST /api/v1/org-units': { body: (v, n) => ({ parentId: v.unitId, level: 'department', name: `矩阵机构${n}` }), bodyIds: true },
  'PATCH /api/v1/org-units/:id': { body: (_v, n) => ({ name: `矩阵改名${n}` }), cross: (v) => ({ parentId: v.unitId }) },
  'GET /api/v1/sites': { query: (v) => `?orgUnitId=${v.unitId}&q=${v.siteCode}` },
  'POST /api/v1/sites': { body: (v, n) => ({ orgUnitId: v.unit2Id, kind: 'department', code: `mx-s${n}`, name: `矩阵站${n}` }), bodyIds: true },
  'GET /api/v1/sites/:id': {},
  'PATCH /api/v1/sites/:id': { body: (v) => ({ name: `${v.siteName}（被改）`, contact: '0000-00000000' }) },
  'POST /api/v1/sites/:id/status': { body: () => ({ status: 'migrating' }) },
  'POST /api/v1/sites/:id/close': {},
  'GET /api/v1/sites/:id/domains': {},
  'POST /api/v1/sites/:id/domains': { body: (_v, n) => ({ host: `mx-d${n}.example.cn`, role: 'alias' }) },
  'DELETE /api/v1/sites/:id/domains/:domainId': {},
  'POST /api/v1/sites/:id/domains/:domainId/primary': {},
  'GET /api/v1/sites/:id/columns': {},
  'POST /api/v1/sites/:id/columns': { body: (v, n) => ({ parentId: v.columnId, slug: `mx-c${n}`, name: `矩阵栏目${n}`, kind: 'news' }), bodyIds: true },
  'POST /api/v1/sites/:id/columns/reorder': { body: (v) => ({ parentId: null, orderedIds: [...v.channelIds].reverse() }), bodyIds: true },
  'PATCH /api/v1/sites/:id/columns/:columnId': { body: (_v, n) => ({ name: `矩阵改栏目${n}` }) },
  'POST /api/v1/sites/:id/columns/:columnId/move': { body: (v) => ({ parentId: v.column2Id }), bodyIds: true },
  'POST /api/v1/sites/:id/columns/:columnId/merge': { body: (v) => ({ targetId: v.column2Id }), bodyIds: true },
  'POST /api/v1/sites/:id/columns/:columnId/close': {},
  'GET /api/v1/templates': {},
  'POST /api/v1/templates': { body: (_v, n) => ({ code: `mx-t${n}`, name: `矩阵模板${n}`, columns: [{ path: '/mxt/', name: '矩阵', kind: 'news' }] }) },
  'POST /api/v1/templates/:ref/apply': { body: (v) => ({ siteIds: [v.siteId] }), bodyIds: true },
  // Accounts, grants and the audit trail (user.manage, audit.read) and one's own account (authenticated).
  'GET /users': {},
  'POST /users': { body: (v, n) => ({ username: `mx-u${n}`, displayName: `矩阵用户${n}`, password: `matrix-user-${n}-2026`, role: 'editor', siteId: v.siteId }), bodyIds: true },
  'GET /users/:id': { query: (v) => `?columnsOf=${v.siteId}` },
  'POST /users/:id/grants': { body: (v) => ({ role: 'editor', scopeKind: 'site', siteId: v.siteId, expiresAt: '' }), bodyIds: true },
  'POST /users/:id/grants/:grantId/revoke': { body: () => ({}), crossFrom: ['grantId'] },
  'POST /users/:id/disable': { body: () => ({ confirm: '1' }) },
  'POST /users/:id/password': { body: (_v, n) => ({ password: `matrix-reset-${n}-2026` }) },
  'GET /audit': { query: (v) => `?site=${v.siteId}` },
  'GET /audit.csv': { query: (v) => `?site=${v.siteId}` },
  'GET /audit/verify': {},
  'GET /account': {},
  'GET /account/totp': {},
  'POST /account/password': { body: () => ({ currentPassword: 'not-the-password-2026', newPassword: 'matrix-never-2026', newPasswordConfirm: 'matrix-never-2026' }) },
  'POST /account/sessions/end-all': { body: () => ({}) },
  'POST /account/locale': { body: () => ({ locale: 'zh-CN' }) },
  'POST /account/totp/begin': { body: () => ({}) },
  'POST /account/totp': { body: () => ({ code: '000000' }) },
  'POST /account/tokens': { body: (_v, n) => ({ name: `矩阵令牌${n}`, expiresAt: '' }) },
  'POST /account/tokens/:tokenId/revoke': { body: () => ({}) },
  // Articles, revisions, the review workflow, the trash and attachments: the route asks for content.* held
  // anywhere; the services check the victim's column (needs). The victim article is in review at its first step.
  'GET /api/v1/sites/:id/articles': { query: (v) => `?columnId=${v.columnId}`, needs: 'content.read', emptyList: 'articles' },
  'POST /api/v1/sites/:id/articles': { body: (v, n) => ({ columnId: v.columnId, ...title('稿件', n) }), bodyIds: true, needs: 'content.edit' },
  'GET /api/v1/sites/:id/articles/:articleId': { needs: 'content.read', crossFrom: ['articleId'] },
  'PUT /api/v1/sites/:id/articles/:articleId': {
    body: (v, n) => ({ baseRevisionId: v.revisionId, ...title('改稿', n) }), needs: 'content.edit',
    // One's own article, carrying the victim's file.
    cross: (v, n, mine) => ({ baseRevisionId: mine.revisionId, ...title('改稿', n), attachmentIds: [v.attachmentId] }),
  },
  'DELETE /api/v1/sites/:id/articles/:articleId': { needs: 'content.edit', crossFrom: ['articleId'] },
  'GET /api/v1/sites/:id/articles/:articleId/checks': { needs: 'content.read', crossFrom: ['articleId'] },
  'GET /api/v1/sites/:id/articles/:articleId/revisions': { needs: 'content.read', crossFrom: ['articleId'] },
  'GET /api/v1/sites/:id/articles/:articleId/revisions/:revisionId': { needs: 'content.read', crossFrom: ['revisionId'] },
  'GET /api/v1/sites/:id/articles/:articleId/diff': {
    query: (v) => `?from=${v.oldRevisionId}&to=${v.revisionId}`, needs: 'content.read',
    crossQuery: (v, mine) => `?from=${v.oldRevisionId}&to=${mine.revisionId}`,
  },
  'POST /api/v1/sites/:id/articles/:articleId/revisions/:revisionId/restore': {
    params: { revisionId: 'oldRevisionId' }, body: (v) => ({ baseRevisionId: v.revisionId }), needs: 'content.edit',
    // The victim's old revision restored into one's own article.
    crossFrom: ['oldRevisionId'], cross: (_v, _n, mine) => ({ baseRevisionId: mine.revisionId }),
  },
  'POST /api/v1/sites/:id/articles/:articleId/submit': { needs: 'content.edit', crossFrom: ['articleId'] },
  'GET /api/v1/sites/:id/workflow-runs/:runId': { needs: 'content.read', crossFrom: ['runId'] },
  'POST /api/v1/sites/:id/workflow-runs/:runId/approve': { body: () => ({}), needs: 'content.review', crossFrom: ['runId'] },
  'POST /api/v1/sites/:id/workflow-runs/:runId/request-changes': { body: (_v, n) => ({ reason: `矩阵退回${n}` }), needs: 'content.review', crossFrom: ['runId'] },
  'POST /api/v1/sites/:id/workflow-runs/:runId/cancel': { needs: 'content.edit', crossFrom: ['runId'] },
  'POST /api/v1/sites/:id/articles/:articleId/publish': { body: () => ({}), needs: 'content.publish', crossFrom: ['articleId'] },
  'POST /api/v1/sites/:id/articles/:articleId/withdraw': { body: (_v, n) => ({ reason: `矩阵撤稿${n}` }), needs: 'content.publish', crossFrom: ['articleId'] },
  'POST /api/v1/sites/:id/articles/:articleId/schedule/cancel': { needs: 'content.publish', crossFrom: ['articleId'] },
  'POST /api/v1/sites/:id/articles/:articleId/restore': { params: { articleId: 'trashedArticleId' }, needs: 'content.edit', crossFrom: ['trashedArticleId'] },
  'GET /api/v1/sites/:id/trash': { needs: 'content.read', emptyList: 'articles' },
  // Purging is the platform admin's alone (route-level), on the victim's trashed draft.
  'DELETE /api/v1/sites/:id/trash/:articleId': { params: { articleId: 'trashedArticleId' } },
  'GET /api/v1/tasks': {},
  'PUT /api/v1/sites/:id/articles/:articleId/interprets': {
    body: () => ({ policyArticleId: null }), needs: 'content.edit',
    // One's own article named the interpretation of the victim's policy document.
    cross: (v) => ({ policyArticleId: v.policyArticleId }),
  },
  'GET /api/v1/sites/:id/policies-without-interpretation': { needs: 'content.read', emptyList: 'policies' },
  // A foreign-language version of the victim article in the victim site's /en/ tree; with one's own article, the victim's column.
  'POST /api/v1/sites/:id/articles/:articleId/translations': { body: (v, n) => ({ locale: 'en', columnId: v.enColumnId, ...title('译稿', n) }), bodyIds: true, needs: 'content.edit' },
  'GET /api/v1/sites/:id/translation-lag': { needs: 'content.read', emptyList: 'rows' },
  // Placements in other columns and moves: the victim article into the victim's second column; one's own article into the victim's column.
  'GET /api/v1/sites/:id/articles/:articleId/placements': { needs: 'content.read', crossFrom: ['articleId'] },
  'PUT /api/v1/sites/:id/articles/:articleId/placements/:columnId': { params: { columnId: 'column2Id' }, body: () => ({ pinned: true, sortOrder: 5 }), needs: 'content.edit', crossFrom: ['column2Id'] },
  'DELETE /api/v1/sites/:id/articles/:articleId/placements/:columnId': { params: { columnId: 'column2Id' }, needs: 'content.edit', crossFrom: ['column2Id'] },
  'POST /api/v1/sites/:id/articles/:articleId/move': { body: (v) => ({ columnId: v.column2Id }), bodyIds: true, needs: 'content.edit' },
  // The serious-error list: a platform admin's, of its own platform only.
  'GET /api/v1/platforms/:platformId/serious-errors': {},
  'POST /api/v1/platforms/:platformId/serious-errors': { body: (_v, n) => ({ term: `矩阵错词${n}`, kind: 'forbidden' }) },
  'DELETE /api/v1/platforms/:platformId/serious-errors/:termId': { crossFrom: ['termId'] },
  'POST /api/v1/platforms/:platformId/serious-errors/import': { body: (_v, n) => ({ csv: `term,kind\n矩阵导入${n},forbidden\n` }) },
  'GET /serious-errors': {},
  'POST /serious-errors': { body: (_v, n) => ({ term: `矩阵错词${n}`, kind: 'forbidden' }) },
  'POST /serious-errors/:termId/remove': { body: () => ({}) },
  'POST /serious-errors/import': { body: (_v, n) => ({ csv: `term,kind\n矩阵导入${n},forbidden\n` }) },
  'PUT /api/v1/platforms/:platformId/secrecy-waivers/:kind': { body: (_v, n) => ({ reason: `矩阵豁免${n}` }) },
  'DELETE /api/v1/platforms/:platformId/secrecy-waivers/:kind': {},
  // A real multipart upload of a valid PDF: the permission is checked only after the file passed its content check.
  'POST /api/v1/sites/:id/attachments': { body: (_v, n) => ({ file: new Upload(`矩阵附件${n}.pdf`, TINY_PDF) }), needs: 'content.edit', needsOn: 'site' },
  'GET /api/v1/sites/:id/attachments': { needs: 'content.read', emptyList: 'attachments' },
  // The editors' console (稿件): the same services behind forms.
  'GET /content': {},
  'GET /tasks': {},
  'GET /sites/:id/articles': { query: (v) => `?column=${v.columnId}`, needs: 'content.read' },
  'GET /sites/:id/articles/new': { query: (v) => `?column=${v.columnId}`, needs: 'content.edit', needsOn: 'site' },
  'POST /sites/:id/articles': { body: (v, n) => ({ columnId: v.columnId, ...title('稿件', n) }), bodyIds: true, needs: 'content.edit' },
  'GET /sites/:id/articles/:articleId': { needs: 'content.read', crossFrom: ['articleId'] },
  'POST /sites/:id/articles/:articleId': {
    body: (v, n) => ({ baseRevisionId: v.revisionId, ...title('改稿', n) }), needs: 'content.edit',
    cross: (v, n, mine) => ({ baseRevisionId: mine.revisionId, ...title('改稿', n), attachmentIds: v.attachmentId }),
  },
  'POST /sites/:id/articles/:articleId/submit': { body: () => ({}), needs: 'content.edit', crossFrom: ['articleId'] },
  'POST /sites/:id/articles/:articleId/runs/:runId/approve': { body: () => ({ comment: '' }), needs: 'content.review', crossFrom: ['runId'] },
  'POST /sites/:id/articles/:articleId/runs/:runId/request-changes': { body: (_v, n) => ({ reason: `矩阵退回${n}` }), needs: 'content.review', crossFrom: ['runId'] },
  'POST /sites/:id/articles/:articleId/runs/:runId/cancel': { body: () => ({}), needs: 'content.edit', crossFrom: ['runId'] },
  'POST /sites/:id/articles/:articleId/publish': { body: () => ({ at: '' }), needs: 'content.publish', crossFrom: ['articleId'] },
  'POST /sites/:id/articles/:articleId/withdraw': { body: (_v, n) => ({ reason: `矩阵撤稿${n}`, at: '' }), needs: 'content.publish', crossFrom: ['articleId'] },
  'POST /sites/:id/articles/:articleId/schedule/cancel': { body: () => ({}), needs: 'content.publish', crossFrom: ['articleId'] },
  'POST /sites/:id/articles/:articleId/interprets': { body: () => ({ policyArticleId: '' }), needs: 'content.edit', cross: (v) => ({ policyArticleId: v.policyArticleId }) },
  'POST /sites/:id/articles/:articleId/trash': { body: () => ({}), needs: 'content.edit', crossFrom: ['articleId'] },
  'POST /sites/:id/articles/:articleId/revisions/:revisionId/restore': {
    params: { revisionId: 'oldRevisionId' }, body: (v) => ({ baseRevisionId: v.revisionId }), needs: 'content.edit',
    crossFrom: ['oldRevisionId'], cross: (_v, _n, mine) => ({ baseRevisionId: mine.revisionId }),
  },
  'GET /sites/:id/articles/:articleId/diff': {
    query: (v) => `?from=${v.oldRevisionId}&to=${v.revisionId}`, needs: 'content.read',
    crossQuery: (v, mine) => `?from=${v.oldRevisionId}&to=${mine.revisionId}`,
  },
  'GET /sites/:id/trash': { needs: 'content.read' },
  'POST /sites/:id/articles/:articleId/purge': { params: { articleId: 'trashedArticleId' }, body: () => ({}) },
  'GET /sites/:id/policies-without-interpretation': { needs: 'content.read' },
  'POST /sites/:id/articles/:articleId/restore': { params: { articleId: 'trashedArticleId' }, body: () => ({}), needs: 'content.edit', crossFrom: ['trashedArticleId'] },
  'POST /sites/:id/articles/:articleId/translations': { body: (v, n) => ({ locale: 'en', columnId: v.enColumnId, title: `矩阵译稿${n}` }), bodyIds: true, needs: 'content.edit' },
  'GET /sites/:id/translations': { needs: 'content.read' },
  'POST /sites/:id/articles/:articleId/placements': { body: (v) => ({ columnId: v.column2Id, pinned: '1', sortOrder: '5' }), bodyIds: true, needs: 'content.edit' },
  'POST /sites/:id/articles/:articleId/placements/remove': { body: (v) => ({ columnId: v.column2Id }), bodyIds: true, needs: 'content.edit' },
  'POST /sites/:id/articles/:articleId/move': { body: (v) => ({ columnId: v.column2Id }), bodyIds: true, needs: 'content.edit' },
  'POST /sites/:id/articles/bulk': { body: (v) => ({ ids: v.articleId, op: 'move', columnId: v.column2Id }), bodyIds: true, needs: 'content.edit', refusedPage: /成功处理 0 篇/ },
  // Preview of unpublished content, admin host only: an article's latest revision, a file it carries.
  'GET /preview/:siteId/articles/:id': { needs: 'content.read', crossFrom: ['articleId'] },
  'GET /preview/:siteId/files/:id': { needs: 'content.read', crossFrom: ['attachmentId'] },
};

/** For routes the matrix does not know yet: every id a form or an API body might take, from the victim. */
const generic = (v: Bundle, n: number): Body => ({
  name: `矩阵${n}`, displayName: `矩阵${n}`, username: `mx-g${n}`, password: `matrix-generic-${n}-2026`, siteId: v.siteId, userId: v.userId,
  grantId: v.grantId, orgUnitId: v.unitId, columnId: v.columnId, columnIds: v.columnId, domainId: v.domainId, sessionId: v.sessionId,
  tokenId: v.tokenId, role: 'editor', scopeKind: 'site', locale: 'en', confirm: '1',
});

export const keyOf = (r: Pick<Route, 'method' | 'url'>) => `${r.method === 'HEAD' ? 'GET' : r.method} ${r.url}`;
export const specOf = (r: Pick<Route, 'method' | 'url'>): Spec | undefined => SPECS[keyOf(r)];

/** Which bundle field a path parameter names: by its own name, or for `:id` by the segment before it. */
const PARAMS: Record<string, keyof Bundle> = {
  sites: 'siteId', siteId: 'siteId', columns: 'columnId', columnId: 'columnId', domains: 'domainId', domainId: 'domainId',
  'org-units': 'unitId', orgUnitId: 'unitId', unitId: 'unitId', units: 'unitId', org: 'unitId',
  users: 'userId', userId: 'userId', accounts: 'userId', grants: 'grantId', grantId: 'grantId',
  templates: 'templateRef', ref: 'templateRef', templateId: 'templateRef', sessions: 'sessionId', sessionId: 'sessionId',
  tokens: 'tokenId', 'api-tokens': 'tokenId', tokenId: 'tokenId',
  articles: 'articleId', articleId: 'articleId', revisions: 'revisionId', revisionId: 'revisionId', 'workflow-runs': 'runId', runId: 'runId',
  attachments: 'attachmentId', files: 'attachmentId', attachmentId: 'attachmentId', platforms: 'platformId', platformId: 'platformId', kind: 'waiverKind',
  'serious-errors': 'termId', termId: 'termId',
};
const WILDCARDS: [string, string][] = [['/_console/', 'console.css'], ['/api/docs/static/', 'swagger-ui.css']];

export class UnmappedParamError extends Error {}

export function hasParams(url: string): boolean {
  return /\/:[A-Za-z]/.test(url);
}

/** The route's path with its parameters taken from `b` (`params`: other fields for some parameters). */
export function fillPath(url: string, b: Bundle | null, params: Record<string, keyof Bundle> = {}): string {
  const segments = url.split('/');
  return segments.map((seg, i) => {
    if (seg === '*') return WILDCARDS.find(([p]) => url.startsWith(p))?.[1] ?? 'index.html';
    if (!seg.startsWith(':')) return seg;
    const name = seg.slice(1).replace(/\(.*$/, '');
    const field = params[name] ?? PARAMS[name === 'id' ? segments[i - 1]! : name];
    if (!field) throw new UnmappedParamError(`${url}: no victim object for :${name} (add it to PARAMS in authz-matrix.routes.ts and to the world)`);
    if (!b) throw new Error(`${url}: a parameter needs a bundle`);
    return String(b[field]);
  }).join('/');
}

/** The routes of the admin host: everything but the tenant sites (rewritten under PUBLIC_PREFIX). */
export function adminRoutes(app: FastifyInstance): Route[] {
  const seen = new Set<string>();
  return app.routeTable.filter((r) => !r.url.startsWith(PUBLIC_PREFIX) && !seen.has(`${r.method} ${r.url}`) && seen.add(`${r.method} ${r.url}`));
}

export interface Case {
  /** `rightful`: a write the requester may do to that victim (Spec.needs); not sent. */
  kind: 'victim' | 'cross' | 'inject' | 'plain' | 'rightful';
  victim: Bundle | null;
  readable: boolean;
  url: string;
  body: Body | undefined;
  /** Must be refused (4xx) even when the route-level permission is held. */
  strict: boolean;
}

const writes = (method: string) => method !== 'GET' && method !== 'HEAD';

/** The cases one requester tries one route in (`n` numbers names so none collide). */
export function casesFor(route: Route, r: Requester, n: () => number): Case[] {
  const spec = specOf(route);
  const bodyOf = (v: Bundle) => (writes(route.method) ? (spec ? spec.body?.(v, n()) : generic(v, n())) : undefined);
  const cases: Case[] = [];
  // HEAD runs its GET's handler (Fastify adds it), a Bearer token opens no console page, and the route-level check
  // (plugins/permission.ts) refuses on the principal alone, before any parameter is read: one victim shows any of them.
  const refusedAtRoute = route.permission !== 'public' && !r.holds.has(route.permission ?? '');
  const once = route.method === 'HEAD' || (r.bearer !== null && !route.url.startsWith('/api/')) || refusedAtRoute;
  const pool = r.contentVictims && route.permission?.startsWith('content.') ? r.victims.filter((x) => r.contentVictims!.has(x.bundle.label)) : r.victims;
  const victims = once ? [pool.find((x) => !x.readable) ?? pool[0]!] : pool;
  const rightful = (x: Victim) => Boolean(spec?.needs && (spec.needsOn === 'site' ? x.siteRights : x.rights).has(spec.needs));
  if (hasParams(route.url)) {
    for (const x of victims) {
      const { bundle: v, readable } = x;
      const url = fillPath(route.url, v, spec?.params) + (spec?.query?.(v) ?? '');
      if (!rightful(x)) cases.push({ kind: 'victim', victim: v, readable, url, body: bodyOf(v), strict: true });
      else if (writes(route.method)) cases.push({ kind: 'rightful', victim: v, readable, url, body: undefined, strict: false });
      else cases.push({ kind: 'victim', victim: v, readable, url, body: undefined, strict: false });
      // The own-object case probes the service's checks: pointless where the route-level check refuses anyway.
      if (r.own && r.own !== v && r.holds.has(route.permission ?? '') && (spec?.bodyIds || spec?.cross || spec?.crossFrom || spec?.crossQuery)) {
        const mine: Bundle = { ...r.own, ...r.ownUser };
        for (const field of spec.crossFrom ?? []) Object.assign(mine, { [field]: v[field] });
        cases.push({
          kind: 'cross', victim: v, readable, url: fillPath(route.url, mine, spec.params) + (spec.crossQuery?.(v, r.own) ?? ''),
          body: writes(route.method) ? (spec.cross?.(v, n(), r.own) ?? bodyOf(v)) : undefined, strict: true,
        });
      }
    }
  } else if (spec?.bodyIds || spec?.query || (!spec && writes(route.method))) {
    for (const { bundle: v, readable } of spec ? victims : victims.filter((x) => !x.readable).slice(0, 1)) {
      cases.push({ kind: 'inject', victim: v, readable, url: fillPath(route.url, null) + (spec?.query?.(v) ?? ''), body: bodyOf(v), strict: Boolean(spec?.bodyIds) });
    }
  }
  if (!cases.length) cases.push({ kind: 'plain', victim: null, readable: false, url: fillPath(route.url, null), body: bodyOf(r.victims[0]!.bundle), strict: false });
  return cases;
}

/** Send a request as a requester: cookies and a CSRF token on console forms, JSON on the API, or a Bearer token. */
export function send(app: FastifyInstance, r: Requester, method: string, url: string, body?: Body, cookies = r.cookies): Promise<LightMyRequestResponse> {
  const api = url.startsWith('/api/');
  const headers: Record<string, string> = { host: ADMIN_HOST };
  if (r.bearer && api) headers.authorization = `Bearer ${r.bearer}`;
  let payload: string | Buffer | undefined;
  const file = Object.entries(body ?? {}).find((e): e is [string, Upload] => e[1] instanceof Upload);
  if (writes(method) && api && file) {
    const boundary = `----zq-matrix-${randomUUID()}`;
    const [field, upload] = file;
    headers['content-type'] = `multipart/form-data; boundary=${boundary}`;
    payload = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${upload.filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
      upload.bytes, Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
  } else if (writes(method) && api && body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  } else if (writes(method) && !api) {
    const fields = new URLSearchParams({ _csrf: r.csrf });
    for (const [k, v] of Object.entries(body ?? {})) for (const x of [v].flat()) fields.append(k, String(x));
    headers['content-type'] = 'application/x-www-form-urlencoded';
    payload = fields.toString();
  }
  return app.inject({ method: method as 'GET', url, headers, cookies: r.bearer ? {} : cookies, remoteAddress: r.ip, ...(payload !== undefined ? { payload } : {}) });
}

/** What is wrong with this answer, or null. The rules of issue 4's matrix. */
export function judge(route: Route, r: Requester, c: Case, res: LightMyRequestResponse): string | null {
  const status = res.statusCode;
  const location = String(res.headers.location ?? '');
  const api = route.url.startsWith('/api/');
  if (status >= 500) return `server error ${status}`;
  if (route.permission === 'public') return null;
  if (!r.username || (r.bearer && !api)) {
    const refused = api ? status === 401 : status === 303 && location === '/login';
    return refused ? null : `reachable without signing in: ${status} ${location}`;
  }
  if (status === 401 || location === '/login') return `signed-in requester treated as anonymous (${status} ${location}): the matrix would prove nothing`;
  if (!r.holds.has(route.permission ?? '')) return status === 403 ? null : `route-level check let a role without ${route.permission} through: ${status} ${location}`;
  if (c.strict && status === 200 && specOf(route)?.emptyList) {
    // HEAD sends no body; its GET is judged on its own.
    if (route.method === 'HEAD') return null;
    const list = (JSON.parse(res.body) as Record<string, unknown>)[specOf(route)!.emptyList!];
    return Array.isArray(list) && list.length === 0 ? null : `victim's ${specOf(route)!.emptyList} listed (${Array.isArray(list) ? list.length : 'not a list'})`;
  }
  const refusedPage = specOf(route)?.refusedPage;
  if (c.strict && status === 200 && refusedPage) return refusedPage.test(res.body) ? null : `victim reachable: the page does not say it refused (${refusedPage})`;
  if (c.strict && !(status >= 400 && status < 500)) return `victim reachable: ${status} ${location}`;
  return null;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const word = (s: string) => new RegExp(`(^|[^a-z0-9-])${escape(s)}($|[^a-z0-9-])`);
const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
  .replace(/'/g, '&#x27;').replace(/`/g, '&#x60;').replace(/=/g, '&#x3D;');
/** The console's own example texts (placeholders like "如 www.anhe.gov.cn") are not tenant data. */
const UI_TEXT = [...new Set(Object.values(CATALOGUES).flatMap((c) => Object.values(c)))].filter((s) => /[a-z]{3}/.test(s));

export interface LeakMatcher { what: string; test: (body: string) => boolean }

/** What a response must never contain for this requester: names, codes and hosts of victims outside its read scope. */
export function leakMatchers(r: Requester): LeakMatcher[] & { uiText: string[] } {
  const out: LeakMatcher[] = [];
  const codes: RegExp[] = [];
  for (const { bundle: v, readable } of r.victims) {
    if (readable) continue;
    for (const s of [v.siteName, v.unitName, ...v.columnNames, v.userDisplayName, v.tokenName, v.templateName, v.domainHost, v.articleMarker, v.attachmentName, v.termText]) out.push({ what: `${v.label}: ${s}`, test: (b) => b.includes(s) });
    for (const s of [v.siteCode, v.username]) {
      const re = word(s);
      codes.push(re);
      out.push({ what: `${v.label}: code ${s}`, test: (b) => re.test(b) });
    }
  }
  return Object.assign(out, { uiText: UI_TEXT.filter((t) => codes.some((re) => re.test(t))) });
}

/** The answer without what the requester itself sent (a search box shows its query again) and without the console's own texts. */
export function withoutEchoes(body: string, c: Pick<Case, 'url' | 'body'>, uiText: readonly string[]): string {
  const sent = [...new URL(c.url, 'http://x').searchParams.values(), ...Object.values(c.body ?? {}).flat().map(String)];
  let out = body;
  for (const s of [...sent, ...uiText].filter((x) => x.length >= 3).sort((a, b) => b.length - a.length)) {
    out = out.split(s).join(' ').split(html(s)).join(' ');
  }
  return out;
}

const hash = (table: string, where: ReturnType<typeof sql>) =>
  sql<string>`(select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) from ${sql.table(table)} t where ${where})`;

/**
 * The victims' rows (site, columns, domains, org units, grants, users, and their sessions and
 * tokens; the sites' articles, review runs and tasks, attachments and publications, and their
 * platforms' secrecy waivers), hashed per table — revisions, immutable, by count and newest id;
 * for another platform's victims also how many rows that platform has.
 */
export async function snapshot(db: Kysely<Database>, bundles: readonly Bundle[], requesterPlatform: string | null): Promise<Record<string, string>> {
  if (!bundles.length) return {};
  const sites = sql.val(bundles.map((b) => b.siteId));
  const units = sql.val(bundles.flatMap((b) => [b.unitId, b.unit2Id]));
  const users = sql.val(bundles.map((b) => b.userId));
  const platforms = sql.val([...new Set(bundles.map((b) => b.platformId))]);
  const foreign = sql.val([...new Set(bundles.map((b) => b.platformId))].filter((p) => p !== requesterPlatform));
  const inSites = sql`t.site_id = any(${sites}::uuid[])`;
  const { rows } = await sql<Record<string, string>>`select
    ${hash('site', sql`t.id = any(${sites}::uuid[])`)} as site,
    ${hash('site_column', sql`t.site_id = any(${sites}::uuid[])`)} as site_column,
    ${hash('site_domain', sql`t.site_id = any(${sites}::uuid[])`)} as site_domain,
    ${hash('org_unit', sql`t.id = any(${units}::uuid[])`)} as org_unit,
    ${hash('role_grant', sql`t.site_id = any(${sites}::uuid[]) or t.org_unit_id = any(${units}::uuid[]) or t.user_id = any(${users}::uuid[])`)} as role_grant,
    ${hash('app_user', sql`t.id = any(${users}::uuid[])`)} as app_user,
    ${hash('session', sql`t.user_id = any(${users}::uuid[])`)} as session,
    ${hash('api_token', sql`t.user_id = any(${users}::uuid[])`)} as api_token,
    ${hash('article', inSites)} as article,
    (select concat_ws('/', count(*), max(id::text)) from article_revision t where ${inSites}) as article_revision,
    (select concat_ws('/', count(*), max(attachment_id::text)) from revision_attachment t where ${inSites}) as revision_attachment,
    ${hash('article_placement', inSites)} as article_placement,
    ${hash('site_theme_setting', inSites)} as site_theme_setting,
    ${hash('site_partial_override', inSites)} as site_partial_override,
    ${hash('workflow_run', inSites)} as workflow_run,
    ${hash('workflow_task', inSites)} as workflow_task,
    ${hash('article_publication', inSites)} as article_publication,
    ${hash('attachment', inSites)} as attachment,
    ${hash('secrecy_waiver', sql`t.platform_id = any(${platforms}::uuid[])`)} as secrecy_waiver,
    ${hash('serious_error_term', sql`t.platform_id = any(${platforms}::uuid[])`)} as serious_error_term,
    (select concat_ws('/', (select count(*) from site where platform_id = any(${foreign}::uuid[])),
      (select count(*) from org_unit where platform_id = any(${foreign}::uuid[])),
      (select count(*) from app_user where platform_id = any(${foreign}::uuid[])),
      (select count(*) from role_grant where platform_id = any(${foreign}::uuid[])),
      (select count(*) from article a join site s on s.id = a.site_id where s.platform_id = any(${foreign}::uuid[])))) as foreign_rows`.execute(db);
  return rows[0]!;
}

/** Tables whose hash differs. */
export function changed(before: Record<string, string>, after: Record<string, string>): string[] {
  return Object.keys(before).filter((k) => before[k] !== after[k]);
}
