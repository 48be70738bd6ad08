import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkTheme, formatFinding, formatReport } from './theme-check.js';
import { loadTheme, THEMES_DIR, ThemeRegistry } from './theme.js';

let root: string;
let n = 0;

/** A copy of the default theme, with the edits under test. */
function pack(edits: Record<string, string | null> = {}): { name: string; dir: string } {
  const name = `t${++n}`;
  const dir = join(root, name);
  cpSync(join(THEMES_DIR, 'default'), dir, { recursive: true });
  for (const [file, text] of Object.entries(edits)) {
    if (text === null) unlinkSync(join(dir, file));
    else writeFileSync(join(dir, file), text);
  }
  return { name, dir };
}

const lines = async (dir: string) => (await checkTheme(dir)).findings.map(formatFinding);
const layout = () => readFileSync(join(THEMES_DIR, 'default', 'layout.hbs'), 'utf8');

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'zq-theme-check-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('checkTheme', () => {
  it('should pass both built-in packs with no finding at all', async () => {
    for (const name of ['default', 'county']) expect(await checkTheme(join(THEMES_DIR, name))).toEqual({ findings: [], fatal: false });
  });

  it('should report a missing interaction template as fatal, now that the engine renders interaction columns', async () => {
    const report = await checkTheme(pack({ 'interaction.hbs': null }).dir);
    expect(report.findings.map(formatFinding)).toEqual(['interaction.hbs  ZQ-T001  缺少必需模板 interaction.hbs (required template missing)']);
  });

  it('should find nothing in a complete copy of the default theme', async () => {
    expect(await checkTheme(pack().dir)).toEqual({ findings: [], fatal: false });
  });

  it('should report a missing required template as fatal', async () => {
    const report = await checkTheme(pack({ 'article.hbs': null }).dir);
    expect(report.fatal).toBe(true);
    expect(report.findings.map(formatFinding)).toEqual(['article.hbs  ZQ-T001  缺少必需模板 article.hbs (required template missing)']);
  });

  it('should report an unknown helper with its line, in mustaches, blocks and subexpressions', async () => {
    const home = '{{!-- home --}}\n<h1>{{site.name}}</h1>\n<p>{{date site.updatedAt format="YYYY"}}</p>\n{{#if (eq site.code "jx")}}x{{/if}}\n{{#each blocks}}{{{{raw}}}}{{{{/raw}}}}{{/each}}\n{{#*inline "p"}}{{/inline}}{{* deco}}\n';
    expect(await lines(pack({ 'home.hbs': home }).dir)).toEqual([
      'home.hbs:3  ZQ-T012  未知 helper date (unknown helper)',
      'home.hbs:4  ZQ-T012  未知 helper eq (unknown helper)',
      'home.hbs:6  ZQ-T012  未知 helper *deco (unknown helper)',
    ]);
  });

  it('should report a missing partial with its line, but not an inline partial or a partial block with its fallback', async () => {
    const column = '{{> breadcrumbs}}\n{{#*inline "aside"}}<p>x</p>{{/inline}}\n{{> aside}}\n{{#> banner}}<p>no banner</p>{{/banner}}\n\n{{> sidebar items=items}}\n{{> (whichPartial)}}\n';
    expect(await lines(pack({ 'column.hbs': column }).dir)).toEqual([
      'column.hbs:6  ZQ-T013  找不到局部模板 sidebar（应为 partials/sidebar.hbs）(missing partial)',
      'column.hbs:7  ZQ-T012  未知 helper whichPartial (unknown helper)',
      'column.hbs:7  ZQ-T014  局部模板名必须是固定的，{{> (whichPartial …)}} 无法校验 (dynamic partial names cannot be checked)',
    ]);
  });

  it('should report settings outside the vocabulary and malformed ones at their line in theme.json', async () => {
    const json = `{
  "name": "gov",
  "version": "1.0.0",
  "engines": { "zhanqun": "^0.1.0" },
  "config": {
    "custom": {
      "brand_color": { "type": "colour", "default": "#c00000" },
      "nav_style": { "type": "select", "options": ["tabs", "menu"], "default": "grid" },
      "show_banner": { "type": "boolean", "default": true },
      "home_blocks": { "type": "column-list", "default": ["/xwdt/yw/"] },
      "Logo": { "type": "image", "hint": "x" }
    }
  }
}
`;
    expect(await lines(pack({ 'theme.json': json }).dir)).toEqual([
      'theme.json:7  ZQ-T009  设置项 brand_color 的类型 "colour" 不在词汇表内（color、image、select、boolean、text、column-list）(setting type outside the vocabulary)',
      'theme.json:8  ZQ-T010  设置项 nav_style 无效：select 的 default 必须是 options 之一 (default must be one of options) (invalid setting)',
      'theme.json:11  ZQ-T010  设置项 Logo 无效：名称须为小写 snake_case (name must be snake_case) (invalid setting)',
      'theme.json:11  ZQ-T010  设置项 Logo 无效：未知属性 hint (unknown properties) (invalid setting)',
    ]);
  });

  it('should report unknown keys, a bad version, an invalid range, and an engine the theme does not accept', async () => {
    const bad = '{\n  "name": "gov",\n  "version": "1.0",\n  "engines": { "zhanqun": "latest" },\n  "helpers": ["x"]\n}\n';
    expect(await lines(pack({ 'theme.json': bad }).dir)).toEqual([
      'theme.json:3  ZQ-T006  theme.json 字段 version 缺失或无效：须为 x.y.z 形式的版本号 (must be a semver version) (missing or invalid field)',
      'theme.json:4  ZQ-T007  engines.zhanqun 不是受支持的版本范围："latest" (invalid semver range; use ^x.y.z, ~x.y.z, x.y.z, x.y.x, >=x.y.z <x.y.z, joined by ||)',
      'theme.json:5  ZQ-T005  theme.json 含未知字段 helpers (unknown key in theme.json)',
    ]);
    const future = '{\n  "name": "gov",\n  "version": "1.0.0",\n  "engines": { "zhanqun": "^2.0.0" }\n}\n';
    const report = await checkTheme(pack({ 'theme.json': future }).dir);
    expect(report.fatal).toBe(true);
    expect(report.findings.map(formatFinding)).toEqual(['theme.json:4  ZQ-T008  引擎版本 0.1.0 不满足主题要求的 ^2.0.0 (engine version not supported by this theme)']);
    expect(await lines(pack({ 'theme.json': '{ "name": "gov", ' }).dir)).toEqual([
      expect.stringMatching(/^theme\.json {2}ZQ-T004 {2}theme\.json 缺失或不是有效的 JSON：.+ \(theme\.json missing or not valid JSON\)$/),
    ]);
  });

  it('should report a symlink anywhere in the pack as fatal, without following it', async () => {
    const { dir } = pack();
    symlinkSync('/etc/passwd', join(dir, 'assets', 'evil.css'));
    unlinkSync(join(dir, 'error-410.hbs'));
    symlinkSync(join(dir, 'error-404.hbs'), join(dir, 'error-410.hbs'));
    const report = await checkTheme(dir);
    expect(report.fatal).toBe(true);
    expect(report.findings.map(formatFinding)).toEqual([
      'assets/evil.css  ZQ-T003  主题包内不允许符号链接 assets/evil.css (symlinks are not allowed in a theme pack)',
      'error-410.hbs  ZQ-T003  主题包内不允许符号链接 error-410.hbs (symlinks are not allowed in a theme pack)',
    ]);
  });

  it('should report a layout without {{gov_footer}} as fatal, and accept it from a partial the layout includes', async () => {
    const without = layout().replace('{{gov_footer}}', '');
    expect(await lines(pack({ 'layout.hbs': without }).dir)).toEqual([
      'layout.hbs  ZQ-T015  布局缺少 {{gov_footer}}，每个页面都必须输出它 (layout must include {{gov_footer}})',
    ]);
    const viaPartial = pack({ 'layout.hbs': layout().replace('{{gov_footer}}', '{{> footer}}'), 'partials/footer.hbs': '<div>{{gov_footer}}</div>\n' });
    expect(await lines(viaPartial.dir)).toEqual([]);
    const headless = layout().replace('{{zq_head}}', '').replace('{{zq_foot}}', '');
    expect(await lines(pack({ 'layout.hbs': headless }).dir)).toEqual([
      'layout.hbs  ZQ-T015  布局缺少 {{zq_head}}，每个页面都必须输出它 (layout must include {{zq_head}})',
      'layout.hbs  ZQ-T015  布局缺少 {{zq_foot}}，每个页面都必须输出它 (layout must include {{zq_foot}})',
    ]);
  });

  it('should report triple-stash outside the sanitised paths as an error, not a fatal finding', async () => {
    const article = '<h1>{{article.title}}</h1>\n<div>{{{article.bodyHtml}}}</div>\n<p>{{{article.summary}}}</p>\n<p>{{{lookup article "bodyHtml"}}}</p>\n{{{gov_footer}}}\n{{& site.name}}\n';
    const report = await checkTheme(pack({ 'article.hbs': article }).dir);
    expect(report.fatal).toBe(false);
    const safe = '三重花括号 {{{%s}}} 输出未转义的 HTML，只允许用于已净化的字段 article.bodyHtml (unescaped output outside the safe list)';
    expect(report.findings.map(formatFinding)).toEqual([
      `article.hbs:3  ZQ-T016  ${safe.replace('%s', 'article.summary')}`,
      `article.hbs:4  ZQ-T016  ${safe.replace('%s', 'lookup')}`,
      `article.hbs:6  ZQ-T016  ${safe.replace('%s', 'site.name')}`,
    ]);
  });

  it('should report a template that does not parse at its line', async () => {
    expect(await lines(pack({ 'error-404.hbs': '<h1>x</h1>\n\n{{#if error}}\n<p>{{error.message}</p>\n{{/if}}\n' }).dir)).toEqual([
      'error-404.hbs:4  ZQ-T011  模板语法错误："<p>{{error.message}</p>" 处出现 INVALID (unexpected INVALID) (template does not parse)',
    ]);
    expect(await lines(pack({ 'error-404.hbs': '<h1>x</h1>\n{{#if error}}\n{{/each}}\n' }).dir)).toEqual([
      "error-404.hbs:2  ZQ-T011  模板语法错误：if doesn't match each (template does not parse)",
    ]);
  });

  it('should group a report by severity and say when the theme cannot be activated', async () => {
    const report = await checkTheme(pack({ 'home.hbs': null, 'article.hbs': '{{{article.summary}}}\n' }).dir);
    expect(formatReport(report)).toEqual([
      '致命 fatal (1)',
      '  home.hbs  ZQ-T001  缺少必需模板 home.hbs (required template missing)',
      '错误 error (1)',
      '  article.hbs:1  ZQ-T016  三重花括号 {{{article.summary}}} 输出未转义的 HTML，只允许用于已净化的字段 article.bodyHtml (unescaped output outside the safe list)',
      '致命 1 · 错误 1 · 警告 0 (fatal · error · warning)：主题不能启用 (the theme cannot be activated)',
    ]);
  });
});

describe('loadTheme', () => {
  it('should load the default theme', () => {
    expect(loadTheme('default').findings.every((f) => f.severity === 'warning')).toBe(true);
  });

  it('should refuse a theme with fatal findings, listing them in a coded error', () => {
    const { name } = pack({ 'home.hbs': '<h1>{{site.name}}</h1>\n{{> missing}}\n' });
    expect(() => loadTheme(name, root)).toThrow(expect.objectContaining({
      code: 'ZQ_RENDER_THEME_INVALID',
      message: expect.stringContaining('home.hbs:2  ZQ-T013  找不到局部模板 missing'),
      findings: [expect.objectContaining({ rule: 'ZQ-T013', file: 'home.hbs', line: 2 })],
    }));
    const registry = new ThemeRegistry(root);
    expect(() => registry.get(name)).toThrow(/ZQ-T013/);
    expect(() => registry.get(name)).toThrow(/ZQ-T013/); // refused again, from memory
  });

  it('should refuse a name that is a path', () => {
    expect(() => loadTheme('../themes/default')).toThrow(expect.objectContaining({ code: 'ZQ_RENDER_THEME_INVALID' }));
  });

  it('should load a theme whose findings are errors only, and hand them to the caller', () => {
    const { name } = pack({ 'article.hbs': '<div>{{{article.summary}}}</div>\n' });
    const theme = loadTheme(name, root);
    expect(theme.findings.map((f) => f.rule)).toEqual(['ZQ-T016']);
  });
});
