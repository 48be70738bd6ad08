/**
 * The theme validator's rules as data (after Ghost's gscan specs): a numbered id, a severity and
 * a bilingual message template whose `{name}` placeholders the checks fill in. `fatal` refuses
 * activation (loadTheme throws); `error` makes `zhanqun theme check` fail but the theme still
 * loads; `warning` is advice.
 */
export type Severity = 'fatal' | 'error' | 'warning';

export interface Rule { severity: Severity; message: string }

/** The theme engine's version, which theme.json `engines.zhanqun` must accept. Bump on incompatible helper or page-context changes. */
export const ENGINE_VERSION = '0.1.0';

/** Templates the engine renders: a pack without one of them cannot serve every page. */
export const REQUIRED_TEMPLATES = ['layout', 'home', 'channel', 'column', 'article', 'search', 'interaction', 'error-404', 'error-410'] as const;

/** Templates the engine will render in a later version: their absence is a warning until then. */
export const UPCOMING_TEMPLATES: readonly string[] = [];

/** Handlebars' own helpers a theme may use besides the engine's (`else` is syntax, not a helper). */
export const BUILTIN_HELPERS = ['if', 'unless', 'each', 'with', 'lookup', 'log'] as const;

/** Helpers every page must render, in layout.hbs or a partial it includes. */
export const REQUIRED_HELPERS = ['zq_head', 'zq_foot', 'gov_footer'] as const;

/** The only paths a theme may print unescaped with `{{{ }}}`: rich text sanitised on write against an allow-list. */
export const SAFE_UNESCAPED_PATHS = ['article.bodyHtml'] as const;

/** The settings vocabulary (config.custom): the engine builds each setting's validation from its type. */
export const SETTING_TYPES = ['color', 'image', 'select', 'boolean', 'text', 'column-list'] as const;
export type SettingType = (typeof SETTING_TYPES)[number];

/** theme.json's top-level keys, and the keys of `config` and of one setting. */
export const THEME_JSON_KEYS = ['name', 'title', 'description', 'version', 'engines', 'config'] as const;
export const CONFIG_KEYS = ['custom'] as const;
export const SETTING_KEYS = ['type', 'default', 'options', 'description', 'group'] as const;

export const RULES = {
  'ZQ-T001': { severity: 'fatal', message: '缺少必需模板 {file} (required template missing)' },
  'ZQ-T002': { severity: 'warning', message: '缺少模板 {file}，引擎开始渲染该类页面后将成为必需 (template will be required once the engine renders these pages)' },
  'ZQ-T003': { severity: 'fatal', message: '主题包内不允许符号链接 {file} (symlinks are not allowed in a theme pack)' },
  'ZQ-T004': { severity: 'fatal', message: 'theme.json 缺失或不是有效的 JSON：{detail} (theme.json missing or not valid JSON)' },
  'ZQ-T005': { severity: 'error', message: 'theme.json 含未知字段 {key} (unknown key in theme.json)' },
  'ZQ-T006': { severity: 'error', message: 'theme.json 字段 {key} 缺失或无效：{detail} (missing or invalid field)' },
  'ZQ-T007': { severity: 'error', message: 'engines.zhanqun 不是受支持的版本范围：{range} (invalid semver range; use ^x.y.z, ~x.y.z, x.y.z, x.y.x, >=x.y.z <x.y.z, joined by ||)' },
  'ZQ-T008': { severity: 'fatal', message: '引擎版本 {engine} 不满足主题要求的 {range} (engine version not supported by this theme)' },
  'ZQ-T009': { severity: 'error', message: '设置项 {key} 的类型 {type} 不在词汇表内（color、image、select、boolean、text、column-list）(setting type outside the vocabulary)' },
  'ZQ-T010': { severity: 'error', message: '设置项 {key} 无效：{detail} (invalid setting)' },
  'ZQ-T011': { severity: 'fatal', message: '模板语法错误：{detail} (template does not parse)' },
  'ZQ-T012': { severity: 'fatal', message: '未知 helper {name} (unknown helper)' },
  'ZQ-T013': { severity: 'fatal', message: '找不到局部模板 {name}（应为 partials/{name}.hbs）(missing partial)' },
  'ZQ-T014': { severity: 'fatal', message: '局部模板名必须是固定的，{expr} 无法校验 (dynamic partial names cannot be checked)' },
  'ZQ-T015': { severity: 'fatal', message: '布局缺少 {helper}，每个页面都必须输出它 (layout must include {helper})' },
  'ZQ-T016': { severity: 'error', message: '三重花括号 {expr} 输出未转义的 HTML，只允许用于已净化的字段 {safe} (unescaped output outside the safe list)' },
  // A site's own partial overrides (stored per site, checked on save): stricter than a pack, which is deployed code review.
  'ZQ-T017': { severity: 'fatal', message: '{name} 不是本主题的局部模板，站点只能覆盖主题已有的局部模板 (a site may override only its pack\'s own partials)' },
  'ZQ-T018': { severity: 'fatal', message: '站点局部模板不得输出未转义的内容 {expr} (no triple-stash or raw blocks in a site\'s partial)' },
  'ZQ-T019': { severity: 'fatal', message: '站点局部模板不得包含{detail}，须遵守与主题相同的内容安全策略 (no script, inline handler or style, embed or outside resource: the CSP forbids them)' },
  'ZQ-T020': { severity: 'fatal', message: '局部模板 {name} 不得包含自身 (a partial may not include itself)' },
} as const satisfies Record<string, Rule>;

export type RuleId = keyof typeof RULES;

/** One finding: a rule broken at a file (relative to the pack, `/`-separated) and, where known, a line. */
export interface Finding { rule: RuleId; severity: Severity; file: string; line?: number; message: string }

/** A finding of `rule`, its message filled from `params`. */
export function finding(rule: RuleId, file: string, line: number | undefined, params: Record<string, string>): Finding {
  const { severity, message } = RULES[rule];
  const text = message.replace(/\{(\w+)\}/g, (all, key: string) => params[key] ?? all);
  return line === undefined ? { rule, severity, file, message: text } : { rule, severity, file, line, message: text };
}
