// `zhanqun legacy import|status|rollback`, spawned as an operator would run them, on the demo
// province: a WordPress export into a city site as its site admin, a re-run that changes nothing,
// the run's report, rollback, a broken file and another tenant's site refused in Chinese.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ManualClock } from '@zhanqun/core/clock';
import { seedDemoProvince } from '@zhanqun/demo/demo-province';
import { corpusPath } from '@zhanqun/legacy/corpus.fixture';
import { LEGACY_HOST, writeMirror } from '@zhanqun/legacy/testsite/county-site.fixture';
import { createTestDatabase, type TestDatabase } from '@zhanqun/testing/db';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SCRUB = ['DATABASE_URL', 'TEST_DATABASE_URL', 'PGLITE_DIR', 'DATA_DIR', 'ADMIN_HOST', 'DEV_DOMAIN', 'NODE_OPTIONS', 'ZHANQUN_PASSWORD'];
const WXR = corpusPath('wordpress-importer-wxr-fixtures', 'phpunit-data');

/** Attachments the CLI stores go to a directory of the test's own, never under the repository. */
const BLOBS = mkdtempSync(join(tmpdir(), 'zq-cli-blobs-'));

function zhanqun(url: string, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of SCRUB) delete env[name];
  const proc = spawn(process.execPath, ['--conditions=@zhanqun/source', '--import', 'tsx', 'apps/cli/src/main.ts', ...args], {
    cwd: ROOT, env: { ...env, DATABASE_URL: url, USER: 'ops', BLOB_DIR: BLOBS }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.setEncoding('utf8').on('data', (s: string) => { stdout += s; });
  proc.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
  return new Promise((resolve) => proc.once('close', (code) => resolve({ code, stdout, stderr })));
}

describe.skipIf(inject('zqTestBackend').kind !== 'postgres')('zhanqun legacy (spawned, on the demo province)', () => {
  let t: TestDatabase;
  const cli = (...args: string[]) => zhanqun(t.url!, ...args);

  beforeAll(async () => {
    t = await createTestDatabase();
    await seedDemoProvince(t.db, new ManualClock(new Date()));
  });
  afterAll(async () => {
    await t?.destroy();
    rmSync(BLOBS, { recursive: true, force: true });
  });

  it('should import, change nothing on a re-run, report, and roll back, as the site admin', async () => {
    const first = await cli('legacy', 'import', '--site', 'qingchuan', '--wxr', `${WXR}/small-export.xml`, '--as', 'zhanzhang', '--column', '/xwdt/yw/');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout, first.stdout).toMatch(/发现 found 11 {2}导入 imported 11 {2}更新 updated 0/);
    expect(first.stdout).toContain('注意 第 7 项「Private Post」：原网站为私密文章，导入为草稿');
    const runId = /导入批次 \(run\) ([0-9a-f-]{36})/.exec(first.stdout)![1]!;

    const again = JSON.parse((await cli('legacy', 'import', '--site', 'qingchuan', '--wxr', `${WXR}/small-export.xml`, '--as', 'zhanzhang', '--column', '/xwdt/yw/', '--json')).stdout);
    expect(again.report).toMatchObject({ imported: 0, updated: 0, unchanged: 11 });

    const status = await cli('legacy', 'status', '--site', 'qingchuan', '--as', 'zhanzhang');
    expect(status.stdout).toContain(`${runId}  finished`);
    expect(status.stdout).toContain('cli:zhanzhang');

    const rolled = await cli('legacy', 'rollback', runId, '--site', 'qingchuan', '--as', 'zhanzhang');
    expect(rolled).toMatchObject({ code: 0, stdout: expect.stringContaining('删除稿件 11 篇') });
    const left = await t.db.selectFrom('legacy_item').select('id').execute();
    expect(left).toEqual([]);
  });

  it('should register a legacy site and import its URL mapping, all or nothing, with line and field in Chinese', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zq-legacy-'));
    try {
      const site = await cli('legacy', 'site', '--site', 'qingchuan', '--legacy', 'qc-old', '--name', '青川市旧网站', '--host', 'www.qingchuan.gov.cn',
        '--query-params', 'id:itemid', '--as', 'zhanzhang');
      expect(site).toMatchObject({ code: 0, stdout: expect.stringContaining('有效参数 id:itemid') });
      const bad = join(dir, 'bad.csv');
      writeFileSync(bad, 'Old Url,New Url,Status\nhttp://www.qingchuan.gov.cn/a.asp?id=1,/xwdt/yw/,301\nhttp://www.qingchuan.gov.cn/b.asp,http://evil.example.com/,301\n');
      expect(await cli('legacy', 'urls', bad, '--site', 'qingchuan', '--legacy', 'qc-old', '--as', 'zhanzhang'))
        .toMatchObject({ code: 1, stderr: expect.stringContaining('第 3 行（字段 new url）') });
      const good = join(dir, 'good.csv');
      writeFileSync(good, 'Old Url,New Url,Status\nhttp://www.qingchuan.gov.cn/a.asp?id=1&x=2,/xwdt/yw/,301\nhttp://www.qingchuan.gov.cn/old/,,410\n');
      expect(await cli('legacy', 'urls', good, '--site', 'qingchuan', '--legacy', 'qc-old', '--as', 'zhanzhang'))
        .toMatchObject({ code: 0, stdout: expect.stringContaining('新增 2 条') });
      const status = await cli('legacy', 'status', '--site', 'qingchuan', '--as', 'zhanzhang');
      expect(status.stdout).toContain('旧网站 qc-old（青川市旧网站）状态 planned：301 1 条，410 1 条，待发布 0 条');
      expect(await cli('legacy', 'verify', '--site', 'qingchuan', '--legacy', 'qc-old', '--as', 'zhanzhang'))
        .toMatchObject({ code: 0, stdout: expect.stringContaining('指向不存在页面的 301 0 条') });
      expect((await cli('legacy', 'site', '--site', 'qingchuan', '--legacy', 'qc-old', '--name', '青川市旧网站', '--host', 'www.qingchuan.gov.cn',
        '--query-params', 'id:itemid', '--state', 'parallel_run', '--deadline', '2028-06-30', '--as', 'zhanzhang')).code).toBe(0);
      const plan = await cli('legacy', 'plan', '--platform', 'demo');
      expect(plan.stdout).toMatch(/2028-06-30\s+并行运行\s+青川市旧网站（www.qingchuan.gov.cn）→ 青川市人民政府（演示）（qingchuan，/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('should import a static mirror by its profile, reporting what it could not place', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zq-mirror-'));
    try {
      const root = writeMirror(dir);
      const profile = join(dir, 'profile.yaml');
      writeFileSync(profile, [`host: ${LEGACY_HOST}`, "articles: '^/art/\\d{4}/\\d{1,2}/\\d{1,2}/art_(?<section>\\d+)_\\d+\\.html$'",
        "lists: '^/col/col(?<section>\\d+)/index(?:_\\d+)?\\.html$'", "retired: ['^/col/col9/', '^/art/.*/art_9_']",
        "sections: { '1': /xwdt/tzgg/, '2': /zwgk/zcwj/, '3': /xwdt/bmdt/ }", "selectors: { title: h1.title, body: '#zoom', time: .info }"].join('\n'));
      const run = await cli('legacy', 'mirror', '--site', 'qingchuan', '--dir', root, '--profile', profile, '--as', 'zhanzhang');
      expect(run.stderr).toBe('');
      expect(run.stdout, run.stdout.slice(0, 600)).toMatch(/导入 imported 156 .* 重复 duplicates 1 /);
      expect(run.stdout).toContain('栏目 3 → /xwdt/bmdt/：页面 54，导入 50');
      expect(run.stdout, run.stdout.slice(0, 400)).toMatch(/附件 files \d+（存入 stored 44）/); // section 4 has no column: its files wait
      expect(run.stdout).toContain('未归类 /art/2019/'); // section 4 has no column in this profile: reported, not dropped
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('should refuse to crawl a private address from the command line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zq-crawl-'));
    try {
      const run = await cli('legacy', 'crawl', '--start', 'http://127.0.0.1:9/', '--dir', dir, '--max-pages', '5');
      expect(run).toMatchObject({ code: 1, stdout: expect.stringContaining('失败 http://127.0.0.1:9/：private_address') });
      expect(await cli('legacy', 'crawl', '--start', 'ftp://x', '--dir', dir)).toMatchObject({ code: 2, stderr: expect.stringContaining('--start') });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('should refuse a file that is no WXR export, and another tenant\'s site, in Chinese without a stack trace', async () => {
    const bad = await cli('legacy', 'import', '--site', 'qingchuan', '--wxr', `${WXR}/missing-version-tag.xml`, '--as', 'zhanzhang', '--column', '/xwdt/yw/');
    expect(bad).toMatchObject({ code: 1, stderr: expect.stringContaining('ZQ_LEGACY_WXR_UNREADABLE') });
    expect(bad.stderr).toContain('wxr_version');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    const other = await cli('legacy', 'import', '--site', 'anhe', '--wxr', `${WXR}/small-export.xml`, '--as', 'zhanzhang');
    expect(other).toMatchObject({ code: 1, stderr: expect.stringContaining('不在您的权限范围内') });
    const liaison = await cli('legacy', 'import', '--site', 'anhe', '--wxr', `${WXR}/small-export.xml`, '--as', 'xinxiyuan');
    expect(liaison).toMatchObject({ code: 1, stderr: expect.stringContaining('site.manage') });
  });
});
