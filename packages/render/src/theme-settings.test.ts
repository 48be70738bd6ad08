import { describe, expect, it } from 'vitest';
import { parseSettingDefs, resolveSettings, settingsCss, settingsCssUrl, validateSettings } from './theme-settings.js';

const MANIFEST = JSON.stringify({
  name: 't', version: '1.0.0', engines: { zhanqun: '^0.1.0' },
  config: {
    custom: {
      primary_color: { type: 'color', default: '#B31B1B' },
      accent_color: { type: 'color', default: '#fc0' },
      banner_image: { type: 'image', default: '' },
      show_carousel: { type: 'boolean', default: true },
      home_layout: { type: 'select', options: ['standard', 'compact'], default: 'standard' },
      slogan: { type: 'text', default: '为民服务' },
      news_columns: { type: 'column-list', default: ['/xwdt/yw/'] },
    },
  },
});
const defs = parseSettingDefs(MANIFEST);
const columns = new Set(['/xwdt/yw/', '/xwdt/tzgg/']);

describe('theme settings', () => {
  it('should read the definitions with normalised defaults', () => {
    expect(defs.map((d) => [d.key, d.type, d.default])).toEqual([
      ['primary_color', 'color', '#b31b1b'], ['accent_color', 'color', '#ffcc00'], ['banner_image', 'image', ''],
      ['show_carousel', 'boolean', true], ['home_layout', 'select', 'standard'], ['slogan', 'text', '为民服务'], ['news_columns', 'column-list', ['/xwdt/yw/']],
    ]);
  });

  it('should accept values that fit their type, normalised', () => {
    expect(validateSettings('t', defs, {
      primary_color: '#1A5FB4', show_carousel: 'false', home_layout: 'compact', slogan: '  办事  ', news_columns: '/xwdt/tzgg/ /xwdt/yw/ /xwdt/tzgg/', banner_image: '/_files/0193/banner.png',
    }, columns)).toEqual({
      primary_color: '#1a5fb4', show_carousel: false, home_layout: 'compact', slogan: '办事', news_columns: ['/xwdt/tzgg/', '/xwdt/yw/'], banner_image: '/_files/0193/banner.png',
    });
  });

  it.each([
    [{ primary_color: 'red' }, 'settings.primary_color', /#rrggbb/],
    [{ primary_color: '#12345g' }, 'settings.primary_color', /#rrggbb/],
    [{ home_layout: 'wide' }, 'settings.home_layout', /one of standard, compact/],
    [{ show_carousel: 'maybe' }, 'settings.show_carousel', /true or false/],
    [{ news_columns: ['/xwdt/yw/', '/other/'] }, 'settings.news_columns', /no column of this site: \/other\//],
    [{ banner_image: 'https://evil.example/x.png' }, 'settings.banner_image', /path on this site/],
    [{ banner_image: '//evil.example/x.png' }, 'settings.banner_image', /path on this site/],
    [{ slogan: 'x'.repeat(201) }, 'settings.slogan', /at most 200/],
    [{ slogan: 'a\u0000b' }, 'settings.slogan', /control/],
    [{ font: 'serif' }, 'settings.font', /not a setting of theme t/],
  ])('should refuse %j naming the field', (input, field, message) => {
    let err: unknown;
    try {
      validateSettings('t', defs, input, columns);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'ZQ_VALIDATION', field });
    expect((err as Error).message).toMatch(message);
  });

  it('should merge stored values over defaults, fall back where a stored value no longer fits, and never share objects', () => {
    const stored = { primary_color: '#00ff00', home_layout: 'gone-option', news_columns: ['/xwdt/tzgg/'] };
    const a = resolveSettings(defs, stored);
    expect(a).toMatchObject({ primary_color: '#00ff00', home_layout: 'standard', news_columns: ['/xwdt/tzgg/'], show_carousel: true });
    const b = resolveSettings(defs, null);
    (b.news_columns as string[]).push('/mutated/');
    expect(resolveSettings(defs, null).news_columns).toEqual(['/xwdt/yw/']);
  });

  it('should carry colours to CSS variables through the URL, and drop anything malformed', () => {
    const href = settingsCssUrl(defs, resolveSettings(defs, { primary_color: '#1a5fb4' }))!;
    expect(href).toBe('/_assets/_vars.css?primary_color=1a5fb4&accent_color=ffcc00');
    const css = settingsCss(new URLSearchParams(href.split('?')[1]));
    expect(css).toContain('--zq-primary-color: #1a5fb4;');
    expect(css).toContain('--zq-accent-color: #ffcc00;');
    expect(settingsCss(new URLSearchParams('x=1a5fb4;}body{display:none&Bad=123456&ok=12345'))).not.toMatch(/display|Bad|ok/);
    expect(settingsCssUrl([], {})).toBeNull();
  });
});
