/**
 * Checks of theme.json (ZQ-T004…T010): its keys, name and version, the engine range, and the
 * settings in `config.custom`, which must stay inside the fixed vocabulary because the engine,
 * not the theme, builds their validation.
 */
import { parseRange, parseVersion, satisfies } from './engine-range.js';
import {
  CONFIG_KEYS, ENGINE_VERSION, finding, SETTING_KEYS, SETTING_TYPES, THEME_JSON_KEYS, type Finding, type SettingType,
} from './theme-rules.js';

const FILE = 'theme.json';
const NAME = /^[a-z0-9][a-z0-9-]*$/;
const SETTING_NAME = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;
const COLOR = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;
const COLUMN_PATH = /^\/(?:[a-z0-9-]+\/)+$/;

/** The line of `"key":` inside the object reached by `path` (a textual search: good enough to point a person at it). */
function lineOf(text: string, path: string[]): number | undefined {
  let at = 0;
  for (const key of path) {
    const m = new RegExp(`"${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"\\s*:`).exec(text.slice(at));
    if (!m) return undefined;
    at += m.index + 1;
  }
  return text.slice(0, at).split('\n').length;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What is wrong with one setting's default and options for its type, or null. */
function settingProblem(type: SettingType, def: Record<string, unknown>): string | null {
  const value = def.default;
  switch (type) {
    case 'select': {
      const options = def.options;
      if (!Array.isArray(options) || options.length === 0 || !options.every((o) => typeof o === 'string')) {
        return 'select 需要非空的字符串数组 options (select needs options: a non-empty array of strings)';
      }
      if (typeof value !== 'string' || !options.includes(value)) return 'select 的 default 必须是 options 之一 (default must be one of options)';
      return null;
    }
    case 'boolean':
      return typeof value === 'boolean' ? null : 'boolean 需要 true 或 false 作为 default (boolean needs a true/false default)';
    case 'color':
      return typeof value === 'string' && COLOR.test(value) ? null : 'color 需要 #rrggbb 形式的 default (color needs a #rrggbb default)';
    case 'text':
    case 'image':
      return value === undefined || typeof value === 'string' ? null : `${type} 的 default 必须是字符串 (default must be a string)`;
    case 'column-list':
      return value === undefined || (Array.isArray(value) && value.every((p) => typeof p === 'string' && COLUMN_PATH.test(p)))
        ? null : 'column-list 的 default 必须是栏目路径数组，如 ["/xwdt/yw/"] (default must be column paths)';
  }
}

function checkSettings(text: string, custom: unknown, out: Finding[]): void {
  if (custom === undefined) return;
  if (!isObject(custom)) {
    out.push(finding('ZQ-T006', FILE, lineOf(text, ['config', 'custom']), { key: 'config.custom', detail: '必须是对象 (must be an object)' }));
    return;
  }
  for (const [key, def] of Object.entries(custom)) {
    const line = lineOf(text, ['config', 'custom', key]);
    if (!isObject(def)) {
      out.push(finding('ZQ-T010', FILE, line, { key, detail: '必须是对象 (must be an object)' }));
      continue;
    }
    if (!(SETTING_TYPES as readonly unknown[]).includes(def.type)) {
      out.push(finding('ZQ-T009', FILE, line, { key, type: JSON.stringify(def.type ?? null) }));
      continue;
    }
    const problems: string[] = [];
    if (!SETTING_NAME.test(key)) problems.push('名称须为小写 snake_case (name must be snake_case)');
    const unknown = Object.keys(def).filter((k) => !(SETTING_KEYS as readonly string[]).includes(k));
    if (unknown.length) problems.push(`未知属性 ${unknown.join(', ')} (unknown properties)`);
    const problem = settingProblem(def.type as SettingType, def);
    if (problem) problems.push(problem);
    for (const detail of problems) out.push(finding('ZQ-T010', FILE, line, { key, detail }));
  }
}

/** Check the text of theme.json (undefined when the file is absent). */
export function checkManifest(text: string | undefined): Finding[] {
  if (text === undefined) return [finding('ZQ-T004', FILE, undefined, { detail: '文件不存在 (no such file)' })];
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return [finding('ZQ-T004', FILE, undefined, { detail: (err as Error).message })];
  }
  if (!isObject(json)) return [finding('ZQ-T004', FILE, 1, { detail: '顶层必须是对象 (top level must be an object)' })];
  const out: Finding[] = [];
  for (const key of Object.keys(json)) {
    if (!(THEME_JSON_KEYS as readonly string[]).includes(key)) out.push(finding('ZQ-T005', FILE, lineOf(text, [key]), { key }));
  }
  if (typeof json.name !== 'string' || !NAME.test(json.name)) {
    out.push(finding('ZQ-T006', FILE, lineOf(text, ['name']), { key: 'name', detail: '须为小写字母、数字和连字符 (lowercase letters, digits, hyphens)' }));
  }
  if (typeof json.version !== 'string' || !parseVersion(json.version)) {
    out.push(finding('ZQ-T006', FILE, lineOf(text, ['version']), { key: 'version', detail: '须为 x.y.z 形式的版本号 (must be a semver version)' }));
  }
  const range = isObject(json.engines) ? json.engines.zhanqun : undefined;
  const parsed = typeof range === 'string' ? parseRange(range) : null;
  if (!parsed) {
    out.push(finding('ZQ-T007', FILE, lineOf(text, range === undefined ? ['engines'] : ['engines', 'zhanqun']), { range: JSON.stringify(range ?? null) }));
  } else if (!satisfies(parseVersion(ENGINE_VERSION)!, parsed)) {
    out.push(finding('ZQ-T008', FILE, lineOf(text, ['engines', 'zhanqun']), { engine: ENGINE_VERSION, range: String(range) }));
  }
  if (json.config !== undefined) {
    if (!isObject(json.config)) {
      out.push(finding('ZQ-T006', FILE, lineOf(text, ['config']), { key: 'config', detail: '必须是对象 (must be an object)' }));
    } else {
      for (const key of Object.keys(json.config)) {
        if (!(CONFIG_KEYS as readonly string[]).includes(key)) out.push(finding('ZQ-T005', FILE, lineOf(text, ['config', key]), { key: `config.${key}` }));
      }
      checkSettings(text, json.config.custom, out);
    }
  }
  return out;
}
