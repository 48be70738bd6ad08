import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { verifyChain } from '@zhanqun/audit/audit.verify';
import { ManualClock } from '@zhanqun/core/clock';
import { seedDemoProvince } from '@zhanqun/demo/demo-province';
import { createTestDatabase, type TestDatabase } from '@zhanqun/testing/db';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
// Settings the CLI reads, never inherited from the shell running the tests.
const SCRUB = ['DATABASE_URL', 'TEST_DATABASE_URL', 'PGLITE_DIR', 'DATA_DIR', 'ADMIN_HOST', 'DEV_DOMAIN', 'NODE_OPTIONS', 'ZHANQUN_PASSWORD'];

interface Run { code: number | null; stdout: string; stderr: string }

/** Run the CLI from source in its own process, as an operator would. */
function zhanqun(url: string, ...args: string[]): Promise<Run> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of SCRUB) delete env[name];
  const proc = spawn(process.execPath, ['--conditions=@zhanqun/source', '--import', 'tsx', 'apps/cli/src/main.ts', ...args], {
    cwd: ROOT, env: { ...env, DATABASE_URL: url, USER: 'ops' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.setEncoding('utf8').on('data', (s: string) => { stdout += s; });
  proc.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
  return new Promise((resolve) => proc.once('close', (code) => resolve({ code, stdout, stderr })));
}

// The CLI needs a database of its own process: PGlite is embedded in one process, so these
// tests run on Postgres only (TEST_DATABASE_URL or a container).
describe.skipIf(inject('zqTestBackend').kind !== 'postgres')('zhanqun CLI (spawned; skipped on PGlite, which one process owns)', () => {
  let t: TestDatabase;
  let url: string;
  let dir: string;
  const cli = (...args: string[]) => zhanqun(url, ...args);
  const file = (name: string, text: string) => { const p = join(dir, name); writeFileSync(p, text); return p; };

  beforeAll(async () => {
    t = await createTestDatabase();
    url = t.url!;
    dir = mkdtempSync(join(tmpdir(), 'zq-cli-'));
    expect(await cli('platform', 'create', '--code', 'jx', '--name', '省平台')).toMatchObject({ code: 0 });
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t?.destroy();
  });

  it('should import the org tree, reporting bad rows by line, all or nothing unless --good-rows', async () => {
    const bad = file('bad-org.csv', 'name,level,division_code,parent\n甲省,province,990000,\n乙市,city,990100,不存在\n');
    const refused = await cli('org', 'import', bad, '--platform', 'jx');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('第 3 行（字段 parent）');
    expect(refused.stderr).toMatch(/未导入任何机构/);

    const good = file('org.csv', `\uFEFFname,level,division_code,parent,short_name
甲省,province,990000,,
乙市,city,990100,990000,
丙县,county,990101,乙市,
乙市教育局,department,,990100,
丙县教育局,department,,990101,
丁镇,township,,丙县,`);
    const r = await cli('org', 'import', good, '--platform', 'jx');
    expect(r.stdout).toContain('imported 6 org units');
    expect(r.code).toBe(0);
  });

  it('should create a city site with a domain and an alias, a department site and a township sub-site, and refuse bad ones', async () => {
    const [city, dept, township, adminHost, usage, noPlatform] = await Promise.all([
      cli('site', 'create', '--platform', 'jx', '--org-unit', '990100', '--kind', 'portal', '--code', 'yishi', '--name', '乙市人民政府',
        '--host', 'www.yishi.gov.cn', '--host', 'yishi.gov.cn', '--site-id-code', '9901000001', '--live'),
      cli('site', 'create', '--platform', 'jx', '--org-unit', '乙市教育局', '--kind', 'department', '--code', 'yishi-jyj', '--name', '乙市教育局'),
      cli('site', 'create', '--platform', 'jx', '--org-unit', '丁镇', '--kind', 'department', '--code', 'dingzhen', '--name', '丁镇'),
      cli('site', 'create', '--platform', 'jx', '--org-unit', '990101', '--kind', 'portal', '--code', 'bingxian', '--name', '丙县', '--host', 'ADMIN.localhost'),
      cli('site', 'create', '--platform', 'jx', '--org-unit', '990101', '--kind', 'portal', '--name', '丙县'),
      cli('site', 'create', '--platform', 'nope', '--org-unit', '990101', '--kind', 'portal', '--code', 'x1', '--name', 'x'),
    ]);
    expect(city.code).toBe(0);
    expect(city.stdout).toMatch(/primary +http:\/\/www\.yishi\.gov\.cn\/\n +alias +http:\/\/yishi\.gov\.cn\//);
    expect(dept).toMatchObject({ code: 0, stdout: expect.stringContaining('http://yishi-jyj.localhost/') });
    expect(township.code).toBe(1);
    expect(township.stderr.trim()).toMatch(/^拒绝创建网站（字段 --kind）: 丁镇 may not have an independent site/);
    expect(township.stderr.trim().split('\n')).toHaveLength(1);
    expect(adminHost).toMatchObject({ code: 1, stderr: expect.stringContaining('（字段 --host）') });
    expect(usage).toMatchObject({ code: 2, stderr: expect.stringContaining('--code') });
    expect(noPlatform).toMatchObject({ code: 1, stderr: expect.stringMatching(/^平台 nope 不存在/) });

    const [sub, dupCode, dupHost] = await Promise.all([
      cli('site', 'create', '--platform', 'jx', '--org-unit', '丁镇', '--kind', 'sub_site', '--code', 'dingzhen', '--name', '丁镇',
        '--parent-site', 'yishi', '--prefix', 'dz'),
      cli('site', 'create', '--platform', 'jx', '--org-unit', '990101', '--kind', 'portal', '--code', 'yishi', '--name', '重名'),
      cli('site', 'create', '--platform', 'jx', '--org-unit', '990101', '--kind', 'portal', '--code', 'bingxian', '--name', '丙县', '--host', 'yishi.gov.cn'),
    ]);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain('primary  http://www.yishi.gov.cn/dz/');
    expect(dupCode).toMatchObject({ code: 1, stderr: expect.stringContaining('（字段 --code）: Site code yishi is already taken') });
    expect(dupHost).toMatchObject({ code: 1, stderr: expect.stringContaining('（字段 --host）') });
  });

  it('should list, search and show sites with their columns and domains', async () => {
    const [all, found, shown, missing] = await Promise.all([
      cli('site', 'list', '--platform', 'jx'), cli('site', 'list', '--q', '教育'), cli('site', 'show', 'dingzhen'), cli('site', 'show', 'nosuch'),
    ]);
    expect(all.stdout).toMatch(/^dingzhen +sub_site +provisioning +http:\/\/www\.yishi\.gov\.cn\/dz\//m);
    expect(all.stdout).toMatch(/^yishi +portal +live +http:\/\/www\.yishi\.gov\.cn\/ +乙市人民政府$/m);
    expect(all.stdout).toContain('3 sites');
    expect(found.stdout).toContain('yishi-jyj');
    expect(found.stdout).toContain('1 sites');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/上级网站 parent site +yishi/);
    expect(Number(/栏目 columns +(\d+)/.exec(shown.stdout)?.[1])).toBeGreaterThanOrEqual(50);
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining('网站 nosuch 不存在') });
  });

  it('should import sites from a CSV, all or nothing unless --good-rows, and apply the template on demand', async () => {
    const csv = file('sites.csv', `code,name,kind,org_unit,hosts,template
bingxian,丙县人民政府,portal,990101,www.bingxian.gov.cn,
bingxian-jyj,丙县教育局,department,丙县教育局,,standard
xinxian,新县,portal,990199,,standard
`);
    const refused = await cli('site', 'import', csv, '--platform', 'jx');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('第 3 行（字段 kind）');
    expect(refused.stderr).toContain('第 4 行（字段 org_unit）');
    expect(refused.stderr).toContain('nothing imported');

    const partial = await cli('site', 'import', csv, '--platform', 'jx', '--good-rows');
    expect(partial.code).toBe(1);
    expect(partial.stdout).toContain('imported 1 sites');

    const applied = await cli('columns', 'apply-template', '--platform', 'jx', '--site', 'bingxian');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/bingxian +新增 5\d 个栏目/);
    const again = await cli('columns', 'apply-template', '--platform', 'jx', '--all');
    expect(again.stdout).toContain('applied to 4 sites, 0 columns added');
    expect((await cli('columns', 'apply-template', '--platform', 'jx')).code).toBe(2);
  });

  it('should close a site after its sub-sites, and keep the audit chain intact', async () => {
    const early = await cli('site', 'close', 'yishi');
    expect(early).toMatchObject({ code: 1, stderr: expect.stringContaining('close its sub-sites first: dingzhen') });
    expect((await cli('site', 'close', 'dingzhen')).code).toBe(0);
    expect((await cli('site', 'close', 'yishi')).stdout).toContain('closed site');
    const site = await t.db.selectFrom('site').select(['status', 'closed_at']).where('code', '=', 'yishi').executeTakeFirstOrThrow();
    expect(site.status).toBe('closed');
    const platform = await t.db.selectFrom('platform').select('id').where('code', '=', 'jx').executeTakeFirstOrThrow();
    expect(await verifyChain(t.db, platform.id)).toMatchObject({ ok: true });
    const actors = await t.db.selectFrom('audit_log_entry').select('actor_label').distinct().execute();
    expect(actors.map((a) => a.actor_label)).toEqual(['cli:ops']);
  });

  it('should hand a city its own platform with its subtree, and refuse a county', async () => {
    const county = await cli('platform', 'create-city', '--platform', 'jx', '--org-unit', '990101', '--code', 'bingxian', '--name', '丙县平台');
    expect(county).toMatchObject({ code: 1, stderr: expect.stringContaining('rootOrgUnitId') });
    const r = await cli('platform', 'create-city', '--platform', 'jx', '--org-unit', '990100', '--code', 'yishi-pt', '--name', '乙市平台');
    expect(r).toMatchObject({ code: 0, stdout: expect.stringContaining('yishi-pt') });
    const moved = await t.db.selectFrom('org_unit as u').innerJoin('platform as p', 'p.id', 'u.platform_id')
      .select(['u.name', 'p.code']).where('u.name', 'in', ['乙市', '丙县', '丁镇', '甲省']).orderBy('u.name').execute();
    expect(Object.fromEntries(moved.map((m) => [m.name, m.code]))).toEqual({ 乙市: 'yishi-pt', 丙县: 'yishi-pt', 丁镇: 'yishi-pt', 甲省: 'jx' });
  });
});

describe.skipIf(inject('zqTestBackend').kind !== 'postgres')('zhanqun article and terms (spawned, on the demo province)', () => {
  let t: TestDatabase;
  let dir: string;
  const cli = (...args: string[]) => zhanqun(t.url!, ...args);
  const file = (name: string, text: string) => { const p = join(dir, name); writeFileSync(p, text); return p; };
  const idIn = (out: string) => /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/.exec(out)?.[1] ?? '';

  beforeAll(async () => {
    t = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'zq-cli-'));
    await seedDemoProvince(t.db, new ManualClock(new Date()));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t?.destroy();
  });

  it('should take an article through review to publishing as named accounts, and keep the rules', async () => {
    const terms = file('terms.csv', 'term,correction,kind,note\n国务院办公厅厅,国务院办公厅,wrong_form,\n');
    expect(await cli('terms', 'import', terms, '--platform', 'demo')).toMatchObject({ code: 0, stdout: expect.stringContaining('已导入 1 条') });
    const badTerms = file('bad-terms.csv', 'term,correction,kind,note\n错词,,typo,\n');
    expect(await cli('terms', 'import', badTerms, '--platform', 'demo')).toMatchObject({ code: 1, stderr: expect.stringContaining('第 2 行（字段 kind）') });

    const body = file('body.html', '<p>各地：</p><p onclick="x()">现将有关事项通知如下。</p>');
    const wrong = await cli('article', 'create', '--site', 'prov', '--as', 'bianji', '--column', '/xwdt/tzgg/', '--title', '国务院办公厅厅通知', '--body-file', body);
    const wrongId = idIn(wrong.stdout);
    expect((await cli('article', 'submit', wrongId, '--site', 'prov', '--as', 'bianji'))).toMatchObject({ code: 1, stderr: expect.stringContaining('ZQ_CONTENT_CHECKS_BLOCK') });

    const created = await cli('article', 'create', '--site', 'prov', '--as', 'bianji', '--column', '/xwdt/tzgg/', '--title', '命令行发布的通知', '--body-file', body);
    expect(created.code).toBe(0);
    const id = idIn(created.stdout);
    expect((await cli('article', 'submit', id, '--site', 'prov', '--as', 'bianji')).code).toBe(0);
    expect(await cli('article', 'approve', id, '--site', 'prov', '--as', 'bianji')).toMatchObject({ code: 1, stderr: expect.stringContaining('content.review') });
    expect(await cli('article', 'reject', id, '--site', 'prov', '--as', 'shenhe')).toMatchObject({ code: 2, stderr: expect.stringContaining('--reason') });
    expect((await cli('article', 'approve', id, '--site', 'prov', '--as', 'shenhe', '--comment', '同意')).code).toBe(0);
    expect((await cli('article', 'approve', id, '--site', 'prov', '--as', 'baomi')).stdout).toContain('approved');
    expect(await cli('article', 'publish', id, '--site', 'prov', '--as', 'shenhe', '--at', '2026-13-01 09:00')).toMatchObject({ code: 2 });
    expect(await cli('article', 'publish', id, '--site', 'prov', '--as', 'zhanzhang')).toMatchObject({ code: 1, stderr: expect.stringContaining('prov') });
    expect((await cli('article', 'publish', id, '--site', 'prov', '--as', 'shenhe')).stdout).toContain('已发布');
    const shown = await cli('article', 'show', id, '--site', 'prov', '--as', 'shenji');
    expect(shown.stdout).toContain('撰稿 省政府网站编辑（演示）');
    expect(shown.stdout).toContain('保密审查 省政府保密审查员（演示）');
    const trail = await t.db.selectFrom('audit_log_entry').select('actor_label').where('object_id', '=', id).orderBy('seq').execute();
    expect(trail.map((e) => e.actor_label)).toEqual(['cli:bianji', 'cli:bianji', 'cli:shenhe', 'cli:baomi', 'cli:shenhe']);
  });
});
