import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { createError } from '@zhanqun/core/errors';
import { HELPERS } from './helpers/index.js';
import type { PageContext } from './theme-context.js';

export const THEMES_DIR = fileURLToPath(new URL('../../../themes/', import.meta.url));

/** Templates a theme must have today; the theme issue adds channel, search and interaction. */
export const REQUIRED_TEMPLATES = ['layout', 'home', 'column', 'article', 'error-404', 'error-410'] as const;
export type TemplateName = (typeof REQUIRED_TEMPLATES)[number];

export const ThemeInvalidError = createError<[string, string]>('ZQ_RENDER_THEME_INVALID', 'Theme %s is not usable: %s', 500);

export interface Theme {
  name: string;
  dir: string;
  render(template: TemplateName, page: PageContext): string;
}

/**
 * Load a theme pack. Each theme gets its own Handlebars environment with only the engine's
 * helpers, compiled once; site data arrives with each render, never through global options.
 */
export function loadTheme(name: string, themesDir = THEMES_DIR): Theme {
  const dir = join(themesDir, name);
  if (!existsSync(join(dir, 'theme.json'))) throw new ThemeInvalidError(name, `no theme.json in ${dir}`);
  const env = Handlebars.create();
  for (const [helper, fn] of Object.entries(HELPERS)) env.registerHelper(helper, fn);
  const partialsDir = join(dir, 'partials');
  if (existsSync(partialsDir)) {
    for (const file of readdirSync(partialsDir).filter((f) => f.endsWith('.hbs'))) {
      env.registerPartial(file.slice(0, -4), readFileSync(join(partialsDir, file), 'utf8'));
    }
  }
  const knownHelpers = Object.fromEntries(Object.keys(HELPERS).map((h) => [h, true]));
  const templates = new Map<string, HandlebarsTemplateDelegate>();
  for (const t of REQUIRED_TEMPLATES) {
    const file = join(dir, `${t}.hbs`);
    if (!existsSync(file)) throw new ThemeInvalidError(name, `missing template ${t}.hbs`);
    const compiled = env.compile(readFileSync(file, 'utf8'), { strict: false, knownHelpers, preventIndent: true });
    templates.set(t, compiled);
  }
  const layout = templates.get('layout')!;
  // Compile eagerly so a broken template fails at load, not on a citizen's request.
  for (const t of templates.values()) t({ site: {}, footer: {}, nav: [], breadcrumbs: [] } as never, { data: { root: { site: {}, footer: {} } } });
  return {
    name,
    dir,
    render(template, page) {
      const body = templates.get(template)!(page, { data: { root: page } });
      return layout({ ...page, body: new Handlebars.SafeString(body) }, { data: { root: page } });
    },
  };
}

/** Loaded themes by name, loaded on first use. */
export class ThemeRegistry {
  readonly #themes = new Map<string, Theme>();
  constructor(private readonly themesDir = THEMES_DIR) {}
  get(name: string): Theme {
    let theme = this.#themes.get(name);
    if (!theme) {
      theme = loadTheme(name, this.themesDir);
      this.#themes.set(name, theme);
    }
    return theme;
  }
}
