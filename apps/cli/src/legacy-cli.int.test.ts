// `zhanqun legacy import|status|rollback`, spawned as an operator would run them, on the demo
// province: a WordPress export into a city site as its site admin, a re-run that changes nothing,
// the run's report, rollback, a broken file and another tenant's site refused in Chinese.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ManualClock } from '@zhanqun/core/clock';
import { seedDemoProvince } from '@zhanqun/demo/demo-province';
import { corpusPath } from '@zhanqun/legacy/corpus.fixture';
import { STALE_MS } from '@zhanqun/legacy/import-run.service';
import { importItems, ITEMS_FORMAT } from '@zhanqun/legacy/items/items-import.service';
import { LEGACY_HOST, writeMirror } from '@zhanqun/legacy/testsite/county-site.fixture';
import { platformAdminScope } from '@zhanqun/tenancy/platform.service';
import { createTestDatabase, type TestDatabase } from '@zhanqun/testing/db';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SCRUB = ['DATABASE_URL', 'TEST_DATABASE_URL', 'PGLITE_DIR', 'DATA_DIR', 'ADMIN_HOST', 'DEV_DOMAIN', 'NODE_OPTIONS', 'ZHANQUN_PASSWORD'];
const WXR = corpusPath('wordpress-importer-wxr-fixtures', 'phpunit-data');

/** Attachments the CLI stores go to a directory of the test's own, never under the repository. */
const BLOBS = mkdtempSync(join(tmpdir(), 'zq-cli-blobs-'));

type Result = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string };

function zhanqun(url: string, ...args: string[]): Promise<Result> {
  return started(url, ...args).result;
}

/** The CLI as a running process (to interrupt it), and its result once it exits. */
function started(url: string, ...args: string[]): { proc: ReturnType<typeof spawn>; result: Promise<Result> } {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of SCRUB) delete env[name];
  const proc = spawn(process.execPath, ['--conditions=@zhanqun/source', '--import', 'tsx', 'apps/cli/src/main.ts', ...args], {
    cwd: ROOT, env: { ...env, DATABASE_URL: url, USER: 'ops', BLOB_DIR: BLOBS }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.setEncoding('utf8').on('data', (s: string) => { stdout += s; });
  proc.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
  return { proc, result: new Promise((resolve) => proc.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }))) };
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

  it('should store the files a WordPress export uses, refusing loopback unless told it is a test', async () => {
    const jpg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0xff, 0xd9]);
    const server = createServer((req, res) => (req.url === '/2008/06/canola2.jpg' ? res.writeHead(200).end(jpg) : res.writeHead(404).end()));
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const uploads = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const args = ['legacy', 'import', '--site', 'qingchuan', '--wxr', `${WXR}/wxr-flat-attachment-same-site.xml`, '--as', 'zhanzhang', '--column', '/xwdt/yw/', '--uploads-url', uploads];
    try {
      const refused = await cli(...args);
      expect(refused.code, refused.stderr).toBe(0); // a file not had is a note, never a failed run
      expect(refused.stdout).toContain('附件与图片 files：发现 found 1  已存 already stored 0  下载 downloaded 0  从目录读取 read from dir 0  存入 stored 0  失败 failed 1');
      expect(refused.stdout).toContain('附件 https://wpthemetestdata.files.wordpress.com/2008/06/canola2.jpg 未能存入本站：127.0.0.1 is at a private, loopback or link-local address');
      const stored = await cli(...args, '--unsafe-allow-loopback');
      expect(stored.stdout, stored.stdout).toMatch(/更新 updated 1 .*\n.*存入 stored 1  失败 failed 0/);
      // The attachment's page (its permalink) answers with the file once it is stored.
      expect(refused.stdout).toContain('附件页 attachment pages：1 个，其中 0 个的旧网址转向已存入的附件');
      expect(stored.stdout).toContain('附件页 attachment pages：1 个，其中 1 个的旧网址转向已存入的附件');
      const body = await t.db.selectFrom('article as a').innerJoin('article_revision as r', 'r.id', 'a.latest_revision_id').select(['r.body_html', 'r.cover_attachment_id'])
        .where('a.draft_title', '=', 'Post with Attachment').executeTakeFirstOrThrow();
      expect(body.body_html).toMatch(/<img src="\/_files\/[0-9a-f-]{36}\/canola2\.jpg" alt="canola" width="100" height="100">/);
      expect(await cli(...args, '--no-files', '--uploads-dir', '/tmp')).toMatchObject({ code: 2, stderr: expect.stringContaining('--no-files') });
    } finally {
      await new Promise((done) => server.close(done));
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

  describe('an interrupted import', () => {
    const ITEMS = 400;
    let dir: string;
    beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'zq-resume-')); });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    /** A JSON items export of ITEMS notices of an old host, written to a file. */
    const itemsFile = (host: string) => {
      const file = join(dir, `${host}.json`);
      writeFileSync(file, JSON.stringify({
        format: ITEMS_FORMAT, site: { host },
        items: Array.from({ length: ITEMS }, (_, i) => ({
          id: String(i + 1), url: `http://${host}/art/${i + 1}.html`, column: '/xwdt/yw/', title: `旧网站信息第${i + 1}号`,
          body_html: `<p>正文 ${i + 1}</p>`, published_at: '2019-03-05 10:20',
        })),
      }));
      return file;
    };
    /** The ID map of a legacy site (by code): what its runs wrote. */
    const written = (code: string) => t.db.selectFrom('legacy_item as i').innerJoin('legacy_site as l', 'l.id', 'i.legacy_site_id')
      .select(['i.article_id', 'i.created_run_id']).where('l.code', '=', code).execute();
    const runsOf = (code: string) => t.db.selectFrom('legacy_import_run as r').innerJoin('legacy_site as l', 'l.id', 'r.legacy_site_id')
      .select(['r.id', 'r.status', 'r.finished_at', 'r.resumes_run_id']).where('l.code', '=', code).orderBy('r.started_at').execute();
    /** Wait until a running CLI has written `n` items (and has not finished). */
    const whenWritten = async (code: string, n: number, proc: ReturnType<typeof spawn>) => {
      for (let i = 0; i < 3000; i += 1) {
        if ((await written(code)).length >= n) return;
        if (proc.exitCode !== null) throw new Error(`the import ended (${proc.exitCode}) before ${n} items were written`);
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`${n} items were not written in time`);
    };

    it('should mark the run interrupted on Ctrl-C, and resume it with the same command, nothing imported twice', async () => {
      const code = 'www-qc-ctrlc-gov-cn';
      const args = ['legacy', 'items', itemsFile('www.qc-ctrlc.gov.cn'), '--site', 'qingchuan', '--as', 'zhanzhang'];
      const first = started(t.url!, ...args);
      await whenWritten(code, 20, first.proc);
      first.proc.kill('SIGINT');
      const stopped = await first.result;
      const [run] = await runsOf(code);
      expect(stopped.code, stopped.stderr).toBe(130);
      expect(stopped.stderr).toContain(`已中断 (interrupted)：导入批次 ${run!.id} 已标记为中断`);
      expect(run).toMatchObject({ status: 'interrupted', finished_at: null });
      const before = (await written(code)).length;
      expect(before).toBeLessThan(ITEMS);
      const status = await cli('legacy', 'status', '--site', 'qingchuan', '--as', 'zhanzhang');
      expect(status.stdout).toMatch(new RegExp(`${run!.id}  interrupted +已中断 .* 导入 ${before} 更新 0`));
      expect((await cli('legacy', 'status', '--site', 'qingchuan', '--as', 'zhanzhang', '--run', run!.id)).stdout).toContain('interrupted（已中断）');

      const second = await cli(...args);
      expect(second.code, second.stderr).toBe(0);
      expect(second.stdout).toContain(`续接已中断的批次 ${run!.id}`);
      expect(second.stdout).toMatch(new RegExp(`导入 imported ${ITEMS - before} +更新 updated 0 +未变 unchanged ${before} `));
      const items = await written(code);
      expect(items).toHaveLength(ITEMS);
      expect(new Set(items.map((i) => i.article_id)).size).toBe(ITEMS);
      expect((await runsOf(code)).map((r) => [r.status, r.resumes_run_id])).toEqual([['interrupted', null], ['finished', run!.id]]);
    });

    it('should hold a legacy site for a run killed outright until its heartbeat is stale, then resume it', async () => {
      const code = 'www-qc-killed-gov-cn';
      const file = itemsFile('www.qc-killed.gov.cn');
      const args = ['legacy', 'items', file, '--site', 'qingchuan', '--as', 'zhanzhang'];
      const first = started(t.url!, ...args);
      await whenWritten(code, 20, first.proc);
      first.proc.kill('SIGKILL');
      expect((await first.result).signal).toBe('SIGKILL');
      const [run] = await runsOf(code);
      expect(run!.status).toBe('running'); // nobody was left to say otherwise
      const before = (await written(code)).length;

      // Within STALE_MS of its last beat it cannot be told from a live run: a second run is refused, saying until when.
      const refused = await cli(...args);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`旧网站 ${code} 的导入批次 ${run!.id} 仍在进行`);
      expect(refused.stderr).toContain(`Import run ${run!.id} of legacy site ${code} is still running`);
      expect(refused.stderr).not.toMatch(/\n\s+at /);
      expect(await runsOf(code)).toHaveLength(1);

      // A run that starts when that time has passed marks it interrupted and resumes it.
      const site = await t.db.selectFrom('site').select(['id', 'platform_id']).where('code', '=', 'qingchuan').executeTakeFirstOrThrow();
      const later = { db: t.db, clock: new ManualClock(new Date(Date.now() + STALE_MS + 5_000)), actor: { userId: null, label: 'test' }, scope: await platformAdminScope(t.db, site.platform_id) };
      const { report } = await importItems(later, site.id, { json: readFileSync(file, 'utf8'), sourceName: 'resume.json' });
      expect(report).toMatchObject({ resumes: run!.id, unchanged: before, imported: ITEMS - before, failed: [] });
      expect(new Set((await written(code)).map((i) => i.article_id)).size).toBe(ITEMS);
      const found = await t.db.selectFrom('audit_log_entry').select('after').where('object_id', '=', run!.id).where('action', '=', 'legacy_import.interrupt').executeTakeFirstOrThrow();
      expect(found.after).toMatchObject({ foundBy: expect.any(String) });
      expect((await runsOf(code)).map((r) => [r.status, r.resumes_run_id])).toEqual([['interrupted', null], ['finished', run!.id]]);
    });
  });
});
