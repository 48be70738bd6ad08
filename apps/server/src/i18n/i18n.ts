import en from './en.json' with { type: 'json' };
import zhCN from './zh-CN.json' with { type: 'json' };

/** Console languages: Chinese first, English second. */
export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export const CATALOGUES: Record<Locale, Record<string, string>> = { 'zh-CN': zhCN, en };

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** Translate a key; `{name}` placeholders are filled from vars. A missing key shows itself. */
export function t(locale: Locale, key: string, vars: Record<string, string | number> = {}): string {
  const text = CATALOGUES[locale][key] ?? CATALOGUES['zh-CN'][key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? `{${name}}`));
}
