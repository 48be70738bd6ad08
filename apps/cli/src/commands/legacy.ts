/**
 * `legacy import|status|rollback`: moving a legacy site in (issue 7), as a named account whose
 * grants decide what it may do and whose name goes into every run and audit entry. Messages are
 * Chinese first; per-item failures are listed with their reasons, never as stack traces.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Kysely } from 'kysely';
import type { ServiceContext } from '@zhanqun/audit/context';
import { systemClock } from '@zhanqun/core/clock';
import { formatZoned } from '@zhanqun/core/time';
import type { Database, LegacySiteState, SiteRow } from '@zhanqun/db/database';
import { inScope } from '@zhanqun/db/scope';
import { findRun, listRuns, rollbackRun, runStatus, runWrites } from '@zhanqun/legacy/import-run.service';
import { parseQueryParams } from '@zhanqun/legacy/canonical-url';
import { createLegacySite, findLegacySiteByCode, findLegacySites, updateLegacySite, type LegacySiteInput } from '@zhanqun/legacy/legacy-site.service';
import { countEntries, importEntriesCsv, listEntries } from '@zhanqun/legacy/legacy-url.service';
import type { ImportReport } from '@zhanqun/legacy/wxr/wxr-import.service';
import { importWxr } from '@zhanqun/legacy/wxr/wxr-import.service';
import { importMirror, type MirrorReport } from '@zhanqun/legacy/mirror/mirror-import.service';
import { importItems } from '@zhanqun/legacy/items/items-import.service';
import { verifyLegacySite } from '@zhanqun/legacy/legacy-plan.service';
import * as columnRepository from '@zhanqun/tenancy/column.repository';
import { list, need, optional, printImportErrors, readCsv, RefusedError, UsageError, type Values } from '../cli-support.js';
import { asAccount, siteOf } from './article.js';
import { fileProgress, printFiles, serverFileStore, wxrFileOptions } from './legacy-files.js';
import { explainRunning, interruptible, printResumes, RUN_STATUS } from './legacy-runs.js';

const at = (d: Date | null, seconds = false) => (d ? formatZoned(d, seconds ? 'yyyy-MM-dd HH:mm:ss' : 'yyyy-MM-dd HH:mm') : '-');

/** The report's reasons (English, as the API gives them) in Chinese for the operator. */
const REASONS: [RegExp, string][] = [
  [/^a draft on the old site: imported as a draft$/, '原网站为草稿，导入为草稿'],
  [/^pending review on the old site: imported as a draft$/, '原网站待审核，导入为草稿'],
  [/^scheduled on the old site: imported as a draft$/, '原网站为定时发布，导入为草稿'],
  [/^private on the old site: imported as a draft$/, '原网站为私密文章，导入为草稿'],
  [/^password-protected on the old site: .*$/, '原网站设有访问密码，导入为草稿（政府网站页面要么公开，要么不发布）'],
  [/^no title on the old site: a placeholder title was given$/, '原网站无标题，已给出占位标题'],
  [/^title longer than (\d+) characters: shortened$/, '标题超过 $1 字，已截短'],
  [/^post type (\S+) is not imported as an article$/, '类型 $1 不作为稿件导入'],
  [/^status (\S+) is not imported$/, '状态 $1 不导入'],
  [/^no wp:status: .*$/, '缺少 wp:status，无法判断是否已发布'],
  [/^neither wp:post_type nor wp:status: .*$/, '既无 wp:post_type 也无 wp:status，不是文章（仅有评论或元数据）'],
  [/^no valid publish time .*$/, '没有有效的发布时间'],
  [/^line (\d+): the item is not closed \(no <\/item>\)$/, '第 $1 行：该项没有结束标签 </item>'],
  [/^line (\d+): (.*)$/, '第 $1 行：XML 格式错误（$2）'],
  [/^article (\S+) was edited on the platform since it was imported .*$/, '稿件 $1 导入后已在本站修改，未覆盖（加 --overwrite 可覆盖）'],
  [/^article (\S+) was deleted on the platform$/, '稿件 $1 已在本站删除'],
  [/^(.*) appears twice in the export$/, '$1 在导出文件中重复出现'],
  [/^(.*) is the old home page: no entry$/, '$1 是原网站首页，不建旧网址记录'],
  [/^(.*) already answers for another page: no entry$/, '$1 已对应其他页面，未建旧网址记录'],
  [/^attachment page of (\S+), which was not stored: /, '附件页，其文件 $1 未能存入本站：'],
  [/^attachment page of (\S+): the import ran without files$/, '附件页，本次导入未取附件（--no-files），其文件 $1 仍在原网站'],
  [/^attachment page of (\S+): its address answers for another page$/, '附件页（文件 $1 已存入），但其地址已对应其他页面'],
  [/^(\S+) was not stored: /, '附件 $1 未能存入本站：'],
  [/^(\S+) is the featured image but not an image: no cover$/, '特色图片 $1 不是图片，未设为封面'],
];

function zh(reason: string): string {
  return reason.split('; ').map((part) => {
    const hit = REASONS.find(([re]) => re.test(part));
    return hit ? part.replace(hit[0], hit[1]) : part;
  }).join('；');
}

/** A column by path (`/xwdt/tzgg/`), or the site's first column of a kind when none is given. */
async function columnOf(ctx: ServiceContext, site: SiteRow, values: Values, option: 'column' | 'page-column', kinds: readonly string[]): Promise<string | null> {
  const given = optional(values, option);
  return inScope(ctx.db, ctx.scope, async (trx) => {
    if (given) {
      const path = `/${given.replace(/^\/+|\/+$/g, '')}/`;
      const column = await columnRepository.findByPath(trx, site.id, path);
      if (!column) throw new RefusedError(`栏目 ${path} 不存在（字段 --${option}）(no such column)`);
      return column.id;
    }
    const columns = await columnRepository.findAll(trx, site.id);
    for (const kind of kinds) {
      const column = columns.find((c) => c.kind === kind);
      if (column) return column.id;
    }
    return null;
  });
}

function readWxr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`无法读取文件 ${path}（字段 --wxr）(cannot read the file): ${(err as Error).message}`);
  }
}

/** A progress line on a terminal (items, items/s, time left), redrawn at most 4 times a second. */
function progress(): ((done: number, total: number) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  const started = Date.now();
  let last = 0;
  return (done, total) => {
    const now = Date.now();
    if (done < total && now - last < 250) return;
    last = now;
    const rate = done / Math.max((now - started) / 1000, 0.001);
    const left = rate > 0 ? Math.ceil((total - done) / rate) : 0;
    process.stderr.write(`\r已处理 ${done}/${total} 项  ${rate.toFixed(1)} 项/秒  剩余约 ${left} 秒   ${done === total ? '\n' : ''}`);
  };
}

function printReport(runId: string, r: ImportReport): void {
  console.log(`导入批次 (run) ${runId}  来源 ${r.source}  旧网站 ${r.legacySite}${r.createdLegacySite ? '（新建）' : ''}`);
  printResumes(r.resumes);
  console.log(`  发现 found ${r.found}  导入 imported ${r.imported}  更新 updated ${r.updated}  未变 unchanged ${r.unchanged}  ` +
    `草稿 drafts ${r.drafts}  跳过 skipped ${r.skipped.length}  失败 failed ${r.failed.length}  旧网址 URL entries ${r.urlEntries}`);
  printFiles(r.files);
  for (const f of r.failed) console.log(`  失败 第 ${f.index} 项（第 ${f.line} 行）${f.title ? `「${f.title}」` : ''}：${zh(f.reason)}`);
  const reasons = new Map<string, number>();
  for (const s of r.skipped) reasons.set(zh(s.reason), (reasons.get(zh(s.reason)) ?? 0) + 1);
  for (const [reason, n] of reasons) console.log(`  跳过 ${n} 项：${reason}`);
  for (const n of r.notes) console.log(`  注意 第 ${n.index} 项「${n.title}」：${zh(n.reason)}`);
  if (r.linksRewritten) console.log(`  站内链接：${r.articlesRelinked} 篇稿件中的 ${r.linksRewritten} 个旧链接已改为新地址 (links rewritten)`);
  for (const b of r.brokenLinks ?? []) console.log(`  断链 「${b.title}」→ ${b.url}（${b.reason ? zh(b.reason) : '旧网站上的页面未导入'}）(broken link)`);
  for (const k of r.missingAtSource ?? []) console.log(`  来源中已没有 ${k}（此前导入的稿件保留）(missing at the source)`);
}

function printMirrorReport(runId: string, r: MirrorReport): void {
  console.log(`导入批次 (run) ${runId}  来源 ${r.source}  旧网站 ${r.legacySite}${r.createdLegacySite ? '（新建）' : ''}`);
  printResumes(r.resumes);
  console.log(`  文件 found ${r.found}  导入 imported ${r.imported}  更新 updated ${r.updated}  未变 unchanged ${r.unchanged}  重复 duplicates ${r.duplicates}  ` +
    `列表页 lists ${r.lists}  停用 retired ${r.retired}  附件 files ${r.files}（存入 stored ${r.filesStored}）  失败 failed ${r.failed.length}  未归类 unmapped ${r.unmapped.length}`);
  for (const [section, s] of Object.entries(r.sections)) console.log(`  栏目 ${section} → ${s.column}：页面 ${s.found}，导入 ${s.imported}`);
  for (const f of r.failed) console.log(`  失败 ${f.key}${f.title ? `「${f.title}」` : ''}：${zh(f.reason)}`);
  for (const u of r.unmapped) console.log(`  未归类 ${u.path}：${u.reason}`);
  if (r.linksRewritten) console.log(`  站内链接：${r.linksRewritten} 个旧链接已改为新地址 (links rewritten)`);
  for (const b of r.brokenLinks) console.log(`  断链 「${b.title}」→ ${b.url}（旧网站上的页面未导入）(broken link)`);
  for (const k of r.missingAtSource ?? []) console.log(`  镜像中已没有 ${k}（此前导入的稿件保留）(missing at the source)`);
}

export async function legacyCommand(db: Kysely<Database>, command: string, values: Values, positionals: string[]): Promise<number> {
  const ctx = await asAccount(db, values);
  const site = await siteOf(ctx, values);
  switch (command) {
    case 'import': {
      const file = optional(values, 'wxr');
      if (!file) throw new UsageError('缺少参数 --wxr <文件> (missing --wxr)');
      const wxr = readWxr(file);
      const columnId = await columnOf(ctx, site, values, 'column', ['news', 'notice']);
      if (!columnId) throw new RefusedError(`网站 ${site.code} 没有动态类栏目，请用 --column <栏目路径> 指定（字段 --column）`);
      const pageColumnId = await columnOf(ctx, site, values, 'page-column', ['page']) ?? columnId;
      const files = wxrFileOptions(values);
      const { runId, report } = await interruptible(() => importWxr(ctx, site.id, {
        wxr, sourceName: basename(file), columnId, pageColumnId, legacyCode: optional(values, 'legacy') ?? null, overwrite: values.overwrite === true,
        asDrafts: values.drafts === true, ...(files ? { files } : {}),
        ...(values.json ? {} : { onProgress: progress(), onFileProgress: fileProgress() }),
      }));
      if (values.json) console.log(JSON.stringify({ runId, report }, null, 2));
      else printReport(runId, report);
      return report.failed.length ? 1 : 0;
    }
    case 'site': {
      // Create or change a legacy site's settings (Bouncer's site config), all given at once.
      const code = need(values, 'legacy');
      const globalType = optional(values, 'global');
      if (globalType && globalType !== 'redirect' && globalType !== 'gone') throw new UsageError('--global 须为 redirect 或 gone');
      const input: LegacySiteInput = {
        code, name: optional(values, 'name') ?? code, hosts: list(values, 'host'), queryParams: parseQueryParams(optional(values, 'query-params')),
        archivePrefix: optional(values, 'archive-prefix') ?? null, globalType: (globalType as 'redirect' | 'gone' | undefined) ?? null,
        globalTarget: optional(values, 'global-target') ?? null, globalAppendPath: values['append-path'] === true,
        allowedTargetHosts: list(values, 'allow-host'), ...(list(values, 'allow-suffix').length ? { allowedTargetSuffixes: list(values, 'allow-suffix') } : {}),
      };
      const exists = await inScope(db, ctx.scope, (trx) => findLegacySiteByCode(trx, site.id, code));
      // What these options do not set (pattern rules, the move's state and deadline) stays as it was.
      if (exists) {
        Object.assign(input, { rules: exists.rules, state: exists.state, deadline: exists.deadline, homepageTitle: exists.homepage_title });
      }
      if (optional(values, 'state')) input.state = optional(values, 'state') as LegacySiteState;
      if (optional(values, 'deadline')) input.deadline = optional(values, 'deadline')!;
      const saved = exists ? await updateLegacySite(ctx, site.id, code, input) : await createLegacySite(ctx, site.id, input);
      console.log(`${exists ? '已更新' : '已登记'}旧网站 ${saved.code}（${saved.name}）：域名 ${saved.hosts.join(', ') || '-'}，` +
        `有效参数 ${saved.query_params.join(':') || '无'} (${exists ? 'updated' : 'registered'} legacy site)`);
      return 0;
    }
    case 'urls': {
      // A Transition mapping CSV (Old Url,New Url,Status[,Suggested Link,Archive Link]): all rows or none.
      const file = positionals[2];
      if (!file) throw new UsageError('用法 usage: zhanqun legacy urls <csv> --site <code> --legacy <旧网站 code> --as <账号>');
      const result = await importEntriesCsv(ctx, site.id, need(values, 'legacy'), readCsv(file));
      if (result.errors.length) {
        printImportErrors(result.errors);
        console.error(`有 ${result.errors.length} 行有误，未导入任何旧网址 (nothing imported)`);
        return 1;
      }
      console.log(`旧网址：新增 ${result.inserted} 条，更新 ${result.updated} 条，未变 ${result.unchanged} 条 (inserted, updated, unchanged)`);
      return 0;
    }
    case 'mirror': {
      // A static mirror (wget --mirror) by its mapping profile (YAML).
      const dir = need(values, 'dir');
      const profileFile = need(values, 'profile');
      let profile: string;
      try {
        profile = readFileSync(profileFile, 'utf8');
      } catch (err) {
        throw new UsageError(`无法读取文件 ${profileFile}（字段 --profile）(cannot read the file): ${(err as Error).message}`);
      }
      // Attachments go where the server keeps them, under its upload limit.
      const files = serverFileStore();
      const { runId, report } = await interruptible(() => importMirror(ctx, site.id, {
        dir, profile, sourceName: basename(dir), files, legacyCode: optional(values, 'legacy') ?? null, overwrite: values.overwrite === true,
        asDrafts: values.drafts === true,
        ...(values.json ? {} : { onProgress: progress() }),
      }));
      if (values.json) console.log(JSON.stringify({ runId, report }, null, 2));
      else printMirrorReport(runId, report);
      return report.failed.length ? 1 : 0;
    }
    case 'items': {
      // The documented JSON items format (README, Legacy sites) from another CMS.
      const file = positionals[2];
      if (!file) throw new UsageError('用法 usage: zhanqun legacy items <json> --site <code> --as <账号>');
      let json: string;
      try {
        json = readFileSync(file, 'utf8');
      } catch (err) {
        throw new UsageError(`无法读取文件 ${file} (cannot read the file): ${(err as Error).message}`);
      }
      const { runId, report } = await interruptible(() => importItems(ctx, site.id, {
        json, sourceName: basename(file), legacyCode: optional(values, 'legacy') ?? null, overwrite: values.overwrite === true, asDrafts: values.drafts === true,
        ...(values.json ? {} : { onProgress: progress() }),
      }));
      if (values.json) console.log(JSON.stringify({ runId, report }, null, 2));
      else {
        console.log(`导入批次 (run) ${runId}  来源 ${report.source}  旧网站 ${report.legacySite}`);
        printResumes(report.resumes);
        console.log(`  条目 found ${report.found}  导入 imported ${report.imported}  更新 updated ${report.updated}  未变 unchanged ${report.unchanged}  ` +
          `草稿 drafts ${report.drafts}  停用 retired ${report.retired}  失败 failed ${report.failed.length}`);
        for (const f of report.failed) console.log(`  失败 第 ${f.index} 项${f.title ? `「${f.title}」` : ''}：${f.reason}`);
        for (const n of report.notes) console.log(`  注意 第 ${n.index} 项「${n.title}」：${zh(n.reason)}`);
      }
      return report.failed.length ? 1 : 0;
    }
    case 'verify': {
      const code = need(values, 'legacy');
      const report = await inScope(db, ctx.scope, async (trx) => {
        const legacy = await findLegacySiteByCode(trx, site.id, code);
        if (!legacy) throw new RefusedError(`旧网站 ${code} 不存在（字段 --legacy）(no such legacy site)`);
        return verifyLegacySite(trx, site.id, legacy.id);
      });
      console.log(`旧网址 ${report.entries} 条：301 ${report.redirects} 条（其中外站 ${report.external} 条），410 ${report.gone} 条，待发布 ${report.awaiting} 条；` +
        `指向不存在页面的 301 ${report.deadRedirects.length} 条 (verified)`);
      for (const d of report.deadRedirects) console.log(`  ${d.path} → ${d.target}（本站没有这个页面）`);
      return report.deadRedirects.length ? 1 : 0;
    }
    case 'status': {
      const runId = optional(values, 'run');
      if (runId) {
        const found = await inScope(db, ctx.scope, async (trx) => {
          const run = await findRun(trx, site.id, runId);
          return run && { run, writes: await runWrites(trx, site.id, run.id) };
        });
        if (!found) throw new RefusedError(`导入批次 ${runId} 不存在（字段 --run）(no such run)`);
        const { run, writes } = found;
        const status = runStatus(run, systemClock.now());
        if (values.json) console.log(JSON.stringify({ ...run, status, writes }, null, 2));
        else if (run.finished_at) printReport(run.id, run.report as ImportReport);
        else {
          // A run that never finished has no report: what it wrote is in the ID map.
          console.log(`导入批次 (run) ${run.id}  ${status}（${RUN_STATUS[status]}）  来源 ${run.source_name}  开始 ${at(run.started_at)}  最近活动 ${at(run.heartbeat_at, true)}`);
          console.log(`  已写入 written: 导入 imported ${writes.created}  更新 updated ${writes.updated}`);
          if (status === 'interrupted') console.log('  再次运行同一导入即可续接，已写入的不会重复 (run the same import again to resume it)');
        }
        return 0;
      }
      // Each legacy site: its entries by kind, and the most hit after cut-over (what still arrives).
      await inScope(db, ctx.scope, async (trx) => {
        for (const l of await findLegacySites(trx, site.id)) {
          const counts = await countEntries(trx, site.id, l.id);
          const top = (await listEntries(trx, site.id, l.id, 5)).filter((e) => e.hits > 0);
          console.log(`旧网站 ${l.code}（${l.name}）状态 ${l.state}：301 ${counts['legacy'] ?? 0} 条，410 ${counts['gone'] ?? 0} 条，待发布 ${counts['awaiting'] ?? 0} 条`);
          for (const e of top) console.log(`  ${String(e.hits).padStart(8)} 次  ${e.path}  → ${e.target ?? e.kind}  最近 ${at(e.lastHitAt)}`);
        }
      });
      const runs = await inScope(db, ctx.scope, (trx) => listRuns(trx, site.id));
      const now = systemClock.now();
      for (const r of runs) {
        const rep = r.report as Partial<ImportReport>;
        const status = runStatus(r, now);
        // A run that never finished has no report: its counts come from the ID map.
        const writes = r.finished_at ? null : await inScope(db, ctx.scope, (trx) => runWrites(trx, site.id, r.id));
        console.log(`${r.id}  ${status.padEnd(11)} ${RUN_STATUS[status]}  ${at(r.started_at)}  ${r.operator_label}  ${r.source_name}  ` +
          `导入 ${writes?.created ?? rep.imported ?? 0} 更新 ${writes?.updated ?? rep.updated ?? 0} 失败 ${rep.failed?.length ?? 0}` +
          `${r.resumes_run_id ? `  续接 ${r.resumes_run_id}` : ''}`);
      }
      console.log(`共 ${runs.length} 个导入批次 (${runs.length} runs)`);
      return 0;
    }
    case 'rollback': {
      const runId = positionals[2];
      if (!runId) throw new UsageError('请给出导入批次 id (give the run id): zhanqun legacy rollback <run> --site <code> --as <账号>');
      const r = await rollbackRun(ctx, site.id, runId).catch(explainRunning);
      console.log(`已回滚导入批次 ${r.runId}：删除稿件 ${r.removedArticles} 篇、旧网址 ${r.removedEntries} 条、附件 ${r.removedFiles} 个；` +
        `保留此前批次创建后被本批次更新的 ${r.keptUpdated} 篇、已经本站发布流程发布的 ${r.keptReleased} 篇、仍被其他稿件或本站主题使用的附件 ${r.keptFiles} 个 (rolled back)`);
      return 0;
    }
  }
  return 2;
}
