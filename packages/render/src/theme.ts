import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { createError } from '@zhanqun/core/errors';
import { HELPERS } from './helpers/index.js';
import { checkThemeSync, formatFinding, type Finding } from './theme-check.js';
import { PARTIAL_OVERRIDES } from './partial-overrides.js';
import type { PageContext } from './theme-context.js';
import { REQUIRED_TEMPLATES } from './theme-rules.js';

export const THEMES_DIR = fileURLToPath(new URL('../../../themes/', import.meta.url));
/** The engine's own assets (the accessibility scripts every pack gets through {{zq_head}}). */
export const ENGINE_ASSETS_DIR = fileURLToPath(new URL('../assets/', import.meta.url));

/** Templates a theme must have (theme-rules.ts): one per kind of page the engine renders. */
export { REQUIRED_TEMPLATES };
export type TemplateName = (typeof REQUIRED_TEMPLATES)[number];

export const ThemeInvalidError = createError<[string, string]>('ZQ_RENDER_THEME_INVALID', 'Theme %s is not usable: %s', 500);

export interface Theme {
  name: string;
  dir: string;
  /** The validator's non-fatal findings (errors and warnings), for the caller to log. */
  findings: Finding[];
  render(template: TemplateName, page: PageContext): string;
}

/** The coded error for a theme the validator refused, listing its fatal findings as `file:line  ZQ-T0nn  message`. */
function refused(name: string, findings: Finding[]): Error {
  const fatal = findings.filter((f) => f.severity === 'fatal');
  return Object.assign(new ThemeInvalidError(name, `${fatal.length} fatal finding(s):\n${fatal.map(formatFinding).join('\n')}`), { findings: fatal });
}

/**
 * Load a theme pack. It is validated first (theme-check.ts) and refused with any fatal finding.
 * Each theme gets its own Handlebars environment with only the engine's helpers, compiled once;
 * site data arrives with each render, never through global options.
 */
export function loadTheme(name: string, themesDir = THEMES_DIR): Theme {
  // A theme name is a directory under themesDir, never a path (`../x` would validate and load any directory).
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new ThemeInvalidError(name, 'not a theme name (lowercase letters, digits, hyphens)');
  const dir = join(themesDir, name);
  const report = checkThemeSync(dir);
  if (report.fatal) throw refused(name, report.findings);
  const env = Handlebars.create();
  for (const [helper, fn] of Object.entries(HELPERS)) env.registerHelper(helper, fn);
  const partialsDir = join(dir, 'partials');
  if (existsSync(partialsDir)) {
    for (const file of readdirSync(partialsDir).filter((f) => f.endsWith('.hbs'))) {
      env.registerPartial(file.slice(0, -4), readFileSync(join(partialsDir, file), 'utf8'));
    }
  }
  const knownHelpers = Object.fromEntries(Object.keys(HELPERS).map((h) => [h, true]));
  // knownHelpersOnly: a name the validator did not accept as a helper is never called as one.
  const compileOptions = { strict: false, knownHelpers, knownHelpersOnly: true, preventIndent: true };
  const templates = new Map<string, HandlebarsTemplateDelegate>();
  for (const t of REQUIRED_TEMPLATES) {
    const compiled = env.compile(readFileSync(join(dir, `${t}.hbs`), 'utf8'), compileOptions);
    templates.set(t, compiled);
  }
  const layout = templates.get('layout')!;
  // Compile eagerly so a broken template fails at load, not on a citizen's request.
  for (const t of templates.values()) t({ site: {}, footer: {}, nav: [], breadcrumbs: [], settings: {} } as never, { data: { root: { site: {}, footer: {}, settings: {} }, site: { settings: {} } } });
  // Sites' own partials, compiled once per source and passed with each render (never registered on
  // the shared environment, so one site's partial cannot reach another site's page).
  const compiledOverrides = new Map<string, HandlebarsTemplateDelegate>();
  const overridesOf = (sources: Readonly<Record<string, string>>) => {
    const partials: Record<string, HandlebarsTemplateDelegate> = {};
    for (const [partial, source] of Object.entries(sources)) {
      if (!Object.hasOwn(env.partials, partial)) continue; // only the pack's own partials are overridden
      const key = `${partial}\u0000${source}`;
      let compiled = compiledOverrides.get(key);
      if (!compiled) {
        if (compiledOverrides.size >= 2000) compiledOverrides.clear();
        compiled = env.compile(source, compileOptions);
        compiledOverrides.set(key, compiled);
      }
      partials[partial] = compiled;
    }
    return partials;
  };
  const labels = loadLabels(dir);
  const draw = (template: TemplateName, page: PageContext, partials: Record<string, HandlebarsTemplateDelegate> | undefined) => {
    // `@site` is this render's own object (the site and its settings), never shared between renders;
    // `@labels` are the pack's words for the page's language (locales/<lang>.json over zh-CN.json), frozen.
    const data = () => ({ root: page, site: { ...page.site, settings: page.settings }, labels: labels(page.lang) });
    const options = (partials ? { data: data(), partials } : { data: data() }) as Handlebars.RuntimeOptions;
    const body = templates.get(template)!(page, options);
    return layout({ ...page, body: new Handlebars.SafeString(body) }, { ...options, data: data() });
  };
  return {
    name,
    dir,
    findings: report.findings,
    render(template, page) {
      const sources = page[PARTIAL_OVERRIDES];
      if (sources && Object.keys(sources).length) {
        try {
          return draw(template, page, overridesOf(sources));
        } catch {
          // A site's partial that no longer fits its pack (checked when saved, but packs change):
          // the page renders with the pack's own partials rather than fail.
        }
      }
      return draw(template, page, undefined);
    },
  };
}

/**
 * The pack's words by language: `locales/<lang>.json`, flat objects of strings, each over the
 * Chinese ones (zh-CN.json), so a page under /en/ reads its chrome in English where the pack says it.
 */
function loadLabels(dir: string): (lang: string) => Readonly<Record<string, string>> {
  const byLang = new Map<string, Record<string, string>>();
  const localesDir = join(dir, 'locales');
  if (existsSync(localesDir)) {
    for (const file of readdirSync(localesDir).filter((f) => /^[a-zA-Z-]+\.json$/.test(f))) {
      try {
        const json = JSON.parse(readFileSync(join(localesDir, file), 'utf8')) as unknown;
        if (typeof json !== 'object' || json === null || Array.isArray(json)) continue;
        byLang.set(file.slice(0, -5), Object.fromEntries(Object.entries(json).filter((e): e is [string, string] => typeof e[1] === 'string')));
      } catch {
        // A pack's broken locale file leaves that language in Chinese.
      }
    }
  }
  const zh = byLang.get('zh-CN') ?? {};
  const merged = new Map<string, Readonly<Record<string, string>>>();
  return (lang) => {
    let m = merged.get(lang);
    if (!m) {
      m = Object.freeze({ ...zh, ...(lang === 'zh-CN' ? {} : byLang.get(lang)) });
      if (byLang.has(lang) || lang === 'zh-CN') merged.set(lang, m);
    }
    return m;
  };
}

/** Loaded themes by name, loaded on first use. */
export class ThemeRegistry {
  readonly #themes = new Map<string, Theme>();
  // A refused theme stays refused until restart (packs are deployed, not edited live): a site
  // with a broken theme must not re-walk and re-parse the pack on every request.
  readonly #refused = new Map<string, unknown>();
  constructor(private readonly themesDir = THEMES_DIR) {}
  get(name: string): Theme {
    let theme = this.#themes.get(name);
    if (!theme) {
      if (this.#refused.has(name)) throw this.#refused.get(name);
      try {
        theme = loadTheme(name, this.themesDir);
      } catch (err) {
        this.#refused.set(name, err);
        throw err;
      }
      this.#themes.set(name, theme);
    }
    return theme;
  }
}
