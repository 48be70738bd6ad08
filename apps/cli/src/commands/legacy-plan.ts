/**
 * `legacy plan` and `legacy crawl`: the commands that act without a site account — the
 * platform-wide plan of legacy sites (as the platform's admin) and the crawl of a live legacy
 * site into a mirror (no database at all).
 */
import type { Kysely } from 'kysely';
import type { Database } from '@zhanqun/db/database';
import { inScope } from '@zhanqun/db/scope';
import { crawl } from '@zhanqun/legacy/crawl/crawler';
import { legacyPlan } from '@zhanqun/legacy/legacy-plan.service';
import { list, need, optional, platformContext, UsageError, type Values } from '../cli-support.js';

const positive = (values: Values, name: string, fallback: number): number => {
  const raw = optional(values, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} 须为正数（字段 --${name}）(must be a positive number)`);
  return n;
};

const STATE_NAMES: Record<string, string> = { planned: '计划', crawling: '抓取中', imported: '已导入', parallel_run: '并行运行', cut_over: '已切换', decommissioned: '已下线' };

/** `legacy plan --platform`: every legacy site of the platform, its state and deadline (as its admin). */
export async function planCommand(db: Kysely<Database>, values: Values): Promise<number> {
  const { ctx } = await platformContext(db, need(values, 'platform'));
  const plan = await inScope(db, ctx.scope, (trx) => legacyPlan(trx, ctx.clock));
  for (const p of plan) {
    console.log(`${p.overdue ? '逾期 ' : '     '}${(p.deadline ?? '-').padEnd(10)}  ${(STATE_NAMES[p.state] ?? p.state).padEnd(5)}  ${p.legacyName}（${p.hosts.join(', ') || p.legacyCode}）→ ` +
      `${p.siteName}（${p.siteCode}，${p.unitName}）  旧网址 ${p.entries} 条，访问 ${p.hits} 次`);
  }
  const overdue = plan.filter((p) => p.overdue).length;
  console.log(`共 ${plan.length} 个旧网站，逾期 ${overdue} 个 (${plan.length} legacy sites, ${overdue} overdue)`);
  return 0;
}

/** `legacy crawl`: fetch a live legacy site into a mirror (no database; `legacy mirror` imports it). */
export async function crawlCommand(values: Values): Promise<number> {
  const start = need(values, 'start');
  if (!/^https?:\/\//.test(start)) throw new UsageError('--start 须为 http(s) 网址（字段 --start）');
  const report = await crawl({
    start, dir: need(values, 'dir'), aliases: list(values, 'alias'), maxPages: positive(values, 'max-pages', 10_000),
    maxDepth: positive(values, 'max-depth', 20), concurrency: positive(values, 'concurrency', 4), rate: positive(values, 'rate', 10),
    ignoreRobots: values['ignore-robots'] === true,
    ...(process.stderr.isTTY ? { onProgress: (fetched: number, queued: number) => process.stderr.write(`\r已抓取 ${fetched} 个页面，队列中 ${queued} 个   `) } : {}),
  });
  if (process.stderr.isTTY) process.stderr.write('\n');
  console.log(`抓取完成 (crawled)：${report.fetched} 个页面，${report.pagesPerSecond} 页/秒；此前已抓取 ${report.alreadyDone} 个；` +
    `robots.txt 禁止 ${report.disallowed.length} 个；失败 ${report.failed.length} 个；尚余 ${report.remaining} 个（再次运行可续抓）`);
  console.log(`镜像目录 (mirror): ${report.root}`);
  for (const f of report.failed) console.log(`  失败 ${f.url}：${f.error}${f.status ? ` ${f.status}` : ''}`);
  return report.failed.length ? 1 : 0;
}
