/**
 * zhanqun — the operator's command line. Calls package services, never HTTP routes. Messages
 * are Chinese first; a failure prints one line naming what was wrong and exits non-zero.
 */
import { parseArgs } from 'node:util';
import { systemClock } from '@zhanqun/core/clock';
import { isCodedError } from '@zhanqun/core/errors';
import { migrateAllDown, migrateDown, migrateToLatest, migrationStatus } from '@zhanqun/db/migrator';
import { seedDemoProvince } from '@zhanqun/demo/demo-province';
import { createPlatformAdmin } from '@zhanqun/identity/user.service';
import { createCityPlatform, createPlatform } from '@zhanqun/tenancy/platform.service';
import { inScope } from '@zhanqun/db/scope';
import { anchorChains } from '@zhanqun/audit/audit.anchor';
import { verifyChain } from '@zhanqun/audit/audit.verify';
import { totpCode } from '@zhanqun/identity/totp';
import { findPlatform, need, open, operator, platformContext, RefusedError, UsageError } from './cli-support.js';
import { articleCommand, termsCommand } from './commands/article.js';
import { applyTemplateCommand } from './commands/columns.js';
import { legacyCommand } from './commands/legacy.js';
import { crawlCommand, planCommand } from './commands/legacy-plan.js';
import { importOrgUnitsCommand } from './commands/org.js';
import { closeSiteCommand, createSiteCommand, importSitesCommand, listSitesCommand, showSiteCommand } from './commands/site.js';
import { themeCheckCommand } from './commands/theme.js';

const USAGE = `用法 Usage: zhanqun <命令>

  db migrate                 执行全部待执行的迁移 (apply pending migrations)
  db rollback [--all]        回滚最近一次迁移，或全部 (roll back the last / all migrations)
  db status                  列出迁移及执行时间 (list migrations)
  platform create --code <code> --name <名称>
                             创建平台 (create a platform)
  platform create-city --platform <上级平台 code> --org-unit <设区市区划代码或名称> --code <code> --name <名称>
                             为具备条件的设区市开设市级平台，其下机构与网站随之迁入；省平台保留只读监督
                             (a city's own platform for its subtree; the province keeps read-only oversight)
  user create-admin --platform <code> --username <name> --name <显示名>
                             创建平台管理员；密码从环境变量 ZHANQUN_PASSWORD 或标准输入读取
                             (create a platform admin; password from ZHANQUN_PASSWORD or stdin)
  seed demo                  创建演示省（幂等）(seed the demo province, idempotent)
  audit verify --platform <code>
                             校验审计日志哈希链 (verify the audit hash chain)
  audit anchor               把各平台审计链头抄存到链外 (anchor every chain head outside the trail)
  totp code <密钥 key>       由 TOTP 密钥算出当前动态口令，无需数据库 (current code for a TOTP key; no database)
  theme check <目录 dir>     校验主题包，按 文件:行 列出问题；有致命或错误项时退出码 1，无需数据库
                             (validate a theme pack, findings as file:line; exit 1 on fatal or error; no database)

  org import <csv> --platform <code> [--good-rows]
                             从 CSV 导入机构（name,level,division_code,parent,short_name）；默认有错则全部不导入，
                             --good-rows 只导入正确的行 (import org units; all or nothing unless --good-rows)
  site create --platform <code> --org-unit <区划代码或名称> --kind portal|department|sub_site
              --code <code> --name <名称> [--parent-site <code> --prefix <段>] [--host <域名> …]
              [--site-id-code <网站标识码>] [--live]
                             创建网站并应用标准栏目模板 (create a site with the standard column template)
  site list [--platform <code>] [--q <文字>]
                             列出网站 (list sites)
  site show <code>           显示网站详情与域名 (show a site and its domains)
  site close <code>          关闭网站 (close a site)
  site import <csv> --platform <code> [--good-rows]
                             从 CSV 批量开通网站 (bulk-provision sites from a CSV)，列 columns: code,name,kind,
                             org_unit,parent_site,path_prefix,site_id_code,hosts,icp_number,psb_number,
                             sponsor,contact,template (standard|空),status (provisioning|live)
  columns apply-template --platform <code> (--site <code> … | --all) [--template <code>]
                             为网站补齐模板栏目，默认标准模板 (add a template's missing columns; default standard)

  稿件与审核 (articles and review) — 以具名账号操作，权限与后台一致 (as a named account, with its grants):
  article list --site <code> --as <账号> [--state draft|in_review|needs_changes|approved|scheduled|live|withdrawn] [--q <文字>]
  article create --site <code> --as <账号> --column <栏目路径 /xwdt/tzgg/> --title <标题> --body-file <html>
                 [--document-number <发文字号>] [--issuing-organ <发布机构>]
  article show <id> --site <code> --as <账号>
  article submit <id> --site <code> --as <账号>            送审 (submit for review)
  article approve <id> --site <code> --as <账号> [--comment <意见>]
                                                           通过当前审核环节 (approve the current step)
  article reject <id> --site <code> --as <账号> --reason <原因>
                                                           退回修改 (send back with the reason)
  article publish <id> --site <code> --as <账号> [--at "yyyy-MM-dd HH:mm"]
                                                           立即或定时发布（北京时间）(publish now or at a minute)
  article withdraw <id> --site <code> --as <账号> --reason <原因> [--at "yyyy-MM-dd HH:mm"]
  terms import <csv> --platform <code>                     导入严重错误词库（term,correction,kind,note；全部或全不）
                                                           (import the serious-error list, all or nothing)
  terms list --platform <code> [--q <文字>]

  旧网站迁移 (legacy site migration) — 以具名账号操作 (as a named account):
  legacy import --site <code> --wxr <文件> --as <账号> [--column <栏目路径>] [--page-column <栏目路径>]
                [--legacy <旧网站 code>] [--overwrite] [--drafts] [--json]
                [--uploads-dir <wp-content/uploads 副本目录> | --uploads-url <上传文件现址>] [--concurrency N] [--no-files]
                             导入 WordPress 导出文件（WXR）：保留原发布时间，旧网址 301 到新稿件；重复执行不会重复导入，
                             本站修改过的稿件不被覆盖（除非 --overwrite）；逐项报告失败原因
                             (import a WordPress export; re-runs never duplicate; per-item failures reported)
                             文章用到的附件与图片（上传目录中的文件、特色图片）下载后存入本站并改写链接，每个文件只存一次；
                             旧服务器已关闭时用 --uploads-dir 从磁盘上的上传目录副本读取；下载失败逐项注明原因，不影响导入；
                             拒绝内网、回环地址（--unsafe-allow-loopback 仅供测试）
                             (files the posts use are downloaded or read from a copy of the uploads, stored once, bodies rewritten)
  legacy crawl --start <网址> --dir <镜像目录> [--alias <域名> …] [--max-pages N] [--max-depth N] [--concurrency N] [--rate 每秒请求数]
               [--ignore-robots]
                             抓取旧网站到镜像目录（仅本站域名，遵守 robots.txt，除非网站主办单位要求忽略；可中断后续抓；
                             拒绝内网、回环地址）；无需数据库，之后用 legacy mirror 导入
                             (crawl a legacy site into a mirror; resumable; no database)
  legacy mirror --site <code> --dir <镜像目录> --profile <映射配置.yaml> --as <账号> [--legacy <旧网站 code>] [--overwrite] [--drafts] [--json]
                             导入旧网站的静态镜像（wget --mirror）：按映射配置把文章页导入对应栏目、列表页 301 到栏目、
                             停用页面 410，同一文件在两个栏目只导入一次；未归类页面逐一报告
                             (import a static mirror by its mapping profile; unmapped pages reported)
  legacy items <json> --site <code> --as <账号> [--legacy <旧网站 code>] [--overwrite] [--drafts] [--json]
                             导入其他内容管理系统导出的 JSON 条目（格式 zhanqun-legacy-items/1，见 README）
                             (import the documented JSON items format of other CMS exports)
  legacy site --site <code> --legacy <旧网站 code> --as <账号> [--name <名称>] [--host <旧域名> …]
              [--query-params a:b] [--archive-prefix <存档地址前缀>] [--global redirect|gone [--global-target <地址>] [--append-path]]
              [--allow-host <域名> …] [--allow-suffix .gov.cn …] [--state planned|crawling|imported|parallel_run|cut_over|decommissioned]
              [--deadline yyyy-MM-dd]
                             登记或修改旧网站的设置：有效查询参数（小写）、存档、整体规则、允许跳转的域名
                             (register or change a legacy site: significant parameters, archive, global rule, allowed targets)
  legacy urls <csv> --site <code> --legacy <旧网站 code> --as <账号>
                             导入旧网址对照表（Old Url,New Url,Status[,Suggested Link,Archive Link]；301/410/418 待发布）；
                             全部或全不 (import a mapping CSV, all or nothing)
  legacy verify --site <code> --legacy <旧网站 code> --as <账号>
                             检查旧网址指向：301 的目标页面是否存在，待发布、410 各多少 (check where every old URL leads)
  legacy plan --platform <code>
                             全省旧网站迁移计划：目标网站、主办单位、状态、期限、是否逾期、旧网址与访问次数
                             (the platform's legacy sites: state, deadline, overdue, entries, hits)
  legacy status --site <code> --as <账号> [--run <批次 id>] [--json]
                             旧网站及其旧网址、访问次数，导入批次；或一个批次的报告
                             (legacy sites with their entries and hits, import runs; or one run's report)
  legacy rollback <批次 id> --site <code> --as <账号>
                             回滚一个导入批次：删除它创建的稿件与旧网址 (remove exactly what a run created)

退出码 Exit codes: 0 成功 (ok), 1 被拒绝 (refused), 2 用法错误 (usage).

数据库 Database: DATABASE_URL，未设置时使用内嵌数据库 PGLITE_DIR（默认 ./data/pglite）。
内嵌数据库同一时间只能由一个进程打开：服务器运行时请先停止服务器，或设置 DATABASE_URL。`;

async function readPassword(): Promise<string> {
  if (process.env.ZHANQUN_PASSWORD) return process.env.ZHANQUN_PASSWORD;
  if (process.stdin.isTTY) throw new UsageError('请通过环境变量 ZHANQUN_PASSWORD 或标准输入提供密码 (password via ZHANQUN_PASSWORD or stdin)');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: {
      all: { type: 'boolean' }, code: { type: 'string' }, name: { type: 'string' }, platform: { type: 'string' },
      username: { type: 'string' }, help: { type: 'boolean', short: 'h' },
      'org-unit': { type: 'string' }, kind: { type: 'string' }, 'parent-site': { type: 'string' }, prefix: { type: 'string' },
      host: { type: 'string', multiple: true }, 'site-id-code': { type: 'string' }, live: { type: 'boolean' },
      q: { type: 'string' }, 'good-rows': { type: 'boolean' }, site: { type: 'string', multiple: true }, template: { type: 'string' },
      as: { type: 'string' }, state: { type: 'string' }, column: { type: 'string' }, title: { type: 'string' }, 'body-file': { type: 'string' },
      'document-number': { type: 'string' }, 'issuing-organ': { type: 'string' }, comment: { type: 'string' }, reason: { type: 'string' },
      at: { type: 'string' }, wxr: { type: 'string' }, 'page-column': { type: 'string' }, legacy: { type: 'string' },
      overwrite: { type: 'boolean' }, json: { type: 'boolean' }, run: { type: 'string' }, 'query-params': { type: 'string' },
      'archive-prefix': { type: 'string' }, global: { type: 'string' }, 'global-target': { type: 'string' }, 'append-path': { type: 'boolean' },
      'allow-host': { type: 'string', multiple: true }, 'allow-suffix': { type: 'string', multiple: true }, dir: { type: 'string' }, profile: { type: 'string' },
      start: { type: 'string' }, alias: { type: 'string', multiple: true }, 'max-pages': { type: 'string' }, 'max-depth': { type: 'string' },
      concurrency: { type: 'string' }, rate: { type: 'string' }, 'ignore-robots': { type: 'boolean' }, drafts: { type: 'boolean' }, deadline: { type: 'string' },
      'no-files': { type: 'boolean' }, 'uploads-dir': { type: 'string' }, 'uploads-url': { type: 'string' }, 'unsafe-allow-loopback': { type: 'boolean' },
    },
  });
  const [group, command] = positionals;
  if (values.help || !group) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const key = `${group} ${command ?? ''}`.trim();
  const known = ['db migrate', 'db rollback', 'db status', 'platform create', 'platform create-city', 'user create-admin', 'seed demo', 'audit verify',
    'audit anchor', 'totp code', 'org import', 'site create', 'site list', 'site show', 'site close', 'site import', 'columns apply-template',
    'article list', 'article create', 'article show', 'article submit', 'article approve', 'article reject', 'article publish', 'article withdraw',
    'terms import', 'terms list', 'theme check', 'legacy import', 'legacy status', 'legacy rollback', 'legacy site', 'legacy urls', 'legacy mirror', 'legacy crawl', 'legacy items', 'legacy verify', 'legacy plan'];
  if (!known.includes(key)) throw new UsageError(`未知命令 "${key}" (unknown command)\n\n${USAGE}`);

  if (key === 'totp code') {
    const secret = positionals[2];
    if (!secret || !/^[A-Z2-7]+=*$/i.test(secret)) throw new UsageError('用法 usage: zhanqun totp code <base32 密钥 key>');
    console.log(totpCode(secret.toUpperCase(), systemClock.now()));
    return 0;
  }

  if (key === 'theme check') return themeCheckCommand(positionals);
  if (key === 'legacy crawl') return crawlCommand(values);

  const handle = await open();
  try {
    const { db } = handle;
    switch (key) {
      case 'db migrate': {
        const r = await migrateToLatest(db);
        const applied = r.results?.map((m) => m.migrationName) ?? [];
        console.log(applied.length ? `已执行 ${applied.length} 个迁移 (applied):\n  ${applied.join('\n  ')}` : '数据库已是最新 (up to date)');
        return 0;
      }
      case 'db rollback': {
        const r = values.all ? await migrateAllDown(db) : await migrateDown(db);
        const undone = r.results?.map((m) => m.migrationName) ?? [];
        console.log(undone.length ? `已回滚 (rolled back):\n  ${undone.join('\n  ')}` : '没有可回滚的迁移 (nothing to roll back)');
        return 0;
      }
      case 'db status': {
        const { all, pending } = await migrationStatus(db);
        for (const m of all) console.log(`${m.executedAt ? m.executedAt.toISOString() : '待执行 pending         '}  ${m.name}`);
        console.log(pending.length ? `${pending.length} 个待执行 (pending)` : '数据库已是最新 (up to date)');
        return pending.length ? 1 : 0;
      }
      case 'platform create': {
        const p = await createPlatform(db, systemClock, operator(), { code: need(values, 'code'), name: need(values, 'name') });
        console.log(`已创建平台 (created platform) ${p.code}  ${p.id}`);
        return 0;
      }
      case 'platform create-city': {
        const { platform, ctx } = await platformContext(db, need(values, 'platform'));
        const unitRef = need(values, 'org-unit');
        const unit = await inScope(db, ctx.scope, (trx) => trx.selectFrom('org_unit').select(['id', 'name'])
          .where('platform_id', '=', platform.id).where((eb) => eb.or([eb('division_code', '=', unitRef), eb('name', '=', unitRef)])).executeTakeFirst());
        if (!unit) throw new RefusedError(`机构 ${unitRef} 不在平台 ${platform.code} 中 (no such org unit on the platform)`);
        const city = await createCityPlatform(ctx, { code: need(values, 'code'), name: need(values, 'name'), rootOrgUnitId: unit.id });
        console.log(`已为 ${unit.name} 开设市级平台 (created city platform) ${city.code}  ${city.id}`);
        return 0;
      }
      case 'user create-admin': {
        const platform = await findPlatform(db, need(values, 'platform'));
        const u = await createPlatformAdmin(db, systemClock, operator(), {
          platformId: platform.id, username: need(values, 'username'), displayName: need(values, 'name'), password: await readPassword(),
        });
        console.log(`已创建平台管理员 (created platform admin) ${u.username}`);
        return 0;
      }
      case 'seed demo': {
        const r = await seedDemoProvince(db, systemClock, { onProgress: (m) => console.log(m) });
        console.log(r.created ? '演示省已创建 (demo province seeded)' : '演示省已存在，未作改动 (already seeded, nothing changed)');
        for (const s of r.sites) console.log(`  ${s.code.padEnd(14)} http://${s.host}:${process.env.PORT ?? 3000}${s.prefix}`);
        for (const a of r.accounts) console.log(`  登录 login: ${a.username} / ${a.password}  ${a.role}  ${a.scope}`);
        if (r.adminTotpKey && handle.kind === 'pglite') console.log(`  admin 动态口令密钥 TOTP key: ${r.adminTotpKey}  (zhanqun totp code ${r.adminTotpKey})`);
        return 0;
      }
      case 'audit anchor': {
        const n = await anchorChains(db, systemClock);
        console.log(`已抄存 ${n} 条审计链头 (anchored ${n} chain heads)`);
        return 0;
      }
      case 'audit verify': {
        const platform = await findPlatform(db, need(values, 'platform'));
        const report = await verifyChain(db, platform.id);
        if (report.ok) {
          console.log(`审计链完整 (chain intact): ${report.checked} 条记录`);
          return 0;
        }
        console.log(`审计链被破坏 (chain broken) at seq ${report.firstBad?.seq}: ${report.firstBad?.problem} (entry ${report.firstBad?.id ?? '-'})`);
        return 1;
      }
      case 'org import': return await importOrgUnitsCommand(db, values, positionals);
      case 'site create': return await createSiteCommand(db, values);
      case 'site list': return await listSitesCommand(db, values);
      case 'site show': return await showSiteCommand(db, positionals);
      case 'site close': return await closeSiteCommand(db, positionals);
      case 'site import': return await importSitesCommand(db, values, positionals);
      case 'columns apply-template': return await applyTemplateCommand(db, values);
      default:
        if (group === 'article') return await articleCommand(db, command!, values, positionals);
        if (group === 'terms') return await termsCommand(db, command!, values, positionals);
        if (key === 'legacy plan') return await planCommand(db, values);
        if (group === 'legacy') return await legacyCommand(db, command!, values, positionals);
    }
    return 2;
  } finally {
    await handle.close();
  }
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError) {
      console.error(err.message);
      process.exit(2);
    }
    if (err instanceof RefusedError) {
      console.error(err.message);
      process.exit(1);
    }
    if (isCodedError(err) && err.code === 'ZQ_DB_PGLITE_LOCKED') {
      console.error(`内嵌数据库正被服务器使用：请先停止服务器，或设置 DATABASE_URL (stop the server or set DATABASE_URL)\n${err.message}`);
      process.exit(3);
    }
    if (isCodedError(err)) {
      // A validation message repeats its field ("siteId: …"); it is named once, in the brackets.
      const message = err.field ? err.message.replace(`${err.field}: `, '') : err.message;
      console.error(`错误 ${err.code}${err.field ? `（字段 ${err.field}）` : ''}: ${message}`);
      process.exit(1);
    }
    if ((err as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      console.error(`${(err as Error).message}\n\n${USAGE}`);
      process.exit(2);
    }
    console.error(`失败 (failed): ${(err as Error).message}`);
    process.exit(1);
  },
);
