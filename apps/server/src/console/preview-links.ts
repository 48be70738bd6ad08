/**
 * The links of a previewed public page (the console's theme preview, site-theme.pages.ts) open
 * the real public site in a new top-level window. The page is rendered for the site's host and
 * prefix but served from the admin host, where its root-relative links (/xwdt/…, the search form,
 * the sitemap) would land on console paths, and the frame would show a console 404 or the
 * console itself. Each <a href> and <form action> is resolved against the site's public address
 * and opens in a new window (target="_blank", rel="noopener"), as an editor expects of a link in
 * a preview; in-page links (#…: the carousel's dots, the skip link) stay in the preview.
 * Stylesheets, scripts and images are left alone: the admin host serves the packs' assets for the
 * preview, unsaved colours included.
 */
import Handlebars from 'handlebars';

const escapeHtml = Handlebars.Utils.escapeExpression;
/** Named and numeric character references as Handlebars writes them (&amp; &#x3D; &quot; …). */
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decode = (value: string) => value.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
  if (ref[0] !== '#') return ENTITIES[ref.toLowerCase()] ?? whole;
  const code = ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
  return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : whole;
});

const TAG = /<(a|form)(\s[^>]*)?>/gi;
const ATTR = (name: string) => new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s"'=<>\`]+))`, 'i');

/**
 * `html` with every link and form leading to the public site at `publicBase` (its scheme, host,
 * port and the site's prefix, e.g. `http://anhe.localhost:3000/cgz/`) in a new window. Without a
 * public address (null) links have nowhere to go: they are left without an href.
 */
export function openLinksOnPublicSite(html: string, publicBase: string | null): string {
  return html.replace(TAG, (tag: string, name: string, attrs: string | undefined) => {
    const attr = name.toLowerCase() === 'a' ? 'href' : 'action';
    const rest = attrs ?? '';
    const found = ATTR(attr).exec(rest);
    if (!found) return tag; // an anchor without href, a form posting to itself
    const raw = decode(found[1] ?? found[2] ?? found[3] ?? '');
    if (raw.startsWith('#')) return tag; // in the page itself
    let target: URL;
    try {
      if (publicBase === null) throw new Error('no public address');
      target = new URL(raw, publicBase);
    } catch {
      return `<${name}${rest.replace(found[0], () => '')}>`;
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') return tag; // mailto:, tel: open their own applications
    let out = rest.replace(found[0], () => ` ${attr}="${escapeHtml(target.href)}"`).replace(ATTR('target'), '');
    out += ' target="_blank"';
    if (!ATTR('rel').test(out)) out += ' rel="noopener"';
    return `<${name}${out}>`;
  });
}
