// The platform's serious-error list (严重错误词库) through /api/v1 and the console (inject):
// add, search, page, import all or nothing, remove; site staff and another platform's admin
// refused; and a term added in the console stopping an editor's submission.
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoProvince } from '@zhanqun/demo/demo-province';
import { createPlatformAdmin } from '@zhanqun/identity/user.service';
import { createPlatform } from '@zhanqun/tenancy/platform.service';
import { openSession, refusal, visible } from './console-helper.js';
import { build, type TestApp } from './helper.js';
import { Browser, bodyRows } from './identity-helper.js';

type Json = Record<string, any>;
const OTHER_ADMIN = { username: 'se-other-admin', password: 'another-platform-2026', displayName: '他省平台管理员（词库）' };

describe('the serious-error list in the API and the console', () => {
  let h: TestApp;
  const who: Record<string, Record<string, string>> = {};
  const as: Record<string, Browser> = {};
  let platformId = '';
  let otherPlatformId = '';
  let siteId = '';
  let tzgg = '';

  const call = (user: string, method: InjectOptions['method'], url: string, payload?: object) =>
    h.app.inject({ method, url: `/api/v1${url}`, headers: { host: 'admin.localhost' }, cookies: who[user]!, ...(payload ? { payload } : {}) });
  const ok = async (user: string, status: number, method: InjectOptions['method'], url: string, payload?: object): Promise<Json> => {
    const res = await call(user, method, url, payload);
    expect([user, method, url, res.statusCode, res.statusCode >= 400 ? res.body : '']).toEqual([user, method, url, status, '']);
    return res.body ? res.json() : {};
  };
  const refused = async (user: string, expected: Json, method: InjectOptions['method'], url: string, payload?: object) => {
    const res = await call(user, method, url, payload);
    expect({ status: res.statusCode, ...res.json() }).toMatchObject(expected);
    return res.json() as Json;
  };
  const terms = (id = platformId) => `/platforms/${id}/serious-errors`;
  /** What is really in the table, past row-level security. */
  const table = (id = platformId) => h.t.db.selectFrom('serious_error_term').select(['term', 'correction', 'kind', 'note'])
    .where('platform_id', '=', id).orderBy('term').execute();
  const idOf = async (term: string) => (await h.t.db.selectFrom('serious_error_term').select('id').where('term', '=', term).executeTakeFirstOrThrow()).id;
  const clear = () => h.t.db.deleteFrom('serious_error_term').execute();

  beforeAll(async () => {
    h = await build();
    const seed = await seedDemoProvince(h.t.db, h.clock);
    platformId = seed.platformId;
    const actor = { userId: null, label: 'test' };
    const other = await createPlatform(h.t.db, h.clock, actor, { code: 'se-other', name: '他省平台（词库）' });
    otherPlatformId = other.id;
    await createPlatformAdmin(h.t.db, h.clock, actor, { platformId: other.id, ...OTHER_ADMIN });
    for (const u of ['admin', 'bianji', 'zhanzhang', OTHER_ADMIN.username]) {
      who[u] = { zq_session: await openSession(h, u) };
      as[u] = new Browser(h.app, { ...who[u]! });
    }
    siteId = (await h.t.db.selectFrom('site').select('id').where('code', '=', 'prov').executeTakeFirstOrThrow()).id;
    tzgg = (await h.t.db.selectFrom('site_column').select('id').where('site_id', '=', siteId).where('path', '=', '/xwdt/tzgg/').executeTakeFirstOrThrow()).id;
  });
  afterAll(async () => { await h.close(); });

  it('should add, list, search, page and remove terms through the API', async () => {
    await clear();
    const added = await ok('admin', 201, 'POST', terms(), { term: ' 国务院办公室 ', correction: '国务院办公厅', kind: 'wrong_form', note: '机构名称' });
    expect(added).toMatchObject({ platformId, term: '国务院办公室', correction: '国务院办公厅', kind: 'wrong_form', note: '机构名称', id: expect.any(String), createdAt: expect.any(String) });
    const forbidden = await ok('admin', 201, 'POST', terms(), { term: '六合彩', kind: 'forbidden' });
    expect(forbidden).toMatchObject({ correction: null, note: null });

    expect(await ok('admin', 200, 'GET', terms())).toMatchObject({ total: 2, terms: [{ term: '六合彩' }, { term: '国务院办公室' }] });
    expect(await ok('admin', 200, 'GET', `${terms()}?q=${encodeURIComponent('办公厅')}`)).toMatchObject({ total: 1, terms: [{ id: added.id }] });
    expect(await ok('admin', 200, 'GET', `${terms()}?limit=1&offset=1`)).toMatchObject({ total: 2, terms: [{ term: '国务院办公室' }] });

    // Refusals in the API's shape: code, field, English message.
    await refused('admin', { status: 400, code: 'ZQ_VALIDATION', field: 'term', message: expect.stringContaining('already in the list') }, 'POST', terms(), { term: '六合彩', kind: 'forbidden' });
    await refused('admin', { status: 400, code: 'ZQ_VALIDATION', field: 'kind' }, 'POST', terms(), { term: '赌博', kind: 'misspelt' });
    await refused('admin', { status: 400, code: 'ZQ_VALIDATION', field: 'correction' }, 'POST', terms(), { term: '赌博', correction: '赌博', kind: 'wrong_form' });
    await refused('admin', { status: 400, code: 'ZQ_VALIDATION', field: 'term' }, 'POST', terms(), { term: '  ', kind: 'forbidden' });
    await refused('admin', { status: 400, code: 'ZQ_VALIDATION', field: 'limit' }, 'GET', `${terms()}?limit=500`);

    await ok('admin', 204, 'DELETE', `${terms()}/${forbidden.id}`);
    await refused('admin', { status: 404, code: 'ZQ_CONTENT_SERIOUS_ERROR_TERM_NOT_FOUND' }, 'DELETE', `${terms()}/${forbidden.id}`);
    expect(await table()).toEqual([{ term: '国务院办公室', correction: '国务院办公厅', kind: 'wrong_form', note: '机构名称' }]);
    const audit = await h.t.db.selectFrom('audit_log_entry').select(['action', 'object_id']).where('platform_id', '=', platformId)
      .where('action', 'like', 'serious_error.%').orderBy('seq').execute();
    expect(audit).toEqual([
      { action: 'serious_error.add', object_id: added.id }, { action: 'serious_error.add', object_id: forbidden.id },
      { action: 'serious_error.remove', object_id: forbidden.id },
    ]);
  });

  it('should import a CSV all or nothing, and name every bad row by line', async () => {
    await clear();
    const csv = 'term,correction,kind,note\n国务院办公室,国务院办公厅,wrong_form,机构名称\n"十九大","党的十九大",wrong_form,"须写全称, 见规范"\n六合彩,,forbidden,\n';
    expect(await ok('admin', 200, 'POST', `${terms()}/import`, { csv })).toEqual({ imported: 3, skipped: 0 });
    expect(await ok('admin', 200, 'POST', `${terms()}/import`, { csv: `${csv}赌博,,forbidden,\n` })).toEqual({ imported: 1, skipped: 3 });
    const before = await table();
    expect(before).toHaveLength(4);

    const bad = 'term,correction,kind,note\n好词,,forbidden,\n坏种类,,misspelt,\n,空词,wrong_form,\n';
    const err = await refused('admin', { status: 400, code: 'ZQ_VALIDATION', field: 'kind' }, 'POST', `${terms()}/import`, { csv: bad });
    expect(err.message).toContain('2 bad rows, nothing was imported: line 3 kind');
    expect(err.details.errors).toEqual([
      { line: 3, field: 'kind', message: 'must be one of wrong_form, forbidden' },
      { line: 4, field: 'term', message: 'must not be empty' },
    ]);
    // Rows that read well but clash with the list are refused as a whole file too (checked once the file parses).
    const clash = await refused('admin', { status: 400, code: 'ZQ_VALIDATION', field: 'term' }, 'POST', `${terms()}/import`, {
      csv: 'term,correction,kind,note\n好词,,forbidden,\n国务院办公室,国办,wrong_form,\n',
    });
    expect(clash.details.errors).toEqual([
      { line: 3, field: 'term', message: '"国务院办公室" is already in the list as wrong_form → "国务院办公厅"; remove it first to change it' },
    ]);
    await refused('admin', { status: 400, code: 'ZQ_VALIDATION', field: 'csv' }, 'POST', `${terms()}/import`, { csv: '' });
    await refused('admin', { status: 400, code: 'ZQ_VALIDATION', field: 'csv' }, 'POST', `${terms()}/import`, {});
    await refused('admin', { status: 400, code: 'ZQ_VALIDATION', field: 'body' }, 'POST', `${terms()}/import`);
    // A CSV posted as text, not in JSON: the API takes JSON only.
    const text = await h.app.inject({
      method: 'POST', url: `/api/v1${terms()}/import`, cookies: who.admin!, payload: 'term,kind\n赌博,forbidden\n',
      headers: { host: 'admin.localhost', 'content-type': 'text/csv' },
    });
    expect(text.statusCode).toBe(415);
    // Nothing changed: not even the good row of the refused file.
    expect(await table()).toEqual(before);
  });

  it('should refuse site staff: no reading, no writing, no page, no menu entry', async () => {
    await clear();
    const row = await ok('admin', 201, 'POST', terms(), { term: '站点不可改', kind: 'forbidden' });
    for (const user of ['bianji', 'zhanzhang']) {
      await refused(user, { status: 403, code: 'ZQ_IDENTITY_FORBIDDEN' }, 'GET', terms());
      await refused(user, { status: 403, code: 'ZQ_IDENTITY_FORBIDDEN' }, 'POST', terms(), { term: '编辑自加', kind: 'forbidden' });
      await refused(user, { status: 403, code: 'ZQ_IDENTITY_FORBIDDEN' }, 'DELETE', `${terms()}/${row.id}`);
      await refused(user, { status: 403, code: 'ZQ_IDENTITY_FORBIDDEN' }, 'POST', `${terms()}/import`, { csv: 'term,kind\n编辑导入,forbidden\n' });
      expect((await as[user]!.get('/serious-errors')).statusCode).toBe(403);
      expect((await as[user]!.post('/serious-errors', { term: '编辑自加', kind: 'forbidden' })).statusCode).toBe(403);
      expect((await as[user]!.post(`/serious-errors/${row.id}/remove`, {})).statusCode).toBe(403);
      expect((await as[user]!.post('/serious-errors/import', { csv: 'term,kind\n编辑导入,forbidden\n' })).statusCode).toBe(403);
      expect((await as[user]!.get('/')).body).not.toContain('href="/serious-errors"');
    }
    expect((await as.admin!.get('/')).body).toContain('href="/serious-errors"');
    expect(await table()).toEqual([{ term: '站点不可改', correction: null, kind: 'forbidden', note: null }]);
  });

  it('should not let another platform\'s admin see or change this platform\'s list', async () => {
    await clear();
    const ours = await ok('admin', 201, 'POST', terms(), { term: '本平台词条', correction: '本平台正确写法', kind: 'wrong_form' });
    const theirs = await ok(OTHER_ADMIN.username, 201, 'POST', terms(otherPlatformId), { term: '他平台词条', kind: 'forbidden' });
    const other = OTHER_ADMIN.username;
    const forbidden = { status: 403, code: 'ZQ_TENANCY_PLATFORM_ADMIN_REQUIRED' };
    await refused(other, forbidden, 'GET', terms());
    await refused(other, forbidden, 'POST', terms(), { term: '越权', kind: 'forbidden' });
    await refused(other, forbidden, 'POST', `${terms()}/import`, { csv: 'term,kind\n越权导入,forbidden\n' });
    await refused(other, forbidden, 'DELETE', `${terms()}/${ours.id}`);
    // Our term named under its own platform: not found there.
    await refused(other, { status: 404, code: 'ZQ_CONTENT_SERIOUS_ERROR_TERM_NOT_FOUND' }, 'DELETE', `${terms(otherPlatformId)}/${ours.id}`);
    expect(await ok(other, 200, 'GET', `${terms(otherPlatformId)}?q=${encodeURIComponent('本平台')}`)).toEqual({ terms: [], total: 0 });
    // And the other way round.
    await refused('admin', forbidden, 'GET', terms(otherPlatformId));
    await refused('admin', { status: 404 }, 'DELETE', `${terms()}/${theirs.id}`);

    // The console works on one's own platform only: our term is neither listed nor removable there.
    const page = await as[other]!.get('/serious-errors');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('他平台词条');
    expect(page.body).not.toContain('本平台词条');
    expect((await as[other]!.get(`/serious-errors?q=${encodeURIComponent('本平台词条')}`)).body).not.toContain('本平台正确写法');
    const removal = await as[other]!.post(`/serious-errors/${ours.id}/remove`, {});
    expect(removal.statusCode).toBe(404);
    expect(refusal(removal.body)).toContain('不在本平台词库中');
    expect(await table()).toEqual([{ term: '本平台词条', correction: '本平台正确写法', kind: 'wrong_form', note: null }]);
    expect(await table(otherPlatformId)).toEqual([{ term: '他平台词条', correction: null, kind: 'forbidden', note: null }]);
  });

  it('should add, search, page and remove terms in the console, in Chinese, with accessible forms', async () => {
    await clear();
    const admin = as.admin!;
    const empty = await admin.get('/serious-errors');
    expect(empty.statusCode).toBe(200);
    expect(empty.body).toContain('词库中还没有词条');
    expect(empty.body).toContain('aria-current="page">严重错误词库');
    expect(empty.body).toMatch(/<option value="wrong_form" selected>错误表述<\/option><option value="forbidden">禁用词<\/option>/);

    const blank = await admin.post('/serious-errors', { term: '', correction: '国务院办公厅', kind: 'wrong_form', note: '' });
    expect(blank.statusCode).toBe(400);
    expect(refusal(blank.body)).toContain('错误表述或禁用词：不能为空');
    expect(blank.body).toMatch(/<input id="add-term" name="term"[^>]*aria-invalid="true"/);
    expect(blank.body).toContain('value="国务院办公厅"'); // the form keeps what was typed

    const added = await admin.post('/serious-errors', { term: '国务院办公室', correction: '国务院办公厅', kind: 'wrong_form', note: '机构名称' });
    expect(added.statusCode).toBe(303);
    const shown = await admin.get(String(added.headers.location));
    expect(shown.body).toContain('已添加词条');
    expect(visible(bodyRows(shown.body).join(''))).toContain('国务院办公室 国务院办公厅 错误表述 机构名称');

    const twice = await admin.post('/serious-errors', { term: '国务院办公室', correction: '', kind: 'forbidden', note: '' });
    expect(twice.statusCode).toBe(400);
    expect(refusal(twice.body)).toContain('错误表述或禁用词：词库中已有此词条');
    const same = await admin.post('/serious-errors', { term: '赌博', correction: '赌博', kind: 'wrong_form', note: '' });
    expect(refusal(same.body)).toContain('正确表述：不能与错误表述相同');
    expect(same.body).toMatch(/<input id="add-correction" name="correction"[^>]*aria-invalid="true"/);

    // 60 more terms: two pages, and the search narrows them.
    const rows = Array.from({ length: 60 }, (_, i) => `测试词${String(i).padStart(2, '0')},,forbidden,批量`).join('\n');
    expect((await admin.post('/serious-errors/import', { csv: `term,correction,kind,note\n${rows}\n` })).statusCode).toBe(303);
    const first = await admin.get('/serious-errors');
    expect(first.body).toContain('共 61 条词条');
    expect(bodyRows(first.body)).toHaveLength(50);
    expect(first.body).toContain('第 1 / 2 页');
    const second = await admin.get('/serious-errors?page=2');
    expect(bodyRows(second.body)).toHaveLength(11);
    const search = await admin.get(`/serious-errors?q=${encodeURIComponent('办公厅')}`);
    expect(search.body).toContain('与“办公厅”匹配的词条共 1 条');
    expect(bodyRows(search.body)).toHaveLength(1);

    // Remove from the second page of a search: back where it was, the term gone.
    const id = await idOf('测试词59');
    const removed = await admin.post(`/serious-errors/${id}/remove`, { q: '测试词', page: '2' });
    expect(removed.statusCode).toBe(303);
    expect(removed.headers.location).toBe(`/serious-errors?q=${encodeURIComponent('测试词')}&page=2&ok=serious_error.removed#list`);
    const after = await admin.get(String(removed.headers.location).replace(/#.*$/, ''));
    expect(after.body).toContain('已删除词条');
    expect(after.body).not.toContain('测试词59');
    expect((await admin.post(`/serious-errors/${id}/remove`, {})).statusCode).toBe(404);
    expect((await admin.post(`/serious-errors/${id}/remove`, {}, { csrf: false })).statusCode).toBe(403);
    expect(await table()).toHaveLength(60);
  });

  it('should import a pasted CSV in the console, and show a refused file\'s rows by line in Chinese', async () => {
    await clear();
    const admin = as.admin!;
    const page = await admin.get('/serious-errors');
    expect(page.body).toMatch(/<textarea id="import-csv" name="csv"[^>]*aria-required="true"/);
    expect(page.body).toContain('data-zq-csv-file hidden');

    const good = await admin.post('/serious-errors/import', { csv: 'term,correction,kind,note\n十九大,党的十九大,wrong_form,\n六合彩,,forbidden,\n' });
    expect(good.statusCode).toBe(303);
    const done = await admin.get(String(good.headers.location).replace(/#.*$/, ''));
    expect(done.body).toContain('已导入 2 条，跳过 0 条');
    const again = await admin.post('/serious-errors/import', { csv: 'term,correction,kind,note\n六合彩,,forbidden,\n赌博,,forbidden,\n' });
    expect((await admin.get(String(again.headers.location))).body).toContain('已导入 1 条，跳过 1 条');
    const before = await table();

    const bad = 'term,correction,kind,note\n好词,,forbidden,\n坏种类,,misspelt,\n,空词,wrong_form,\n十九大,十九届,wrong_form,\n好词,,forbidden,\n多一列,,forbidden,,x\n';
    const res = await admin.post('/serious-errors/import', { csv: bad });
    expect(res.statusCode).toBe(400);
    expect(refusal(res.body)).toContain('文件中有 4 处错误，未导入任何词条');
    expect(res.body).toMatch(/<textarea id="import-csv" name="csv"[^>]*aria-invalid="true"/);
    expect(res.body).toContain('坏种类,,misspelt,'); // the text stays, to be fixed
    const table5 = /<div class="table-wrap" id="import-errors"[\s\S]*?<\/table>/.exec(res.body)?.[0] ?? '';
    expect(table5).toContain('<caption>被拒绝的行（共 4 处）</caption>');
    const lines = (html: string) => bodyRows(/id="import-errors"[\s\S]*?<\/table>/.exec(html)?.[0] ?? '').map((r) => visible(r).trim());
    expect(lines(res.body)).toEqual([
      '第 3 行 类型 须为 wrong_form（错误表述）或 forbidden（禁用词）',
      '第 4 行 错误表述或禁用词 不能为空',
      '第 6 行 错误表述或禁用词 “好词”在文件中出现了两次（第一次在第 2 行）',
      '第 7 行 整行 有 5 个字段，表头有 4 个',
    ]);
    // Once the rows read well, a clash with the list refuses the file all the same.
    const clash = await admin.post('/serious-errors/import', { csv: 'term,correction,kind,note\n好词,,forbidden,\n十九大,十九届,wrong_form,\n' });
    expect(clash.statusCode).toBe(400);
    expect(lines(clash.body)).toEqual(['第 3 行 错误表述或禁用词 “十九大”已在词库中，登记为错误表述 → “党的十九大”；如需修改，请先删除原词条']);
    const header = await admin.post('/serious-errors/import', { csv: 'word,kind\n好词,forbidden\n' });
    expect(lines(header.body)).toEqual([
      '第 1 行 错误表述或禁用词 表头缺少此必需列',
      '第 1 行 word 不是可用的列；可用的列为 term、correction、kind、note',
    ]);
    expect(refusal((await admin.post('/serious-errors/import', { csv: '' })).body)).toContain('文件中有 1 处错误');
    expect(await table()).toEqual(before);

    const en = await admin.get('/serious-errors?lang=en');
    expect(en.body).toContain('Serious-error list');
    const enBad = await admin.post('/serious-errors/import', { csv: bad });
    expect(enBad.body).toContain('Line 3');
    expect(enBad.body).toContain('must be wrong_form or forbidden');
    await admin.get('/serious-errors?lang=zh-CN');
  });

  it('should stop an editor\'s submission on a term added in the console, with the finding, and let it through once removed', async () => {
    await clear();
    const added = await as.admin!.post('/serious-errors', { term: '国务院办公室', correction: '国务院办公厅', kind: 'wrong_form', note: '' });
    expect(added.statusCode).toBe(303);
    const article = await ok('bianji', 201, 'POST', `/sites/${siteId}/articles`, {
      columnId: tzgg, title: '关于转发国务院办公室通知的通知', bodyHtml: '<p>各市、县人民政府：现将国务院办公室通知转发给你们。</p>',
    });
    const blocked = await refused('bianji', { status: 422, code: 'ZQ_CONTENT_CHECKS_BLOCK' }, 'POST', `/sites/${siteId}/articles/${article.id}/submit`);
    const findings = (blocked.details.findings as Json[]).filter((f) => f.code === 'serious_error');
    expect(findings.map((f) => [f.field, f.severity, f.messageZh])).toEqual([
      ['title', 'block', '标题中“国务院办公室”为错误表述，应为“国务院办公厅”'],
      ['body', 'block', expect.stringContaining('“国务院办公室”为错误表述，应为“国务院办公厅”')],
    ]);
    expect(findings[0]!.detail).toMatchObject({ termId: await idOf('国务院办公室'), term: '国务院办公室', correction: '国务院办公厅', kind: 'wrong_form' });

    await as.admin!.post(`/serious-errors/${await idOf('国务院办公室')}/remove`, {});
    expect((await ok('bianji', 201, 'POST', `/sites/${siteId}/articles/${article.id}/submit`)).status).toBe('in_progress');
  });
});
