/**
 * First path segments no column, sub-site prefix or legacy mapping may take on any host
 * (DESIGN.md, Routing): our own system paths, locale prefixes, and the usual paths of legacy
 * government CMSs, so that migrated URLs never collide with ours.
 */
export const RESERVED_SEGMENTS: ReadonlySet<string> = new Set([
  '_assets', '_files', '_preview', 'search', 'sitemap.xml', 'robots.txt', 'healthz', 'readyz',
  'en', 'ja', 'ko', 'fr', 'de', 'ru', 'es', 'zh-hant',
  'art', 'col', 'module', 'picture',
]);

export function isReservedSegment(segment: string): boolean {
  return RESERVED_SEGMENTS.has(segment.toLowerCase());
}
