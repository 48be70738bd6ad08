/**
 * Theme settings (STYLE.md: a theme declares its settings in a fixed vocabulary and the engine
 * builds the validation from it, so no theme supplies code or schemas). A pack's `config.custom`
 * gives each setting a type and a default; a site stores only its own values; each render gets
 * the merged values, built afresh for that site.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { invalid } from '@zhanqun/core/errors';
import type { ThemeSettingValue } from '@zhanqun/db/database';
import type { SettingType } from './theme-rules.js';

export type { ThemeSettingValue };

export interface SettingDef {
  key: string;
  type: SettingType;
  default: ThemeSettingValue;
  options: string[];
  description: string | null;
  group: string | null;
}

/** Merged values of one site's settings: column-list values are column paths. */
export type SettingValues = Record<string, ThemeSettingValue>;

const COLOR = /^#([0-9a-f]{6})$/;
const SHORT_COLOR = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/;
/** A path on the site itself (the CSP allows images from 'self' only): no scheme, no `//`, no quotes or spaces. */
const IMAGE_PATH = /^\/(?!\/)[A-Za-z0-9\-._~/%]*$/;
const CONTROL = /[\u0000-\u001f\u007f]/;
export const TEXT_MAX = 200;
export const IMAGE_MAX = 500;
export const COLUMN_LIST_MAX = 12;

function normaliseColor(v: string): string | null {
  const s = v.trim().toLowerCase();
  const short = SHORT_COLOR.exec(s);
  if (short) return `#${short[1]}${short[1]}${short[2]}${short[2]}${short[3]}${short[3]}`;
  return COLOR.test(s) ? s : null;
}

/** The settings a theme.json declares, in file order (the validator has checked their shape; anything off is skipped). */
export function parseSettingDefs(manifestText: string): SettingDef[] {
  let json: unknown;
  try {
    json = JSON.parse(manifestText);
  } catch {
    return [];
  }
  const custom = (json as { config?: { custom?: unknown } } | null)?.config?.custom;
  if (typeof custom !== 'object' || custom === null || Array.isArray(custom)) return [];
  const defs: SettingDef[] = [];
  for (const [key, raw] of Object.entries(custom as Record<string, Record<string, unknown>>)) {
    if (typeof raw !== 'object' || raw === null) continue;
    const type = raw.type as SettingType;
    const options = Array.isArray(raw.options) ? raw.options.filter((o): o is string => typeof o === 'string') : [];
    let def: ThemeSettingValue;
    switch (type) {
      case 'color': def = normaliseColor(String(raw.default ?? '')) ?? '#000000'; break;
      case 'boolean': def = raw.default === true; break;
      case 'select': def = typeof raw.default === 'string' ? raw.default : (options[0] ?? ''); break;
      case 'column-list': def = Array.isArray(raw.default) ? raw.default.filter((p): p is string => typeof p === 'string') : []; break;
      case 'text': case 'image': def = typeof raw.default === 'string' ? raw.default : ''; break;
      default: continue;
    }
    defs.push({
      key, type, default: def, options,
      description: typeof raw.description === 'string' ? raw.description : null, group: typeof raw.group === 'string' ? raw.group : null,
    });
  }
  return defs;
}

const defsCache = new Map<string, SettingDef[]>();

/** The setting definitions of the pack in `dir` (read once: packs are deployed, not edited live). */
export function settingDefsOf(dir: string): SettingDef[] {
  let defs = defsCache.get(dir);
  if (!defs) {
    try {
      defs = parseSettingDefs(readFileSync(join(dir, 'theme.json'), 'utf8'));
    } catch {
      defs = [];
    }
    defsCache.set(dir, defs);
  }
  return defs;
}

/** One value checked against its setting's type, normalised; undefined when it is not valid. */
function coerce(def: SettingDef, value: unknown, columnPaths: ReadonlySet<string> | null): ThemeSettingValue | undefined {
  switch (def.type) {
    case 'color':
      return typeof value === 'string' ? (normaliseColor(value) ?? undefined) : undefined;
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === '1' || value === 'on') return true;
      if (value === 'false' || value === '0' || value === '') return false;
      return undefined;
    case 'select':
      return typeof value === 'string' && def.options.includes(value) ? value : undefined;
    case 'text': {
      if (typeof value !== 'string') return undefined;
      const s = value.trim();
      return s.length <= TEXT_MAX && !CONTROL.test(s) ? s : undefined;
    }
    case 'image': {
      if (typeof value !== 'string') return undefined;
      const s = value.trim();
      return s === '' || (s.length <= IMAGE_MAX && IMAGE_PATH.test(s)) ? s : undefined;
    }
    case 'column-list': {
      const list = typeof value === 'string' ? value.split(/[\s,]+/) : Array.isArray(value) ? value : null;
      if (!list || !list.every((p) => typeof p === 'string')) return undefined;
      const paths = [...new Set((list as string[]).map((p) => p.trim()).filter(Boolean))];
      if (paths.length > COLUMN_LIST_MAX) return undefined;
      if (columnPaths && !paths.every((p) => columnPaths.has(p))) return undefined;
      return paths;
    }
  }
}

/** Why a value does not fit its setting, for the error that names the field. */
function problem(def: SettingDef, value: unknown, columnPaths: ReadonlySet<string>): string {
  switch (def.type) {
    case 'color': return 'must be a colour written #rrggbb, like #b31b1b';
    case 'boolean': return 'must be true or false';
    case 'select': return `must be one of ${def.options.join(', ')}`;
    case 'text': return `must be text of at most ${TEXT_MAX} characters, without control characters`;
    case 'image': return `must be empty or a path on this site (at most ${IMAGE_MAX} characters), like /_files/<id>/banner.jpg`;
    case 'column-list': {
      const list = typeof value === 'string' ? value.split(/[\s,]+/).filter(Boolean) : Array.isArray(value) ? value : [];
      const unknown = list.filter((p) => typeof p !== 'string' || !columnPaths.has(p.trim()));
      if (list.length > COLUMN_LIST_MAX) return `must name at most ${COLUMN_LIST_MAX} columns`;
      return unknown.length ? `names no column of this site: ${unknown.map(String).join(', ')}` : 'must be a list of column paths, like /xwdt/yw/';
    }
  }
}

/**
 * Check a site's submitted values against the pack's settings: every key must be a setting, every
 * value fit its type (a colour is #rrggbb, a select one of its options, a column-list names open
 * columns of this site). Throws a validation error naming `settings.<key>`; returns the normalised values.
 */
export function validateSettings(theme: string, defs: readonly SettingDef[], input: Record<string, unknown>, columnPaths: ReadonlySet<string>): SettingValues {
  const out: SettingValues = {};
  for (const [key, value] of Object.entries(input)) {
    const def = defs.find((d) => d.key === key);
    if (!def) throw invalid(`settings.${key}`, `is not a setting of theme ${theme}`);
    const v = coerce(def, value, columnPaths);
    if (v === undefined) throw invalid(`settings.${key}`, problem(def, value, columnPaths));
    out[key] = v;
  }
  return out;
}

/**
 * A site's values: the pack's defaults, overridden by what the site stored. A stored value that no
 * longer fits (the pack dropped a select option, say) falls back to the default; a fresh object every call.
 */
export function resolveSettings(defs: readonly SettingDef[], stored: Record<string, unknown> | null | undefined): SettingValues {
  const out: SettingValues = {};
  for (const def of defs) {
    const own = stored && Object.hasOwn(stored, def.key) ? coerce(def, stored[def.key], null) : undefined;
    const v = own ?? def.default;
    out[def.key] = Array.isArray(v) ? [...v] : v;
  }
  return out;
}

/** The path of the stylesheet that carries a site's colour settings as CSS variables, or null when the pack has none. */
export const SETTINGS_CSS_PATH = '/_assets/_vars.css';

/**
 * `/_assets/_vars.css?primary_color=b31b1b`: the colours travel in the URL (the CSP allows no
 * inline style), so the stylesheet needs no database and one URL always means the same bytes.
 */
export function settingsCssUrl(defs: readonly SettingDef[], values: SettingValues): string | null {
  const colors = defs.filter((d) => d.type === 'color');
  if (!colors.length) return null;
  const query = colors.map((d) => `${d.key}=${String(values[d.key] ?? d.default).slice(1)}`).join('&');
  return `${SETTINGS_CSS_PATH}?${query}`;
}

const VAR_NAME = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;
const HEX = /^[0-9a-f]{6}$/;

/** The stylesheet for a settings-CSS query: `:root { --zq-<name>: #rrggbb; … }`; anything malformed is left out. */
export function settingsCss(query: URLSearchParams): string {
  const lines: string[] = [];
  for (const [name, value] of query) {
    if (lines.length >= 16) break;
    if (name.length <= 40 && VAR_NAME.test(name) && HEX.test(value)) lines.push(`  --zq-${name.replace(/_/g, '-')}: #${value};`);
  }
  return `/* Theme colours chosen for this site (theme settings). */\n:root {\n${lines.join('\n')}\n}\n`;
}
