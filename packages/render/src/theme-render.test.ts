// Each render gets its own site's settings (STYLE.md: site data arrives with each render, never
// through global template options): `settings` and `@site.settings` in templates, never shared.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkThemeSync } from './theme-check.js';
import { PARTIAL_OVERRIDES } from './partial-overrides.js';
import type { PageContext } from './theme-context.js';
import { loadTheme, THEMES_DIR } from './theme.js';

const root = mkdtempSync(join(tmpdir(), 'zq-theme-render-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function page(name: string, color: string): PageContext {
  return {
    theme: 'settings-probe', lang: 'zh-CN', title: name, settings: { primary_color: color, show: true },
    settingsCss: `/_assets/_vars.css?primary_color=${color.slice(1)}`, languages: [],
    site: { name, code: name, host: `${name}.localhost`, homeUrl: '/', siteIdCode: null, parentName: null },
    nav: [], breadcrumbs: [], blocks: [],
    footer: { siteName: name, sponsor: null, contact: null, siteIdCode: null, icpNumber: null, psbNumber: null },
  };
}

describe('settings in templates', () => {
  it('should give each render its own site\'s settings, as settings and @site.settings', () => {
    const dir = join(root, 'settings-probe');
    cpSync(join(THEMES_DIR, 'default'), dir, { recursive: true });
    writeFileSync(join(dir, 'home.hbs'), '<p class="a">{{settings.primary_color}}</p><p class="b">{{@site.settings.primary_color}} {{@site.name}}</p>\n'
      + '{{#each nav}}{{/each}}<p class="c">{{#if @site.settings.show}}shown{{/if}}</p>\n');
    expect(checkThemeSync(dir).fatal).toBe(false);
    const theme = loadTheme('settings-probe', root);
    const a = theme.render('home', page('anhe', '#112233'));
    const b = theme.render('home', page('shiqiao', '#445566'));
    expect(a).toContain('<p class="a">#112233</p><p class="b">#112233 anhe</p>');
    expect(a).toContain('<p class="c">shown</p>');
    expect(a).toContain('<link rel="stylesheet" href="/_assets/_vars.css?primary_color&#x3D;112233">');
    expect(b).toContain('<p class="a">#445566</p><p class="b">#445566 shiqiao</p>');
    expect(b).not.toContain('112233');
    expect(theme.render('home', page('anhe', '#112233'))).toBe(a); // nothing carried over from the render in between
  });

  it('should render a site\'s own partials for that site only, and the pack\'s when a stored one no longer fits', () => {
    const theme = loadTheme('default');
    const plain = page('anhe', '#112233');
    const own: PageContext = { ...page('shiqiao', '#445566'), [PARTIAL_OVERRIDES]: { breadcrumbs: '<nav class="own-crumbs">{{site.name}}</nav>' } };
    const broken: PageContext = { ...page('yunxi', '#778899'), [PARTIAL_OVERRIDES]: { breadcrumbs: '{{> no-such-partial}}' } };
    const column = (p: PageContext) => theme.render('column', { ...p, column: { name: '要闻', kind: 'news', kindLabel: '动态要闻', description: null, url: '/xwdt/yw/', children: [] }, items: [] });
    expect(column(own)).toContain('<nav class="own-crumbs">shiqiao</nav>');
    expect(column(plain)).not.toContain('own-crumbs');
    expect(column(plain)).toContain('<nav class="breadcrumbs"');
    expect(column(broken)).toContain('<nav class="breadcrumbs"');
  });
});
