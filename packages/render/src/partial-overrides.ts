/** Where a page carries its site's own partials (theme-overrides.ts) to the renderer, out of the templates' reach (a symbol key no template can look up). */
export const PARTIAL_OVERRIDES: unique symbol = Symbol('zq.partialOverrides');
