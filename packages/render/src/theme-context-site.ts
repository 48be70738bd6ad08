/**
 * What a page shows of its site's own choices (theme-context.ts builds every page from these):
 * the theme settings as templates see them, the language switch and a foreign-language
 * version's home, and what a pack's home page names (so nothing it never shows is read).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SiteColumnRow } from '@zhanqun/db/database';
import { columnIndex } from './column-index.js';
import type { BlockView, LinkView, Mount, SettingsView, SiteScope } from './theme-context.js';
import { THEMES_DIR } from './theme.js';

/** A site path as a URL on the mount: under its prefix (`/` or a sub-site's `/bm/`). */
export const url = (mount: Mount, path: string) => (mount.prefix.endsWith('/') ? mount.prefix.slice(0, -1) : mount.prefix) + path;

/** The scope's columns, indexed (column-index.ts). */
export const columnsOf = (s: Pick<SiteScope, 'columns' | 'site'>) => columnIndex(s.columns, s.site.locales);

export const LANGUAGE_NAMES: Record<string, string> = { en: 'English', fr: 'Français', de: 'Deutsch', ru: 'Русский', ja: '日本語', ko: '한국어', es: 'Español', ar: 'العربية', pt: 'Português' };

/** The language switch: shown when the site has a foreign-language version whose home column exists. */
export function languagesOf(s: SiteScope, lang: string): LinkView[] {
  const columns = columnsOf(s);
  const versions = s.site.locales.filter((l) => columns.openByPath(`/${l}/`) !== undefined);
  if (!versions.length) return [];
  return [
    { name: '中文', url: url(s.mount, '/'), lang: 'zh-CN', current: lang === 'zh-CN' },
    ...versions.map((l) => ({ name: LANGUAGE_NAMES[l] ?? l.toUpperCase(), url: url(s.mount, `/${l}/`), lang: l, current: lang === l })),
  ];
}

/** Settings as templates see them: column-list paths become blocks of this site's open columns (missing ones left out). */
export function settingsView(s: SiteScope): SettingsView {
  const view: SettingsView = {};
  const columns = columnsOf(s);
  for (const def of s.settingDefs) {
    const v = s.settings[def.key];
    if (def.type === 'column-list') {
      const paths = Array.isArray(v) ? v : [];
      view[def.key] = paths.map((p) => (typeof p === 'string' ? columns.openByPath(p) : undefined))
        .filter((c): c is SiteColumnRow => c !== undefined).map((c) => ({
          name: c.name, url: url(s.mount, c.path), items: [],
          children: columns.openChildren(c.id).map((x) => ({ name: x.name, url: url(s.mount, x.path) })),
        }));
    } else if (v !== undefined && !Array.isArray(v)) {
      view[def.key] = v;
    }
  }
  return view;
}

export const HOME_LABELS: Record<string, string> = { en: 'Home', fr: 'Accueil', de: 'Startseite', ru: 'Главная', ja: 'ホーム', ko: '홈', es: 'Inicio' };

export const mentionIn = (source: string, word: string) => new RegExp(`\\{\\{[^}]*\\b${word}\\b`).test(source);
export const mentioned = new Map<string, boolean>();
/** Whether the pack's home page (home.hbs, layout.hbs or a partial) names `word` inside a mustache (read once: packs are deployed, not edited live). */
export function packMentions(theme: string, word: string): boolean {
  const key = `${theme}\u0000${word}`;
  let found = mentioned.get(key);
  if (found === undefined) {
    const dir = join(THEMES_DIR, theme);
    const partials = join(dir, 'partials');
    const files = [join(dir, 'home.hbs'), join(dir, 'layout.hbs'), ...(existsSync(partials) ? readdirSync(partials).filter((f) => f.endsWith('.hbs')).map((f) => join(partials, f)) : [])]
      .filter((f) => existsSync(f));
    // Unknown or unreadable: read everything, as before.
    found = files.length === 0 || files.some((f) => mentionIn(readFileSync(f, 'utf8'), word));
    mentioned.set(key, found);
  }
  return found;
}
