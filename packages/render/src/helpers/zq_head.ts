// # zq_head helper
// Usage: {{zq_head}} inside <head>. Renders the standard meta tags of government sites:
// SiteName, SiteDomain, SiteIDCode on every page; ColumnName/ColumnType on column pages;
// ArticleTitle, PubDate (yyyy-MM-dd HH:mm), ContentSource, Keywords, Author, Description, Url on articles;
// then the pack's stylesheet and the site's colour settings. Around them, the engine's accessibility
// scripts (packages/render/assets, served at /_assets/_zq/): a11y-init.js first, so a reader's saved
// modes (elder, high contrast, text size) apply before the first paint, and the toolbar's a11y.js
// deferred. Every pack gets them; none ships its own.
import Handlebars from 'handlebars';
import type { PageContext } from '../theme-context.js';

/** Where the engine's own assets are served on every tenant host (app.ts; `_zq` can be no pack's name). */
export const ENGINE_ASSETS_PATH = '/_assets/_zq/';

const esc = Handlebars.Utils.escapeExpression;
const meta = (name: string, content: string | null | undefined) => (content ? `<meta name="${name}" content="${esc(content)}">` : '');

export function zq_head(this: unknown, options: Handlebars.HelperOptions): Handlebars.SafeString {
  const page = options.data.root as PageContext;
  const tags = [
    `<script src="${ENGINE_ASSETS_PATH}a11y-init.js"></script>`,
    meta('SiteName', page.site.name),
    meta('SiteDomain', page.site.host),
    meta('SiteIDCode', page.site.siteIdCode),
  ];
  if (page.column) {
    tags.push(meta('ColumnName', page.column.name), meta('ColumnType', page.column.kindLabel), meta('ColumnDescription', page.column.description));
  }
  if (page.article) {
    const a = page.article;
    tags.push(
      meta('ArticleTitle', a.title), meta('PubDate', a.pubDate), meta('ContentSource', a.source), meta('Keywords', a.keywords),
      meta('Author', a.author), meta('Description', a.summary), meta('Url', a.absoluteUrl),
    );
  }
  tags.push(`<link rel="stylesheet" href="/_assets/${esc(page.theme)}/site.css">`);
  // The site's colour settings as CSS variables, after the pack's stylesheet (the CSP allows no inline style).
  if (page.settingsCss) tags.push(`<link rel="stylesheet" href="${esc(page.settingsCss)}">`);
  tags.push(`<script src="${ENGINE_ASSETS_PATH}a11y.js" defer></script>`);
  return new Handlebars.SafeString(tags.filter(Boolean).join('\n'));
}
