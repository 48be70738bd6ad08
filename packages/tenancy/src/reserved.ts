/**
 * First path segments no column, sub-site prefix or legacy mapping may take on any host
 * (DESIGN.md, Routing): our own system paths, locale prefixes, and the usual paths of legacy
 * government CMSs, so that migrated URLs never collide with ours.
 */
/** The foreign-language versions a site may have, each under its own prefix (`/en/`). */
export const FOREIGN_LOCALES: readonly string[] = ['en', 'ja', 'ko', 'fr', 'de', 'ru', 'es'];

export const RESERVED_SEGMENTS: ReadonlySet<string> = new Set([
  '_assets', '_files', '_preview', 'search', 'sitemap.xml', 'robots.txt', 'healthz', 'readyz',
  ...FOREIGN_LOCALES, 'zh-hant',
  'art', 'col', 'module', 'picture',
]);

export function isReservedSegment(segment: string): boolean {
  return RESERVED_SEGMENTS.has(segment.toLowerCase());
}
