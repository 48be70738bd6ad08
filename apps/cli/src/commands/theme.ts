import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkTheme, formatReport } from '@zhanqun/render/theme-check';
import { THEMES_DIR } from '@zhanqun/render/theme';
import { UsageError } from '../cli-support.js';

const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();

/**
 * `theme check <dir>`: validate a theme pack as loadTheme would, with no database. `<dir>` is a
 * path, or the name of a pack under themes/. Exit 0 with no fatal finding and no error, else 1.
 */
export async function themeCheckCommand(positionals: string[], print: (line: string) => void = console.log): Promise<number> {
  const arg = positionals[2];
  if (!arg) throw new UsageError('用法 usage: zhanqun theme check <主题目录 dir>');
  const dir = isDir(resolve(arg)) ? resolve(arg) : isDir(join(THEMES_DIR, arg)) ? join(THEMES_DIR, arg) : undefined;
  if (!dir) throw new UsageError(`主题目录不存在 (no such theme directory): ${arg}`);
  const report = await checkTheme(dir);
  print(`主题 theme ${dir}`);
  for (const line of formatReport(report)) print(line);
  return report.findings.some((f) => f.severity !== 'warning') ? 1 : 0;
}
