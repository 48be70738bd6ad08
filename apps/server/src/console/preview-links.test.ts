import { describe, expect, it } from 'vitest';
import { openLinksOnPublicSite } from './preview-links.js';

const BASE = 'http://anhe.localhost:3000/cgz/';

describe('links of a previewed page', () => {
  it('should send links and forms to the public site in a new window, and keep in-page links in the preview', () => {
    const html = [
      '<a class="skip-link" href="#main">跳到主要内容</a>',
      '<a href="/cgz/xwdt/yw/">要闻</a>',
      '<a href="/cgz/xwdt/yw/?page&#x3D;2&amp;x&#x3D;1" rel="next">下一页</a>',
      '<a href="//prov.localhost:3000/">演示省</a>',
      '<a href="https://www.gov.cn/" target="_self" rel="noopener">中国政府网</a>',
      '<form class="search" role="search" action="/cgz/_search/" method="get"><input name="q"></form>',
      '<a href="mailto:ban@example.cn">来信</a><a name="top">锚点</a>',
      '<link rel="stylesheet" href="/_assets/county/site.css"><img src="/_files/x/cover" alt="">',
    ].join('\n');
    expect(openLinksOnPublicSite(html, BASE).split('\n')).toEqual([
      '<a class="skip-link" href="#main">跳到主要内容</a>',
      '<a href="http://anhe.localhost:3000/cgz/xwdt/yw/" target="_blank" rel="noopener">要闻</a>',
      '<a href="http://anhe.localhost:3000/cgz/xwdt/yw/?page&#x3D;2&amp;x&#x3D;1" rel="next" target="_blank">下一页</a>',
      '<a href="http://prov.localhost:3000/" target="_blank" rel="noopener">演示省</a>',
      '<a href="https://www.gov.cn/" rel="noopener" target="_blank">中国政府网</a>',
      '<form class="search" role="search" action="http://anhe.localhost:3000/cgz/_search/" method="get" target="_blank" rel="noopener"><input name="q"></form>',
      '<a href="mailto:ban@example.cn">来信</a><a name="top">锚点</a>',
      '<link rel="stylesheet" href="/_assets/county/site.css"><img src="/_files/x/cover" alt="">',
    ]);
  });

  it('should leave links nowhere to go when the site has no public address, and never break out of an attribute', () => {
    expect(openLinksOnPublicSite('<a href="/xwdt/">新闻</a><a href="#main">x</a>', null)).toBe('<a>新闻</a><a href="#main">x</a>');
    // A decoded quote or bracket is written back escaped: the attribute stays one attribute.
    expect(openLinksOnPublicSite('<a href="/a&quot;&gt;&lt;b$&amp;">x</a>', BASE)).toBe('<a href="http://anhe.localhost:3000/a%22%3E%3Cb$&amp;" target="_blank" rel="noopener">x</a>');
  });
});
