import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { THEMES_DIR } from '@zhanqun/render/theme';
import { UsageError } from '../cli-support.js';
import { themeCheckCommand } from './theme.js';

describe('zhanqun theme check', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'zq-cli-theme-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const run = async (arg?: string) => {
    const out: string[] = [];
    const code = await themeCheckCommand(['theme', 'check', ...(arg === undefined ? [] : [arg])], (l) => out.push(l));
    return { code, out };
  };

  it('should exit 0 on the built-in packs, by path or by name, with nothing to report', async () => {
    for (const arg of [join(THEMES_DIR, 'default'), 'default', 'county']) {
      const { code, out } = await run(arg);
      expect(code).toBe(0);
      expect(out.at(-1)).toBe('致命 0 · 错误 0 · 警告 0 (fatal · error · warning)');
    }
  });

  it('should exit 1 on a broken theme, naming file, line and rule', async () => {
    const dir = join(root, 'broken');
    cpSync(join(THEMES_DIR, 'default'), dir, { recursive: true });
    const layout = readFileSync(join(dir, 'layout.hbs'), 'utf8');
    writeFileSync(join(dir, 'layout.hbs'), layout.replace('{{gov_footer}}', '{{footer_links site}}'));
    const line = layout.split('\n').findIndex((l) => l.includes('{{gov_footer}}')) + 1;
    const { code, out } = await run(dir);
    expect(code).toBe(1);
    expect(out).toContain(`  layout.hbs:${line}  ZQ-T012  未知 helper footer_links (unknown helper)`);
    expect(out).toContain('  layout.hbs  ZQ-T015  布局缺少 {{gov_footer}}，每个页面都必须输出它 (layout must include {{gov_footer}})');
    expect(out.at(-1)).toMatch(/主题不能启用 \(the theme cannot be activated\)$/);
  });

  it('should exit 1 on errors that are not fatal', async () => {
    const dir = join(root, 'unsafe');
    cpSync(join(THEMES_DIR, 'default'), dir, { recursive: true });
    writeFileSync(join(dir, 'home.hbs'), '<h1>{{{site.name}}}</h1>\n');
    const { code, out } = await run(dir);
    expect(code).toBe(1);
    expect(out).toContain('  home.hbs:1  ZQ-T016  三重花括号 {{{site.name}}} 输出未转义的 HTML，只允许用于已净化的字段 article.bodyHtml (unescaped output outside the safe list)');
  });

  it('should refuse a missing directory as a usage error', async () => {
    await expect(run(join(root, 'nope'))).rejects.toThrow(UsageError);
    await expect(run()).rejects.toThrow(UsageError);
  });
});
