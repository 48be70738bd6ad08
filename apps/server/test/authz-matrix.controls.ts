/**
 * Positive controls of the authorization matrix: the rightful role, on its own objects, gets
 * through every route the matrix refuses to the others — so the refusals are not everything
 * being broken. Destructive steps (close, merge, remove) act on throwaway objects made first.
 */
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { formatZoned } from '@zhanqun/core/time';
import { totpCode } from '@zhanqun/identity/totp';
import { loginAs, type TestApp } from './helper.js';
import { fillPath, keyOf, send, Upload, type Body, type Route } from './authz-matrix.routes.js';
import { TINY_PDF, type Bundle, type Requester, type World } from './authz-matrix.world.js';

type Expect = number | number[] | { ok: string };
/** The demo roles an article passes through: its editor, the reviewer, the secrecy reviewer, and the platform admin (waivers, the site chooser). */
export interface ContentRoles { editor: Requester; reviewer: Requester; secrecy: Requester; admin: Requester }

export class Controls {
  /** Route key → who succeeded on it. */
  readonly covered = new Map<string, Set<string>>();
  count = 0;
  constructor(private readonly h: TestApp, private readonly routes: readonly Route[]) {}
  private get app() { return this.h.app; }
  private get db() { return this.h.t.db; }

  /** Call a route (by its table entry) with these parameters (`?`: a query string) as `as`; it must answer as expected. */
  async step(as: Requester, route: string, params: Record<string, string>, body: Body | undefined, expected: Expect, contains?: string): Promise<LightMyRequestResponse> {
    const [method, pattern] = route.split(' ') as [string, string];
    if (!this.routes.some((r) => r.method === method && r.url === pattern)) throw new Error(`positive control names ${route}, which is not in the route table`);
    const url = fillPath(pattern.replace(/:([A-Za-z]+)/g, (_m, p: string) => params[p] ?? `<missing ${p}>`), null) + (params['?'] ?? '');
    const res = await send(this.app, as, method, url, body);
    this.count++;
    const location = String(res.headers.location ?? '');
    const ok = typeof expected === 'number' ? res.statusCode === expected : Array.isArray(expected) ? expected.includes(res.statusCode) : res.statusCode === 303 && location.includes(`ok=${expected.ok}`);
    if (!ok) throw new Error(`positive control ${as.name} ${method} ${url}: expected ${JSON.stringify(expected)}, got ${res.statusCode} ${location} ${res.body.slice(0, 300)}`);
    if (contains && !res.body.includes(contains)) throw new Error(`positive control ${as.name} ${method} ${url}: the answer does not show "${contains}"`);
    const key = keyOf({ method, url: pattern });
    if (!this.covered.has(key)) this.covered.set(key, new Set());
    this.covered.get(key)!.add(as.name);
    return res;
  }

  /** GET and HEAD of a page or resource. */
  async read(as: Requester, route: string, params: Record<string, string> = {}, contains?: string): Promise<LightMyRequestResponse> {
    const res = await this.step(as, `GET ${route}`, params, undefined, 200, contains);
    if (this.routes.some((r) => r.method === 'HEAD' && r.url === route)) await this.step(as, `HEAD ${route}`, params, undefined, 200);
    return res;
  }

  private async domainId(siteId: string, host: string): Promise<string> {
    return (await this.db.selectFrom('site_domain').select('id').where('site_id', '=', siteId).where('host', '=', host).executeTakeFirstOrThrow()).id;
  }

  private async primaryDomain(siteId: string): Promise<string> {
    return (await this.db.selectFrom('site_domain').select('id').where('site_id', '=', siteId).where('role', '=', 'primary').where('path_prefix', '=', '/').executeTakeFirstOrThrow()).id;
  }

  /** A site admin runs its own site in the console: details, domains, the column tree (on throwaway columns). */
  async consoleSite(as: Requester, own: Bundle, tag: string): Promise<void> {
    const id = own.siteId;
    await this.read(as, '/sites', {}, own.siteName);
    await this.read(as, '/sites/:id', { id }, own.siteName);
    await this.step(as, 'POST /sites/:id', { id }, { name: own.siteName, contact: '0000-11112222' }, { ok: 'site.updated' });
    const host = `mx-${tag}.example.cn`;
    await this.step(as, 'POST /sites/:id/domains', { id }, { host, role: 'alias' }, { ok: 'domain.added' });
    const domainId = await this.domainId(id, host);
    const primary = await this.primaryDomain(id);
    await this.step(as, 'POST /sites/:id/domains/:domainId/primary', { id, domainId }, {}, { ok: 'domain.primary' });
    await this.step(as, 'POST /sites/:id/domains/:domainId/primary', { id, domainId: primary }, {}, { ok: 'domain.primary' });
    await this.step(as, 'POST /sites/:id/domains/:domainId/remove', { id, domainId }, {}, { ok: 'domain.removed' });
    // 旧网站迁移: its legacy sites and import runs (read-only).
    await this.read(as, '/sites/:id/legacy', { id }, own.siteName);
    // 主题: the page, the preview of unsaved settings, and saving them (back to the site's own pack afterwards).
    await this.read(as, '/sites/:id/theme', { id }, own.siteName);
    await this.read(as, '/sites/:id/theme/preview', { id, '?': '?theme=county' }, own.siteName);
    await this.step(as, 'POST /sites/:id/theme/preview', { id }, { theme: 'county', 's.slogan': '矩阵对照预览' }, 200, '矩阵对照预览');
    const theme = (await this.db.selectFrom('site').select('theme').where('id', '=', id).executeTakeFirstOrThrow()).theme;
    await this.step(as, 'POST /sites/:id/theme', { id }, { theme: 'county', 's.slogan': '矩阵对照' }, { ok: 'site.theme' });
    await this.step(as, 'POST /sites/:id/theme', { id }, { theme }, { ok: 'site.theme' });
    await this.step(as, 'POST /sites/:id/theme/partials', { id }, { theme: 'default', name: 'share', source: '<p>矩阵对照局部</p>' }, { ok: 'site.partial' });
    await this.step(as, 'POST /sites/:id/theme/partials/remove', { id }, { theme: 'default', name: 'share' }, { ok: 'site.partial_removed' });
    await this.read(as, '/sites/:id/columns', { id }, own.columnNames[0]);
    const column = async (slug: string) => {
      const res = await this.step(as, 'POST /sites/:id/columns', { id }, { slug, name: `矩阵对照${slug}`, kind: 'news' }, { ok: 'column.created' });
      return /column=([0-9a-f-]{36})/.exec(String(res.headers.location))![1]!;
    };
    const a = await column(`${tag}a`);
    const b = await column(`${tag}b`);
    await this.step(as, 'POST /sites/:id/columns/:columnId', { id, columnId: a }, { name: '矩阵对照（改）', kind: 'notice', description: '' }, { ok: 'column.updated' });
    await this.step(as, 'POST /sites/:id/columns/:columnId/move', { id, columnId: a }, { parentId: b }, { ok: 'column.moved' });
    await this.step(as, 'POST /sites/:id/columns/:columnId/reorder', { id, columnId: b }, { direction: 'up' }, { ok: 'column.reordered' });
    await this.step(as, 'POST /sites/:id/columns/:columnId/merge', { id, columnId: a }, { targetId: b }, { ok: 'column.merged' });
    await this.step(as, 'POST /sites/:id/columns/:columnId/close', { id, columnId: b }, { confirm: '1' }, { ok: 'column.closed' });
  }

  /** A platform admin shapes its platform in the console: units, a new site, live, closed. */
  async consolePlatform(as: Requester, w: World): Promise<void> {
    await this.read(as, '/', {}, '演示省人民政府（演示）');
    await this.read(as, '/org-units', {}, '演示省人民政府');
    const unit = async (name: string) => {
      const res = await this.step(as, 'POST /org-units', {}, { parentId: w.unitOf.get('prov')!, level: 'department', name }, { ok: 'org.created' });
      return /unit=([0-9a-f-]{36})/.exec(String(res.headers.location))![1]!;
    };
    const a = await unit('矩阵对照厅甲');
    const b = await unit('矩阵对照厅乙');
    await this.step(as, 'POST /org-units/:id/rename', { id: a }, { name: '矩阵对照厅甲（改）' }, { ok: 'org.renamed' });
    await this.step(as, 'POST /org-units/:id/oversight', { id: a }, { oversightUnitId: b }, { ok: 'org.oversight_set' });
    await this.step(as, 'POST /org-units/:id/move', { id: a }, { parentId: w.unitOf.get('qingchuan')! }, { ok: 'org.moved' });
    await this.read(as, '/sites/new');
    const created = await this.step(as, 'POST /sites', {}, { orgUnitId: b, kind: 'department', code: 'mx-console', name: '矩阵对照站', hosts: '', applyTemplate: '1' }, { ok: 'site.created' });
    const site = /\/sites\/([0-9a-f-]{36})/.exec(String(created.headers.location))![1]!;
    await this.step(as, 'POST /sites/:id/live', { id: site }, {}, { ok: 'site.live' });
    await this.step(as, 'POST /sites/:id/close', { id: site }, { confirm: '1' }, { ok: 'site.closed' });
  }

  /** A site's routes in the API, on a site the requester manages (throwaway columns and domain). */
  async apiSite(as: Requester, siteId: string, tag: string): Promise<void> {
    const id = siteId;
    await this.read(as, '/api/v1/sites');
    await this.read(as, '/api/v1/sites/:id', { id });
    await this.step(as, 'PATCH /api/v1/sites/:id', { id }, { contact: '0000-22223333' }, 200);
    await this.read(as, '/api/v1/sites/:id/domains', { id });
    const primary = await this.primaryDomain(id);
    const added = await this.step(as, 'POST /api/v1/sites/:id/domains', { id }, { host: `mx-${tag}.example.cn` }, 201);
    const domainId = added.json<{ id: string }>().id;
    await this.step(as, 'POST /api/v1/sites/:id/domains/:domainId/primary', { id, domainId }, undefined, 200);
    await this.step(as, 'POST /api/v1/sites/:id/domains/:domainId/primary', { id, domainId: primary }, undefined, 200);
    await this.step(as, 'DELETE /api/v1/sites/:id/domains/:domainId', { id, domainId }, undefined, 204);
    const list = await this.read(as, '/api/v1/sites/:id/columns', { id });
    const channels = list.json<{ columns: { id: string; parentId: string | null }[] }>().columns.filter((c) => c.parentId === null).map((c) => c.id);
    await this.step(as, 'POST /api/v1/sites/:id/columns/reorder', { id }, { parentId: null, orderedIds: channels }, 204);
    const a = (await this.step(as, 'POST /api/v1/sites/:id/columns', { id }, { slug: `${tag}a`, name: '矩阵接口甲', kind: 'news' }, 201)).json<{ id: string }>().id;
    const b = (await this.step(as, 'POST /api/v1/sites/:id/columns', { id }, { slug: `${tag}b`, name: '矩阵接口乙', kind: 'news' }, 201)).json<{ id: string }>().id;
    await this.step(as, 'PATCH /api/v1/sites/:id/columns/:columnId', { id, columnId: a }, { name: '矩阵接口甲（改）' }, 200);
    await this.step(as, 'POST /api/v1/sites/:id/columns/:columnId/move', { id, columnId: a }, { parentId: b }, 200);
    await this.step(as, 'POST /api/v1/sites/:id/columns/:columnId/merge', { id, columnId: a }, { targetId: b }, 200);
    await this.step(as, 'POST /api/v1/sites/:id/columns/:columnId/close', { id, columnId: b }, undefined, 200);
  }

  /** The platform's routes in the API: units, templates, a throwaway site through its whole life, the docs. */
  async apiPlatform(as: Requester, w: World, tag: string): Promise<void> {
    await this.read(as, '/api/v1/org-units');
    const unit = (await this.step(as, 'POST /api/v1/org-units', {}, { parentId: w.unitOf.get('prov')!, level: 'department', name: `矩阵接口局${tag}` }, 201)).json<{ id: string }>().id;
    await this.step(as, 'PATCH /api/v1/org-units/:id', { id: unit }, { name: `矩阵接口局${tag}（改）` }, 200);
    await this.read(as, '/api/v1/templates');
    const ref = (await this.step(as, 'POST /api/v1/templates', {}, { code: `mx-${tag}`, name: `矩阵对照模板${tag}`, columns: [{ path: '/mxt/', name: '矩阵', kind: 'news' }] }, 201)).json<{ ref: string }>().ref;
    const site = (await this.step(as, 'POST /api/v1/sites', {}, { orgUnitId: unit, kind: 'department', code: `mx-${tag}`, name: `矩阵接口站${tag}` }, 201)).json<{ id: string }>().id;
    await this.step(as, 'POST /api/v1/templates/:ref/apply', { ref: 'standard' }, { siteIds: [site] }, 200);
    await this.step(as, 'POST /api/v1/templates/:ref/apply', { ref }, { siteIds: [site] }, 200);
    await this.step(as, 'POST /api/v1/sites/:id/status', { id: site }, { status: 'live' }, 200);
    await this.apiSite(as, site, `${tag}s`);
    await this.step(as, 'POST /api/v1/sites/:id/close', { id: site }, undefined, 200);
    for (const r of this.routes.filter((x) => x.url.startsWith('/api/docs'))) await this.step(as, `${r.method} ${r.url}`, {}, undefined, [200, 302]);
  }

  /**
   * An article's whole life through the API, each step by the demo role it belongs to, in a column
   * the editor holds: upload, write, save, restore, submit, withdraw from review, both reviews,
   * schedule, unschedule, publish, withdraw; a second one sent back, binned and restored; and a
   * platform admin's secrecy waiver.
   */
  async articles(roles: ContentRoles, site: Bundle, columnId: string, otherColumnId: string): Promise<void> {
    const { editor, reviewer, secrecy, admin } = roles;
    const id = site.siteId;
    const platformId = site.platformId;
    type Json = { id: string; latestRevisionId: string };
    const file = (await this.step(editor, 'POST /api/v1/sites/:id/attachments', { id }, { file: new Upload('矩阵对照附件.pdf', TINY_PDF) }, 201)).json<{ id: string }>().id;
    await this.read(editor, '/api/v1/sites/:id/attachments', { id }, '矩阵对照附件.pdf');
    const created = (await this.step(editor, 'POST /api/v1/sites/:id/articles', { id }, { columnId, title: '矩阵对照稿件', bodyHtml: '<p>初稿</p>', attachmentIds: [file] }, 201)).json<Json>();
    const articleId = created.id;
    const first = created.latestRevisionId;
    await this.read(editor, '/api/v1/sites/:id/articles', { id, '?': `?columnId=${columnId}` }, '矩阵对照稿件');
    await this.read(editor, '/api/v1/sites/:id/articles/:articleId', { id, articleId }, '矩阵对照附件.pdf');
    await this.read(editor, '/api/v1/sites/:id/articles/:articleId/checks', { id, articleId }, '"blocked":false');
    const saved = (await this.step(editor, 'PUT /api/v1/sites/:id/articles/:articleId', { id, articleId }, { baseRevisionId: first, title: '矩阵对照稿件（修订）', bodyHtml: '<p>修订稿</p>' }, 200)).json<Json>().id;
    await this.read(editor, '/api/v1/sites/:id/articles/:articleId/revisions', { id, articleId }, saved);
    await this.read(editor, '/api/v1/sites/:id/articles/:articleId/revisions/:revisionId', { id, articleId, revisionId: first }, '初稿');
    await this.read(editor, '/api/v1/sites/:id/articles/:articleId/diff', { id, articleId, '?': `?from=${first}&to=${saved}` }, '修订');
    await this.step(editor, 'PUT /api/v1/sites/:id/articles/:articleId/interprets', { id, articleId }, { policyArticleId: site.policyArticleId }, 200);
    await this.step(editor, 'PUT /api/v1/sites/:id/articles/:articleId/interprets', { id, articleId }, { policyArticleId: null }, 200);
    await this.read(reviewer, '/api/v1/sites/:id/policies-without-interpretation', { id }, site.policyArticleId);
    // Shown in its other column too, pinned; taken out again; moved there and back.
    await this.step(editor, 'PUT /api/v1/sites/:id/articles/:articleId/placements/:columnId', { id, articleId, columnId: otherColumnId }, { pinned: true, sortOrder: 3 }, 204);
    await this.read(editor, '/api/v1/sites/:id/articles/:articleId/placements', { id, articleId }, otherColumnId);
    await this.step(editor, 'DELETE /api/v1/sites/:id/articles/:articleId/placements/:columnId', { id, articleId, columnId: otherColumnId }, undefined, 204);
    await this.step(editor, 'POST /api/v1/sites/:id/articles/:articleId/move', { id, articleId }, { columnId: otherColumnId }, 200, otherColumnId);
    await this.step(editor, 'POST /api/v1/sites/:id/articles/:articleId/move', { id, articleId }, { columnId }, 200, columnId);
    const restored = (await this.step(editor, 'POST /api/v1/sites/:id/articles/:articleId/revisions/:revisionId/restore', { id, articleId, revisionId: first }, { baseRevisionId: saved }, 200, '初稿')).json<Json>().id;
    const dropped = (await this.step(editor, 'POST /api/v1/sites/:id/articles/:articleId/submit', { id, articleId }, undefined, 201, restored)).json<Json>().id;
    await this.read(editor, '/api/v1/sites/:id/workflow-runs/:runId', { id, runId: dropped }, 'in_progress');
    await this.step(editor, 'POST /api/v1/sites/:id/workflow-runs/:runId/cancel', { id, runId: dropped }, undefined, 204);
    const runId = (await this.step(editor, 'POST /api/v1/sites/:id/articles/:articleId/submit', { id, articleId }, undefined, 201)).json<Json>().id;
    await this.read(reviewer, '/api/v1/tasks', {}, runId);
    await this.step(reviewer, 'POST /api/v1/sites/:id/workflow-runs/:runId/approve', { id, runId }, { comment: '同意' }, 200, 'secrecy_review');
    await this.step(secrecy, 'POST /api/v1/sites/:id/workflow-runs/:runId/approve', { id, runId }, {}, 200, '"approved"');
    const at = new Date(this.h.clock.now().getTime() + 60 * 60_000).toISOString();
    await this.step(reviewer, 'POST /api/v1/sites/:id/articles/:articleId/publish', { id, articleId }, { at }, 200, '"scheduled"');
    await this.step(reviewer, 'POST /api/v1/sites/:id/articles/:articleId/schedule/cancel', { id, articleId }, undefined, 200);
    await this.step(reviewer, 'POST /api/v1/sites/:id/articles/:articleId/publish', { id, articleId }, {}, 200, '"published"');
    await this.step(reviewer, 'POST /api/v1/sites/:id/articles/:articleId/withdraw', { id, articleId }, { reason: '矩阵对照撤稿' }, 200, '"withdrawn"');
    // A second article: sent back with a reason, binned by its editor and brought back.
    const second = (await this.step(editor, 'POST /api/v1/sites/:id/articles', { id }, { columnId, title: '矩阵对照退回稿', bodyHtml: '<p>x</p>' }, 201)).json<Json>().id;
    const back = (await this.step(editor, 'POST /api/v1/sites/:id/articles/:articleId/submit', { id, articleId: second }, undefined, 201)).json<Json>().id;
    await this.step(reviewer, 'POST /api/v1/sites/:id/workflow-runs/:runId/request-changes', { id, runId: back }, { reason: '矩阵对照：请补充发文字号' }, 200, 'needs_changes');
    await this.step(editor, 'DELETE /api/v1/sites/:id/articles/:articleId', { id, articleId: second }, undefined, 200);
    await this.read(editor, '/api/v1/sites/:id/trash', { id }, second);
    await this.step(editor, 'POST /api/v1/sites/:id/articles/:articleId/restore', { id, articleId: second }, undefined, 200);
    // Secrecy review waived for a column kind of the admin's own platform, then required again.
    await this.step(admin, 'PUT /api/v1/platforms/:platformId/secrecy-waivers/:kind', { platformId, kind: 'plans' }, { reason: '矩阵对照：计划类栏目不涉密' }, 204);
    await this.step(admin, 'DELETE /api/v1/platforms/:platformId/secrecy-waivers/:kind', { platformId, kind: 'plans' }, undefined, 204);
  }

  /** The same life through the console's forms (and the pages around it: the list, the queue, the trash, uninterpreted policies). */
  async consoleArticles(roles: ContentRoles, site: Bundle, columnId: string, otherColumnId: string): Promise<void> {
    const { editor, reviewer, secrecy, admin } = roles;
    const id = site.siteId;
    const latest = async (articleId: string) => (await this.db.selectFrom('article').select('latest_revision_id').where('id', '=', articleId).executeTakeFirstOrThrow()).latest_revision_id!;
    const openRun = async (articleId: string) => (await this.db.selectFrom('workflow_run').select('id').where('article_id', '=', articleId).where('status', '=', 'in_progress').executeTakeFirstOrThrow()).id;
    const articleOf = (res: LightMyRequestResponse) => /\/articles\/([0-9a-f-]{36})/.exec(String(res.headers.location))![1]!;
    await this.read(admin, '/content');
    await this.read(editor, '/sites/:id/articles', { id, '?': `?column=${columnId}` });
    await this.read(editor, '/sites/:id/articles/new', { id, '?': `?column=${columnId}` }, 'data-zq-editor');
    const articleId = articleOf(await this.step(editor, 'POST /sites/:id/articles', { id }, { columnId, title: '矩阵控制台稿件', bodyHtml: '<p>初稿</p>' }, { ok: 'article.created' }));
    const first = await latest(articleId);
    await this.read(editor, '/sites/:id/articles/:articleId', { id, articleId }, '矩阵控制台稿件');
    await this.read(editor, '/preview/:siteId/articles/:id', { siteId: id, id: articleId }, '矩阵控制台稿件');
    await this.read(editor, '/preview/:siteId/files/:id', { siteId: id, id: site.attachmentId }, '%PDF');
    await this.step(editor, 'POST /sites/:id/articles/:articleId', { id, articleId }, { baseRevisionId: first, title: '矩阵控制台稿件（修订）', bodyHtml: '<p>修订稿</p>' }, { ok: 'article.saved' });
    const saved = await latest(articleId);
    await this.read(editor, '/sites/:id/articles/:articleId/diff', { id, articleId, '?': `?from=${first}&to=${saved}` }, '修订');
    await this.step(editor, 'POST /sites/:id/articles/:articleId/revisions/:revisionId/restore', { id, articleId, revisionId: first }, { baseRevisionId: saved }, { ok: 'article.revision_restored' });
    await this.step(editor, 'POST /sites/:id/articles/:articleId/interprets', { id, articleId }, { policyArticleId: site.policyArticleId }, { ok: 'article.interprets_set' });
    await this.step(editor, 'POST /sites/:id/articles/:articleId/interprets', { id, articleId }, { policyArticleId: '' }, { ok: 'article.interprets_set' });
    await this.step(editor, 'POST /sites/:id/articles/:articleId/placements', { id, articleId }, { columnId: otherColumnId, pinned: '1', sortOrder: '3' }, { ok: 'article.placed' });
    await this.step(editor, 'POST /sites/:id/articles/:articleId/placements/remove', { id, articleId }, { columnId: otherColumnId }, { ok: 'article.unplaced' });
    await this.step(editor, 'POST /sites/:id/articles/:articleId/move', { id, articleId }, { columnId: otherColumnId }, { ok: 'article.moved' });
    await this.step(editor, 'POST /sites/:id/articles/bulk', { id }, { ids: articleId, op: 'move', columnId }, 200, '成功处理 1 篇');
    await this.step(editor, 'POST /sites/:id/articles/:articleId/submit', { id, articleId }, {}, { ok: 'article.submitted' });
    await this.step(editor, 'POST /sites/:id/articles/:articleId/runs/:runId/cancel', { id, articleId, runId: await openRun(articleId) }, {}, { ok: 'article.run_cancelled' });
    await this.step(editor, 'POST /sites/:id/articles/:articleId/submit', { id, articleId }, {}, { ok: 'article.submitted' });
    const runId = await openRun(articleId);
    await this.read(reviewer, '/tasks', {}, '矩阵控制台稿件');
    await this.step(reviewer, 'POST /sites/:id/articles/:articleId/runs/:runId/approve', { id, articleId, runId }, { comment: '同意' }, { ok: 'article.approved' });
    await this.step(secrecy, 'POST /sites/:id/articles/:articleId/runs/:runId/approve', { id, articleId, runId }, { comment: '' }, { ok: 'article.approved' });
    const at = formatZoned(new Date(this.h.clock.now().getTime() + 60 * 60_000), 'yyyy-MM-dd HH:mm').replace(' ', 'T');
    await this.step(reviewer, 'POST /sites/:id/articles/:articleId/publish', { id, articleId }, { at }, { ok: 'article.scheduled' });
    await this.step(reviewer, 'POST /sites/:id/articles/:articleId/schedule/cancel', { id, articleId }, {}, { ok: 'article.schedule_cancelled' });
    await this.step(reviewer, 'POST /sites/:id/articles/:articleId/publish', { id, articleId }, { at: '' }, { ok: 'article.published' });
    await this.step(reviewer, 'POST /sites/:id/articles/:articleId/withdraw', { id, articleId }, { reason: '矩阵控制台撤稿', at: '' }, { ok: 'article.withdrawn' });
    await this.read(reviewer, '/sites/:id/policies-without-interpretation', { id }, '矩阵靶稿件');
    const second = articleOf(await this.step(editor, 'POST /sites/:id/articles', { id }, { columnId, title: '矩阵控制台退回稿', bodyHtml: '<p>x</p>', then: 'submit' }, { ok: 'article.submitted' }));
    await this.step(reviewer, 'POST /sites/:id/articles/:articleId/runs/:runId/request-changes', { id, articleId: second, runId: await openRun(second) }, { reason: '矩阵控制台：请补充发文字号' }, { ok: 'article.sent_back' });
    await this.step(editor, 'POST /sites/:id/articles/:articleId/trash', { id, articleId: second }, {}, { ok: 'article.trashed' });
    await this.read(editor, '/sites/:id/trash', { id }, '矩阵控制台退回稿');
    await this.step(editor, 'POST /sites/:id/articles/:articleId/restore', { id, articleId: second }, {}, { ok: 'article.restored' });
  }

  /** A site admin's foreign-language versions in its own site, through the API and the console, and the lag reports. */
  async translations(as: Requester, own: Bundle): Promise<void> {
    const id = own.siteId;
    const original = async (title: string) => (await this.step(as, 'POST /api/v1/sites/:id/articles', { id }, { columnId: own.columnId, title, bodyHtml: '<p>原文</p>' }, 201)).json<{ id: string }>().id;
    const a = await original('矩阵对照原文甲');
    await this.step(as, 'POST /api/v1/sites/:id/articles/:articleId/translations', { id, articleId: a }, { locale: 'en', columnId: own.enColumnId, title: 'Matrix control translation', bodyHtml: '<p>English</p>' }, 201, '"locale":"en"');
    await this.read(as, '/api/v1/sites/:id/translation-lag', { id });
    const b = await original('矩阵对照原文乙');
    await this.step(as, 'POST /sites/:id/articles/:articleId/translations', { id, articleId: b }, { locale: 'en', columnId: own.enColumnId, title: 'Matrix console translation' }, { ok: 'article.translation_created' });
    await this.read(as, '/sites/:id/translations', { id });
  }

  /** A platform admin's serious-error list of its own platform, through the API and the console. */
  async seriousErrors(admin: Requester, platformId: string, listed: string): Promise<void> {
    const has = (key: string) => this.routes.some((r) => keyOf(r) === key);
    if (has('GET /api/v1/platforms/:platformId/serious-errors')) {
      await this.read(admin, '/api/v1/platforms/:platformId/serious-errors', { platformId }, listed);
      const termId = (await this.step(admin, 'POST /api/v1/platforms/:platformId/serious-errors', { platformId }, { term: '矩阵对照错词', kind: 'forbidden' }, 201)).json<{ id: string }>().id;
      await this.step(admin, 'DELETE /api/v1/platforms/:platformId/serious-errors/:termId', { platformId, termId }, undefined, 204);
      await this.step(admin, 'POST /api/v1/platforms/:platformId/serious-errors/import', { platformId }, { csv: 'term,kind\n矩阵对照导入,forbidden\n' }, 200);
    }
    if (has('GET /legacy')) await this.read(admin, '/legacy', {}, '旧网站迁移计划');
    if (has('GET /serious-errors')) {
      await this.read(admin, '/serious-errors', {}, listed);
      await this.step(admin, 'POST /serious-errors', {}, { term: '矩阵控制台错词', kind: 'forbidden' }, { ok: 'serious_error.added' });
      const termId = (await this.db.selectFrom('serious_error_term').select('id').where('platform_id', '=', platformId).where('term', '=', '矩阵控制台错词').executeTakeFirstOrThrow()).id;
      await this.step(admin, 'POST /serious-errors/:termId/remove', { termId }, {}, { ok: 'serious_error.removed' });
      await this.step(admin, 'POST /serious-errors/import', {}, { csv: 'term,kind\n矩阵控制台导入,forbidden\n' }, { ok: 'serious_error.imported' });
    }
  }

  /** Accounts and grants (a site admin within its site), one's own account, and the audit trail — when those pages exist. */
  async identityPages(site: Requester, admin: Requester, auditor: Requester, own: Bundle): Promise<void> {
    const has = (url: string) => this.routes.some((r) => r.url === url);
    if (has('/users')) {
      await this.read(site, '/users', {}, '矩阵自管用户（青川）');
      const created = await this.step(site, 'POST /users', {}, { username: 'mx-new', displayName: '矩阵新账号', password: 'matrix-new-user-2026', role: 'editor', siteId: own.siteId }, { ok: 'user.created' });
      const id = /\/users\/([0-9a-f-]{36})/.exec(String(created.headers.location))![1]!;
      await this.read(site, '/users/:id', { id }, '矩阵新账号');
      await this.step(site, 'POST /users/:id/grants', { id }, { role: 'reviewer', scopeKind: 'site', siteId: own.siteId, expiresAt: '' }, { ok: 'grant.created' });
      const grantId = (await this.db.selectFrom('role_grant').select('id').where('user_id', '=', id).where('role', '=', 'reviewer').executeTakeFirstOrThrow()).id;
      await this.step(site, 'POST /users/:id/grants/:grantId/revoke', { id, grantId }, {}, { ok: 'grant.revoked' });
      await this.step(site, 'POST /users/:id/password', { id }, { password: 'matrix-reset-user-2026' }, { ok: 'user.password_reset' });
      if (has('/account')) await this.account({ ...site, name: 'mx-new', username: 'mx-new', userId: id }, 'matrix-reset-user-2026');
      await this.step(site, 'POST /users/:id/disable', { id }, { confirm: '1' }, { ok: 'user.disabled' });
    }
    if (has('/audit')) {
      for (const who of [auditor, site, admin]) await this.read(who, '/audit');
      for (const url of ['/audit/verify', '/audit.csv'].filter(has)) await this.read(admin, url);
    }
  }

  /** One's own account: language, API tokens, the second factor, the password, signing out everywhere. */
  private async account(base: Requester, password: string): Promise<void> {
    const signIn = async (pw: string) => {
      const cookies = await loginAs(this.app, base.username!, pw);
      const page = await this.app.inject({ method: 'GET', url: '/account', headers: { host: 'admin.localhost' }, cookies });
      return { ...base, cookies, csrf: /name="_csrf" value="([^"]+)"/.exec(page.body)![1]! };
    };
    const me = await signIn(password);
    await this.read(me, '/account', {}, 'mx-new');
    await this.step(me, 'POST /account/locale', {}, { locale: 'zh-CN' }, { ok: 'account.locale_saved' });
    await this.step(me, 'POST /account/tokens', {}, { name: '矩阵对照令牌', expiresAt: '' }, 200, 'zqt_');
    const tokenId = (await this.db.selectFrom('api_token').select('id').where('user_id', '=', me.userId!).executeTakeFirstOrThrow()).id;
    await this.step(me, 'POST /account/tokens/:tokenId/revoke', { tokenId }, {}, { ok: 'account.token_revoked' });
    await this.step(me, 'POST /account/totp/begin', {}, {}, 303);
    await this.read(me, '/account/totp');
    const key = (await this.db.selectFrom('app_user').select('totp_key').where('id', '=', me.userId!).executeTakeFirstOrThrow()).totp_key!;
    await this.step(me, 'POST /account/totp', {}, { code: totpCode(key, this.h.clock.now()) }, 200);
    await this.step(me, 'POST /account/password', {}, { currentPassword: password, newPassword: 'matrix-changed-2026', newPasswordConfirm: 'matrix-changed-2026' }, { ok: 'account.password_changed' });
    await this.step(await signIn('matrix-changed-2026'), 'POST /account/sessions/end-all', {}, {}, { ok: 'account.signed_out' });
  }
}
