import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromZoned } from '@zhanqun/core/time';
import { DEMO_PASSWORD, seedDemoProvince } from '@zhanqun/demo/demo-province';
import { totpCode } from '@zhanqun/identity/totp';
import { createPlatformAdmin } from '@zhanqun/identity/user.service';
import { createOrgUnit } from '@zhanqun/tenancy/org-unit.service';
import { createPlatform } from '@zhanqun/tenancy/platform.service';
import { createSite } from '@zhanqun/tenancy/site.service';
import { decode, refusal, visible } from './console-helper.js';
import { build, loginAs, type TestApp } from './helper.js';
import { Browser, bodyRows, HOST } from './identity-helper.js';

describe('the console: my account, user management and the audit log', () => {
  let h: TestApp;
  let admin: Browser;
  let bianji: Browser;
  const id = async (table: 'site' | 'app_user', column: 'code' | 'username', value: string) =>
    (await h.t.db.selectFrom(table).select('id').where(column, '=', value).executeTakeFirstOrThrow()).id;
  const columnId = async (site: string, path: string) => (await h.t.db.selectFrom('site_column').select('id')
    .where('site_id', '=', await id('site', 'code', site)).where('path', '=', path).executeTakeFirstOrThrow()).id;
  const userRow = (username: string) => h.t.db.selectFrom('app_user').selectAll().where('username', '=', username).executeTakeFirstOrThrow();
  const grantsOf = async (username: string) => h.t.db.selectFrom('role_grant').selectAll().where('user_id', '=', await id('app_user', 'username', username))
    .where('revoked_at', 'is', null).orderBy('created_at').execute();

  beforeAll(async () => {
    h = await build();
    await seedDemoProvince(h.t.db, h.clock);
    admin = await Browser.signIn(h.app, 'admin');
  });
  afterAll(async () => { await h.close(); });

  it('should guard every identity page by its permission and every form by CSRF, and show the navigation by permission', async () => {
    const mine = h.app.routeTable.filter((r) => /^\/(account|users|audit)/.test(r.url));
    expect(mine.length).toBeGreaterThanOrEqual(16);
    const expected = (url: string) => (url.startsWith('/account') ? 'authenticated' : url.startsWith('/users') ? 'user.manage' : url === '/audit/verify' ? 'platform_admin' : 'audit.read');
    expect(mine.filter((r) => r.permission !== expected(r.url))).toEqual([]);
    const anonymous = await h.app.inject({ method: 'GET', url: '/account', headers: { host: HOST } });
    expect([anonymous.statusCode, anonymous.headers.location]).toEqual([303, '/login']);
    for (const [url, fields] of [['/account/locale', { locale: 'en' }], ['/account/sessions/end-all', {}], ['/users', { username: 'forged' }],
      [`/users/${await id('app_user', 'username', 'waibao')}/disable`, { confirm: '1' }]] as const) {
      expect([url, (await admin.post(url, fields, { csrf: false })).statusCode]).toEqual([url, 403]);
    }
    expect((await userRow('waibao')).disabled_at).toBeNull();
    const nav = (await admin.get('/account')).body;
    for (const link of ['href="/users"', 'href="/audit"', 'href="/account" aria-current="page"']) expect(nav).toContain(link);
    bianji = await Browser.signIn(h.app, 'bianji');
    for (const url of ['/audit', '/audit.csv', '/users', `/users/${await id('app_user', 'username', 'waibao')}`, '/audit/verify']) {
      expect([url, (await bianji.get(url)).statusCode]).toEqual([url, 403]);
    }
    const own = (await bianji.get('/account')).body;
    expect(own).toContain('href="/account"');
    expect(own).not.toContain('href="/users"');
    expect(own).not.toContain('href="/audit"');
  });

  it('should change the password, refusing bad ones with the field named, and end every session including this one', async () => {
    const first = await Browser.signIn(h.app, 'shenhe');
    const second = await Browser.withSession(h, 'shenhe');
    const next = 'shenhe-new-password-2026';
    const cases: [Record<string, string>, string, string][] = [
      [{ currentPassword: 'wrong-password-0000', newPassword: next, newPasswordConfirm: next }, '当前密码：与当前密码不符', 'currentPassword'],
      [{ currentPassword: DEMO_PASSWORD, newPassword: next, newPasswordConfirm: `${next}x` }, '再次输入新密码：两次输入不一致', 'newPasswordConfirm'],
      [{ currentPassword: DEMO_PASSWORD, newPassword: 'short', newPasswordConfirm: 'short' }, '新密码：至少需要 12 个字符', 'newPassword'],
      [{ currentPassword: DEMO_PASSWORD, newPassword: 'password1234', newPasswordConfirm: 'password1234' }, '新密码：是常见密码', 'newPassword'],
      [{ currentPassword: DEMO_PASSWORD, newPassword: DEMO_PASSWORD, newPasswordConfirm: DEMO_PASSWORD }, '新密码：不能与当前密码相同', 'newPassword'],
    ];
    for (const [fields, message, field] of cases) {
      const res = await first.post('/account/password', fields);
      expect([field, res.statusCode, refusal(res.body)]).toEqual([field, 400, expect.stringContaining(message)]);
      expect(res.body).toMatch(new RegExp(`name="${field}"[^>]*aria-invalid="true"`));
      expect(res.body).not.toContain(fields.currentPassword!); // never echoed back
    }
    const changed = await first.post('/account/password', { currentPassword: DEMO_PASSWORD, newPassword: next, newPasswordConfirm: next });
    expect([changed.statusCode, changed.headers.location]).toEqual([303, '/login?ok=account.password_changed']);
    expect(first.cookies.zq_session).toBeUndefined();
    const login = await first.get('/login?ok=account.password_changed');
    expect(visible(login.body)).toContain('密码已修改，所有会话均已退出');
    for (const b of [first, second]) expect((await b.get('/account')).headers.location).toBe('/login');
    await expect(loginAs(h.app, 'shenhe', DEMO_PASSWORD)).rejects.toThrow(/401/);
    expect((await Browser.signIn(h.app, 'shenhe', next)).cookies.zq_session).toBeTruthy();
  });

  it('should list the sessions and sign out everywhere', async () => {
    const here = await Browser.signIn(h.app, 'baomi');
    const there = await Browser.withSession(h, 'baomi');
    const page = await here.get('/account');
    expect(bodyRows(/id="sessions"[\s\S]*/.exec(page.body)![0]).length).toBe(2);
    expect(visible(page.body)).toContain('当前会话');
    const res = await here.post('/account/sessions/end-all', {});
    expect([res.statusCode, res.headers.location]).toEqual([303, '/login?ok=account.signed_out']);
    for (const b of [here, there]) expect((await b.get('/')).headers.location).toBe('/login');
    const audit = await h.t.db.selectFrom('audit_log_entry').select('after').where('action', '=', 'session.logout.all').executeTakeFirstOrThrow();
    expect(audit.after).toEqual({ sessions: 2 });
  });

  it('should save the console language, which then wins unless ?lang= asks otherwise', async () => {
    const b = await Browser.signIn(h.app, 'xinxiyuan');
    await b.get('/account?lang=zh-CN');
    expect(b.cookies.zq_lang).toBe('zh-CN');
    const bad = await b.post('/account/locale', { locale: 'fr' });
    expect(refusal(bad.body)).toContain('界面语言：请从列表中选择');
    const saved = await b.post('/account/locale', { locale: 'en' });
    expect([saved.statusCode, saved.headers.location]).toEqual([303, '/account?ok=account.locale_saved#language']);
    expect(b.cookies.zq_lang).toBeUndefined(); // the switch's cookie no longer overrides the setting
    expect((await userRow('xinxiyuan')).locale).toBe('en');
    const page = await b.get('/account?ok=account.locale_saved');
    expect(page.body).toContain('<html lang="en">');
    expect(visible(page.body)).toContain('Console language saved.');
    expect((await b.get('/')).body).toContain('<html lang="en">');
    expect((await b.get('/account?lang=zh-CN')).body).toContain('<html lang="zh-CN">');
  });

  it('should turn on TOTP for a non-admin, show the recovery codes once, and ask for a code at the next sign-in', async () => {
    const b = bianji;
    expect(visible((await b.get('/account')).body)).toContain('未启用');
    const begin = await b.post('/account/totp/begin', {});
    expect([begin.statusCode, begin.headers.location]).toEqual([303, '/account/totp']);
    const page = await b.get('/account/totp');
    const key = (await userRow('bianji')).totp_key!;
    expect(page.body).toContain(`<code class="totp-key">${key}</code>`);
    expect((await b.get('/account/totp')).body).toContain(key); // a reload keeps the key the app holds
    const wrong = await b.post('/account/totp', { code: '000000' });
    expect([wrong.statusCode, refusal(wrong.body)]).toEqual([400, '动态口令：动态口令错误或已过期']);
    const done = await b.post('/account/totp', { code: totpCode(key, h.clock.now()) });
    expect(done.statusCode).toBe(200);
    expect(done.headers['cache-control']).toBe('no-store');
    expect(done.body.match(/<li><code>[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}<\/code><\/li>/g)).toHaveLength(10);
    expect((await userRow('bianji')).totp_enabled_at).not.toBeNull();
    expect((await b.get('/account/totp')).headers.location).toBe('/account#totp');
    expect(visible((await b.get('/account')).body)).toContain('已启用');
    const form = await h.app.inject({ method: 'GET', url: '/login', headers: { host: HOST } });
    const res = await h.app.inject({
      method: 'POST', url: '/login', headers: { host: HOST, 'content-type': 'application/x-www-form-urlencoded' },
      cookies: Object.fromEntries(form.cookies.map((c) => [c.name, c.value])),
      payload: new URLSearchParams({ _csrf: /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!, username: 'bianji', password: DEMO_PASSWORD }).toString(),
    });
    expect([res.statusCode, res.headers.location]).toEqual([303, '/login/totp']);
    expect((await Browser.signIn(h.app, 'bianji')).cookies.zq_session).toBeTruthy(); // with the code
  });

  it('should create an API token shown once, accept it as Bearer on the API, and refuse it once revoked', async () => {
    const empty = await admin.post('/account/tokens', { name: ' ' });
    expect(refusal(empty.body)).toContain('令牌名称：不能为空');
    const past = await admin.post('/account/tokens', { name: '同步脚本', expiresAt: '2020-01-01' });
    expect(refusal(past.body)).toContain('到期日期（可不填）：不能早于今天');
    const created = await admin.post('/account/tokens', { name: '同步脚本', expiresAt: '2027-12-31' });
    expect(created.statusCode).toBe(200);
    const token = /<code class="token">(zqt_[a-z0-9]+)<\/code>/.exec(created.body)?.[1];
    expect(token).toBeDefined();
    const api = (auth: string) => h.app.inject({ method: 'GET', url: '/api/v1/sites', headers: { host: HOST, authorization: `Bearer ${auth}` } });
    expect((await api(token!)).statusCode).toBe(200);
    const page = await admin.get('/account');
    expect(page.body).not.toContain(token);
    expect(visible(page.body)).toMatch(/同步脚本 有效 .* 2027-12-31 24:00/);
    const tokenId = (await h.t.db.selectFrom('api_token').select('id').where('name', '=', '同步脚本').executeTakeFirstOrThrow()).id;
    const revoked = await admin.post(`/account/tokens/${tokenId}/revoke`, {});
    expect(revoked.headers.location).toBe('/account?ok=account.token_revoked#tokens');
    expect((await api(token!)).statusCode).toBe(401);
    expect(visible((await admin.get('/account')).body)).toContain('同步脚本 已撤销');
    const again = await admin.post(`/account/tokens/${tokenId}/revoke`, {});
    expect(refusal(again.body)).toContain('令牌：不是您的令牌，或已撤销');
    const waibao = await Browser.withSession(h, 'waibao');
    expect(visible((await waibao.get('/account')).body)).toContain('外包服务人员的账号不能创建 API 令牌');
    const refused = await waibao.post('/account/tokens', { name: 'x' });
    expect([refused.statusCode, refusal(refused.body)]).toEqual([403, expect.stringContaining('超出您的权限')]);
  });

  it('should let a platform admin create an outsourced operator whose grants end by its contract, and never as a reviewer', async () => {
    const list = await admin.get('/users');
    expect(list.statusCode).toBe(200);
    expect(visible(list.body)).toMatch(/waibao 外包运维人员（演示） 编辑 外包 合同至 \d{4}-\d{2}-\d{2}/);
    const base = { username: 'wb-two', displayName: '外包编辑二', password: 'waibao-two-pass-2026', outsourced: '1', contractRef: 'HT-2026-009', contractEnd: '2027-01-31', role: '' };
    const cases: [Record<string, string>, string, string][] = [
      [{ contractRef: '' }, '合同编号：外包服务人员须填写合同编号', 'contractRef'],
      [{ contractEnd: '' }, '合同截止日期：不能为空', 'contractEnd'],
      [{ contractEnd: '2026-02-30' }, '合同截止日期：不是有效的日期', 'contractEnd'],
      [{ contractEnd: '2025-12-31' }, '合同截止日期：不能早于今天', 'contractEnd'],
      [{ username: 'Bad Name' }, '用户名：须为 2–64 位小写字母', 'username'],
      [{ username: 'waibao' }, '用户名：已被使用', 'username'],
      [{ password: 'short' }, '密码：至少需要 12 个字符', 'password'],
      [{ role: 'reviewer', siteId: await id('site', 'code', 'qingchuan') }, '角色：外包服务人员不能担任此角色', 'role'],
    ];
    for (const [change, message, field] of cases) {
      const res = await admin.post('/users', { ...base, ...change });
      expect([field, res.statusCode >= 400, refusal(res.body)]).toEqual([field, true, expect.stringContaining(message)]);
      expect([field, new RegExp(`name="${field}"[^>]*aria-invalid="true"`).test(res.body)]).toEqual([field, true]);
    }
    expect(await h.t.db.selectFrom('app_user').select('id').where('username', '=', 'wb-two').executeTakeFirst()).toBeUndefined();
    const created = await admin.post('/users', base);
    expect(created.headers.location).toMatch(/^\/users\/[0-9a-f-]{36}\?ok=user\.created$/);
    const userId = await id('app_user', 'username', 'wb-two');
    const row = await userRow('wb-two');
    expect(row.contract_end).toEqual(fromZoned(2027, 2, 1)); // through 2027-01-31, Beijing time
    const qingchuan = await id('site', 'code', 'qingchuan');
    const granted = await admin.post(`/users/${userId}/grants`, { role: 'editor', scopeKind: 'site', siteId: qingchuan, expiresAt: '2027-12-31' });
    expect(granted.headers.location).toBe(`/users/${userId}?ok=grant.created#grants`);
    expect((await grantsOf('wb-two')).map((g) => [g.role, g.expires_at])).toEqual([['editor', row.contract_end]]);
    const reviewer = await admin.post(`/users/${userId}/grants`, { role: 'reviewer', scopeKind: 'site', siteId: qingchuan });
    expect([reviewer.statusCode, refusal(reviewer.body)]).toEqual([400, expect.stringContaining('角色：外包服务人员不能担任此角色')]);
    expect(reviewer.body).toMatch(/name="role"[^>]*aria-invalid="true"/);
    const platform = await admin.post(`/users/${userId}/grants`, { role: 'platform_admin', scopeKind: 'platform' });
    expect([platform.statusCode, refusal(platform.body)]).toEqual([400, expect.stringContaining('角色：外包服务人员不能担任此角色')]);
    expect(platform.body).not.toContain('<option value="platform_admin"');
    const page = visible((await admin.get(`/users/${userId}`)).body);
    expect(page).toContain('外包');
    expect(page).toContain('合同 HT-2026-009，截止 2027-01-31');
    expect(page).toMatch(/编辑 青川市人民政府（演示）（含子站） 至 2027-01-31 24:00/);
  });

  it('should grant a set of columns in two steps, revoke, reset a password and disable an account, ending its sessions', async () => {
    const userId = await id('app_user', 'username', 'wb-two');
    const prov = await id('site', 'code', 'prov');
    const step = await admin.get(`/users/${userId}?columnsOf=${prov}`);
    const [yw, tzgg] = [await columnId('prov', '/xwdt/yw/'), await columnId('prov', '/xwdt/tzgg/')];
    expect(step.body).toContain(`name="columnIds" value="${yw}"`);
    expect(step.body).toMatch(/id="g-kind-columns" name="scopeKind" value="columns" checked/);
    const none = await admin.post(`/users/${userId}/grants`, { role: 'editor', scopeKind: 'columns', columnSiteId: prov });
    expect(refusal(none.body)).toContain('栏目：不能为空');
    const ok = await admin.post(`/users/${userId}/grants`, { role: 'editor', scopeKind: 'columns', columnSiteId: prov, columnIds: [yw, tzgg] });
    expect(ok.statusCode).toBe(303);
    expect(visible((await admin.get(`/users/${userId}`)).body)).toMatch(/省人民政府[^：]*：要闻、通知公告/);
    const grant = (await grantsOf('wb-two')).find((g) => g.scope_kind === 'columns')!;
    expect(grant.column_ids.sort()).toEqual([yw, tzgg].sort());
    expect((await admin.post(`/users/${userId}/grants/${grant.id}/revoke`, {})).headers.location).toBe(`/users/${userId}?ok=grant.revoked#grants`);
    expect((await grantsOf('wb-two')).map((g) => g.scope_kind)).toEqual(['site']);

    const operator = await Browser.signIn(h.app, 'wb-two', 'waibao-two-pass-2026');
    const short = await admin.post(`/users/${userId}/password`, { password: 'short' });
    expect([short.statusCode, refusal(short.body)]).toEqual([400, expect.stringContaining('密码：至少需要 12 个字符')]);
    expect((await admin.post(`/users/${userId}/password`, { password: 'waibao-reset-pass-2026' })).headers.location).toBe(`/users/${userId}?ok=user.password_reset#password`);
    expect((await operator.get('/account')).headers.location).toBe('/login');
    const again = await Browser.signIn(h.app, 'wb-two', 'waibao-reset-pass-2026');
    const unconfirmed = await admin.post(`/users/${userId}/disable`, {});
    expect(refusal(unconfirmed.body)).toContain('确认：请勾选以确认');
    expect((await admin.post(`/users/${userId}/disable`, { confirm: '1' })).headers.location).toBe(`/users/${userId}?ok=user.disabled`);
    expect((await again.get('/account')).headers.location).toBe('/login');
    await expect(loginAs(h.app, 'wb-two', 'waibao-reset-pass-2026')).rejects.toThrow(/401/);
    expect(visible((await admin.get('/users')).body)).toMatch(/wb-two 外包编辑二 编辑 已停用 外包/);
    const self = await admin.post(`/users/${await id('app_user', 'username', 'admin')}/disable`, { confirm: '1' });
    expect(refusal(self.body)).toContain('不能停用自己的账号');
  });

  it('should let a site admin create and grant within its own site only, never reach other accounts, and not see the org tree', async () => {
    const zz = await Browser.signIn(h.app, 'zhanzhang');
    expect((await zz.get('/org-units')).statusCode).toBe(403);
    const list = await zz.get('/users');
    expect(list.statusCode).toBe(200);
    expect(visible(list.body)).toContain('暂无账号');
    const qingchuan = await id('site', 'code', 'qingchuan');
    const prov = await id('site', 'code', 'prov');
    const base = { username: 'qc-editor', displayName: '青川编辑', password: 'qingchuan-edit-2026', role: 'editor', siteId: qingchuan };
    expect(refusal((await zz.post('/users', { ...base, role: '' })).body)).toContain('角色：请从列表中选择');
    expect(refusal((await zz.post('/users', { ...base, siteId: prov })).body)).toContain('网站：不在您的管理范围内');
    expect(await h.t.db.selectFrom('app_user').select('id').where('username', '=', 'qc-editor').executeTakeFirst()).toBeUndefined();
    const created = await zz.post('/users', base);
    expect(created.statusCode).toBe(303);
    const userId = await id('app_user', 'username', 'qc-editor');
    expect((await grantsOf('qc-editor')).map((g) => [g.role, g.site_id, g.granted_by])).toEqual([['editor', qingchuan, await id('app_user', 'username', 'zhanzhang')]]);
    expect(visible((await zz.get('/users')).body)).toContain('qc-editor 青川编辑 编辑');
    const page = await zz.get(`/users/${userId}`);
    expect(page.body).not.toContain('value="platform"');
    expect(page.body).not.toContain('value="org_unit"');
    const elsewhere = await zz.post(`/users/${userId}/grants`, { role: 'editor', scopeKind: 'site', siteId: prov });
    expect([elsewhere.statusCode, refusal(elsewhere.body)]).toEqual([400, expect.stringContaining('网站：不在您的管理范围内')]);
    const more = await zz.post(`/users/${userId}/grants`, { role: 'secrecy_reviewer', scopeKind: 'site', siteId: qingchuan });
    expect([more.statusCode, refusal(more.body)]).toEqual([403, expect.stringContaining('超出您的权限')]);
    expect((await zz.post(`/users/${userId}/grants`, { role: 'reviewer', scopeKind: 'site', siteId: qingchuan })).statusCode).toBe(303);
    expect((await grantsOf('qc-editor')).length).toBe(2);
    // Accounts it did not grant to are out of reach, even by a forged form.
    const shenhe = await id('app_user', 'username', 'shenhe');
    expect((await zz.get(`/users/${shenhe}`)).statusCode).toBe(404);
    expect((await zz.post(`/users/${shenhe}/grants`, { role: 'editor', scopeKind: 'site', siteId: qingchuan })).statusCode).toBe(404);
    expect((await zz.post(`/users/${shenhe}/password`, { password: 'taken-over-2026-pass' })).statusCode).toBe(404);
    expect(await grantsOf('shenhe')).toHaveLength(1);
    // Once the account also holds a grant beyond the site, resetting or disabling it is the platform's call.
    expect((await admin.post(`/users/${userId}/grants`, { role: 'editor', scopeKind: 'site', siteId: prov })).statusCode).toBe(303);
    expect(visible((await zz.get(`/users/${userId}`)).body)).toContain('该账号还持有您管理范围以外的授权');
    const reset = await zz.post(`/users/${userId}/password`, { password: 'taken-over-2026-pass' });
    expect(reset.statusCode).toBe(403);
    expect((await zz.post(`/users/${userId}/disable`, { confirm: '1' })).statusCode).toBe(403);
    expect((await userRow('qc-editor')).disabled_at).toBeNull();
  });

  it('should filter the audit log, page it newest first and export the same filters as CSV with a BOM', async () => {
    const first = await admin.get('/audit');
    expect(first.statusCode).toBe(200);
    const rows = bodyRows(first.body);
    expect(rows).toHaveLength(50);
    // One platform's chain, newest first: its sequence numbers count down, page after page.
    const seqs = (html: string) => bodyRows(html).map((r) => Number(/<td class="seq">(\d+)</.exec(r)![1]));
    const head = await h.t.db.selectFrom('audit_chain_head').select('seq').where('platform_id', '=', (await userRow('admin')).platform_id).executeTakeFirstOrThrow();
    expect(seqs(first.body)).toEqual(Array.from({ length: 50 }, (_, i) => head.seq - i));
    const second = await admin.get(decode(/href="([^"]+)" rel="next"/.exec(first.body)![1]!));
    expect(seqs(second.body).slice(0, 3)).toEqual([head.seq - 50, head.seq - 51, head.seq - 52]);
    expect(second.body).toContain('rel="prev"');
    const back = await admin.get(decode(/href="([^"]+)" rel="prev"/.exec(second.body)![1]!));
    expect(seqs(back.body)).toEqual(seqs(first.body));

    const qingchuan = await id('site', 'code', 'qingchuan');
    const byWho = await admin.get('/audit?who=zhanzhang&what=grant.');
    const whoRows = bodyRows(byWho.body);
    expect(whoRows.length).toBe(2); // editor and reviewer for qc-editor; the refused grants left no entry
    for (const r of whoRows) expect([visible(r)]).toEqual([expect.stringMatching(/zhanzhang .*grant\.create/)]);
    const bySite = bodyRows((await admin.get(`/audit?site=${qingchuan}`)).body);
    expect(bySite.length).toBeGreaterThan(0);
    for (const r of bySite) expect(visible(r)).toContain('青川市人民政府（演示）');
    expect(visible((await admin.get('/audit?from=2026-11-27&to=2026-11-27&what=session.')).body)).toContain('session.login');
    expect(visible((await admin.get('/audit?from=2020-01-01&to=2020-01-02')).body)).toContain('没有符合条件的记录');
    expect(visible((await admin.get('/audit?from=2026-13-01')).body)).toContain('日期格式应为 年-月-日');

    const csv = await admin.get('/audit.csv?who=zhanzhang&what=grant.');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe(`attachment; filename="audit-2026-11-27.csv"; filename*=UTF-8''${encodeURIComponent('审计日志-2026-11-27.csv')}`);
    expect(csv.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const lines = csv.body.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(lines[0]).toBe('时间,操作人,IP,动作,对象类型,对象ID,网站,前,后');
    expect(lines).toHaveLength(3);
    for (const line of lines.slice(1)) expect(line).toMatch(/^2026-11-27 \d{2}:\d{2}:\d{2},zhanzhang,[^,]*,grant\.create,role_grant,[0-9a-f-]{36},青川市人民政府（演示）,,"\{""/);
    const all = await admin.get('/audit.csv');
    const total = await h.t.db.selectFrom('audit_log_entry').select((eb) => eb.fn.countAll<string>().as('n'))
      .where('platform_id', '=', (await userRow('admin')).platform_id).executeTakeFirstOrThrow();
    expect(all.body.trimEnd().split('\r\n')).toHaveLength(Number(total.n) + 1);
  });

  it("should show a site-scoped auditor only its site's entries, never another platform's, and let only platform admins verify the chain", async () => {
    const actor = { userId: null, label: 'test' };
    const other = await createPlatform(h.t.db, h.clock, actor, { code: 'other-prov', name: '另一省平台' });
    await createPlatformAdmin(h.t.db, h.clock, actor, { platformId: other.id, username: 'other-admin', password: 'other-platform-2026', displayName: '另一平台管理员' });
    const ctx = { db: h.t.db, clock: h.clock, actor, scope: { kind: 'platform', platformIds: [other.id] } as const };
    const unit = await createOrgUnit(ctx, { platformId: other.id, parentId: null, level: 'province', name: '另一省人民政府' });
    await createSite(ctx, { platformId: other.id, orgUnitId: unit.id, kind: 'portal', code: 'other-portal', name: '另一省门户', devDomain: 'localhost', adminHost: HOST });

    const shenji = await Browser.signIn(h.app, 'shenji');
    const page = await shenji.get('/audit');
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('/audit/verify');
    const csv = (await shenji.get('/audit.csv')).body.replace(/^\uFEFF/, '').trimEnd().split('\r\n').slice(1);
    const prov = await id('site', 'code', 'prov');
    const provEntries = await h.t.db.selectFrom('audit_log_entry').select((eb) => eb.fn.countAll<string>().as('n')).where('site_id', '=', prov).executeTakeFirstOrThrow();
    expect(csv).toHaveLength(Number(provEntries.n));
    for (const line of csv) expect(line.split(',')[6]).toBe('演示省人民政府（演示）');
    expect(csv.join('\n')).not.toContain('另一省');
    expect(visible((await shenji.get(`/audit?site=${await id('site', 'code', 'other-portal')}`)).body)).toContain('没有符合条件的记录');
    expect(visible((await admin.get('/audit?who=test')).body)).not.toContain('另一省');
    expect((await shenji.get('/audit/verify')).statusCode).toBe(403);
    // An auditor of one site who edits another reads the trail of the first only.
    const anhe = await id('site', 'code', 'anhe');
    expect((await admin.post('/users', { username: 'mixed', displayName: '兼职审计', password: 'mixed-roles-2026-pass', role: 'auditor', siteId: anhe })).statusCode).toBe(303);
    expect((await admin.post(`/users/${await id('app_user', 'username', 'mixed')}/grants`, { role: 'editor', scopeKind: 'site', siteId: prov })).statusCode).toBe(303);
    const mixed = await Browser.withSession(h, 'mixed');
    const mixedCsv = (await mixed.get('/audit.csv')).body.trimEnd().split('\r\n').slice(1);
    expect(mixedCsv.length).toBeGreaterThan(0);
    const anheAndSubSites = (await h.t.db.selectFrom('site').select('name').where((eb) => eb.or([eb('id', '=', anhe), eb('parent_site_id', '=', anhe)])).execute()).map((r) => r.name);
    for (const line of mixedCsv) expect(anheAndSubSites).toContain(line.split(',')[6]);
    expect(bodyRows((await mixed.get(`/audit?site=${prov}`)).body)).toEqual([]);
    expect((await mixed.get('/audit')).body).not.toContain(`<option value="${prov}"`);
    // Nor are another platform's accounts within reach of this one's admin, or the reverse.
    expect((await admin.get(`/users/${await id('app_user', 'username', 'other-admin')}`)).statusCode).toBe(404);
    expect(visible((await admin.get('/users')).body)).not.toContain('other-admin');
    const otherAdmin = await Browser.withSession(h, 'other-admin');
    expect(visible((await otherAdmin.get('/users')).body)).not.toContain('zhanzhang');
    expect((await otherAdmin.post(`/users/${await id('app_user', 'username', 'zhanzhang')}/disable`, { confirm: '1' })).statusCode).toBe(404);

    const verified = visible((await admin.get('/audit/verify')).body);
    expect(verified).toMatch(/哈希链完整：已校验 \d+ 条记录/);
    const platformId = (await userRow('admin')).platform_id;
    await sql`update audit_log_entry set actor_label = 'someone-else' where platform_id = ${platformId} and seq = 7`.execute(h.t.db);
    expect(visible((await admin.get('/audit/verify')).body)).toContain('第 7 条记录被修改');
  });

  it('should mark a grant 已过期 once its end has passed', async () => {
    h.clock.advance(400 * 86_400_000); // past the outsourced operators' contracts and wb-two's grant
    const fresh = await Browser.signIn(h.app, 'admin');
    const page = visible((await fresh.get(`/users/${await id('app_user', 'username', 'wb-two')}`)).body);
    expect(page).toMatch(/编辑 青川市人民政府（演示）（含子站） 已过期 2027-01-31 24:00/);
    expect(page).toContain('合同 HT-2026-009，截止 2027-01-31（已到期）');
  });
});
