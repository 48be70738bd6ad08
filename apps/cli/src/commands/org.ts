import type { Kysely } from 'kysely';
import type { Database } from '@zhanqun/db/database';
import { importOrgUnits } from '@zhanqun/tenancy/org-import.service';
import { need, platformContext, printImportErrors, readCsv, RefusedError, UsageError, type Values } from '../cli-support.js';

/** `org import <csv>`: units of the province tree, one transaction, every bad row reported. */
export async function importOrgUnitsCommand(db: Kysely<Database>, values: Values, positionals: string[]): Promise<number> {
  const file = positionals[2];
  if (!file) throw new UsageError('缺少 CSV 文件 (missing the CSV file): zhanqun org import <csv> --platform <code>');
  const text = readCsv(file);
  const { platform, ctx } = await platformContext(db, need(values, 'platform'));
  const result = await importOrgUnits(ctx, text, { mode: values['good-rows'] ? 'good_rows' : 'all_or_nothing', platformId: platform.id });
  printImportErrors(result.errors);
  if (result.errors.length && result.imported === 0) {
    throw new RefusedError(`导入被拒绝，未导入任何机构 (import refused, nothing imported): ${result.errors.length} 处错误 (errors)`);
  }
  console.log(`已导入 ${result.imported} 个机构 (imported ${result.imported} org units)`);
  if (result.errors.length) console.error(`${result.errors.length} 处错误的行未导入 (rows with errors were skipped)`);
  return result.errors.length ? 1 : 0;
}
