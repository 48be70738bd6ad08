/**
 * zhanqun — the operator's command line. Calls package services, never HTTP routes. Messages
 * are Chinese first; a failure prints one line naming what was wrong and exits non-zero.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { systemClock } from '@zhanqun/core/clock';
import { isCodedError } from '@zhanqun/core/errors';
import { openDatabase, type DbHandle } from '@zhanqun/db/connect';
import { migrateAllDown, migrateDown, migrateToLatest, migrationStatus } from '@zhanqun/db/migrator';
import { inScope } from '@zhanqun/db/scope';
import { seedDemoProvince } from '@zhanqun/demo/demo-province';
import { createPlatformAdmin, NO_SITES } from '@zhanqun/identity/user.service';
import { createPlatform, findPlatformByCode } from '@zhanqun/tenancy/platform.service';
import { verifyChain } from '@zhanqun/audit/audit.verify';

const USAGE = `用法 Usage: zhanqun <命令>

  db migrate                 执行全部待执行的迁移 (apply pending migrations)
  db rollback [--all]        回滚最近一次迁移，或全部 (roll back the last / all migrations)
  db status                  列出迁移及执行时间 (list migrations)
  platform create --code <code> --name <名称>
                             创建平台 (create a platform)
  user create-admin --platform <code> --username <name> --name <显示名>
                             创建平台管理员；密码从环境变量 ZHANQUN_PASSWORD 或标准输入读取
                             (create a platform admin; password from ZHANQUN_PASSWORD or stdin)
  seed demo                  创建演示省（幂等）(seed the demo province, idempotent)
  audit verify --platform <code>
                             校验审计日志哈希链 (verify the audit hash chain)

数据库 Database: DATABASE_URL，未设置时使用内嵌数据库 PGLITE_DIR（默认 ./data/pglite）。
内嵌数据库同一时间只能由一个进程打开：服务器运行时请先停止服务器，或设置 DATABASE_URL。`;

class UsageError extends Error {}

const operator = () => ({ userId: null, label: `cli:${process.env.USER ?? 'operator'}` });

async function open(): Promise<DbHandle> {
  const databaseUrl = process.env.DATABASE_URL?.trim() || undefined;
  const dataDir = resolve(process.env.DATA_DIR?.trim() || 'data');
  const pgliteDir = process.env.PGLITE_DIR?.trim() ? resolve(process.env.PGLITE_DIR.trim()) : `${dataDir}/pglite`;
  return openDatabase({ databaseUrl, pgliteDir });
}

async function readPassword(): Promise<string> {
  if (process.env.ZHANQUN_PASSWORD) return process.env.ZHANQUN_PASSWORD;
  if (process.stdin.isTTY) throw new UsageError('请通过环境变量 ZHANQUN_PASSWORD 或标准输入提供密码 (password via ZHANQUN_PASSWORD or stdin)');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

function need(values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || !v.trim()) throw new UsageError(`缺少参数 --${name} (missing --${name})`);
  return v.trim();
}

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: {
      all: { type: 'boolean' }, code: { type: 'string' }, name: { type: 'string' }, platform: { type: 'string' },
      username: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  const [group, command] = positionals;
  if (values.help || !group) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const key = `${group} ${command ?? ''}`.trim();
  const known = ['db migrate', 'db rollback', 'db status', 'platform create', 'user create-admin', 'seed demo', 'audit verify'];
  if (!known.includes(key)) throw new UsageError(`未知命令 "${key}" (unknown command)\n\n${USAGE}`);

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
      case 'user create-admin': {
        const code = need(values, 'platform');
        const platform = await inScope(db, NO_SITES, (trx) => findPlatformByCode(trx, code));
        if (!platform) throw new UsageError(`平台 ${code} 不存在 (no such platform); 先运行 zhanqun platform create`);
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
        if (r.admin) console.log(`  登录 login: ${r.admin.username} / ${r.admin.password}`);
        return 0;
      }
      case 'audit verify': {
        const code = need(values, 'platform');
        const platform = await inScope(db, NO_SITES, (trx) => findPlatformByCode(trx, code));
        if (!platform) throw new UsageError(`平台 ${code} 不存在 (no such platform)`);
        const report = await verifyChain(db, platform.id);
        if (report.ok) {
          console.log(`审计链完整 (chain intact): ${report.checked} 条记录`);
          return 0;
        }
        console.log(`审计链被破坏 (chain broken) at seq ${report.firstBad?.seq}: ${report.firstBad?.problem} (entry ${report.firstBad?.id ?? '-'})`);
        return 1;
      }
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
    if (isCodedError(err) && err.code === 'ZQ_DB_PGLITE_LOCKED') {
      console.error(`内嵌数据库正被服务器使用：请先停止服务器，或设置 DATABASE_URL (stop the server or set DATABASE_URL)\n${err.message}`);
      process.exit(3);
    }
    if (isCodedError(err)) {
      console.error(`错误 ${err.code}${err.field ? `（字段 ${err.field}）` : ''}: ${err.message}`);
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
