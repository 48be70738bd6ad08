// # zq_head helper
// Usage: {{zq_head}} inside <head>. Renders the standard meta tags of government sites:
// SiteName, SiteDomain, SiteIDCode on every page; ColumnName/ColumnType on column pages;
// ArticleTitle, PubDate (yyyy-MM-dd HH:mm), ContentSource, Keywords, Author, Description, Url on articles;
// then the pack's stylesheet and the site's colour settings.
import Handlebars from 'handlebars';
import type { PageContext } from '../theme-context.js';

const esc = Handlebars.Utils.escapeExpression;
const meta = (name: string, content: string | null | undefined) => (content ? `<meta name="${name}" content="${esc(content)}">` : '');

export function zq_head(this: unknown, options: Handlebars.HelperOptions): Handlebars.SafeString {
  const page = options.data.root as PageContext;
  const tags = [
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
  return new Handlebars.SafeString(tags.filter(Boolean).join('\n'));
}
