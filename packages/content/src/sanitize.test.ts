import { describe, expect, it } from 'vitest';
import { sanitizeBodyHtml, textOf } from './sanitize.js';

describe('sanitizeBodyHtml', () => {
  it('should remove script elements with their content', () => {
    expect(sanitizeBodyHtml('<p>正文</p><script>alert(1)</script><SCRIPT SRC=//x.cn/x.js></SCRIPT>')).toBe('<p>正文</p>');
  });

  it('should remove event handler attributes', () => {
    expect(sanitizeBodyHtml('<img src="/a.png" alt="图" onerror="alert(1)"><p onclick="x()" ONMOUSEOVER=y>段</p>'))
      .toBe('<img src="/a.png" alt="图"><p>段</p>');
  });

  it('should remove javascript:, vbscript: and data: links however they are spelt', () => {
    const links = [
      'javascript:alert(1)', ' JaVaScRiPt:alert(1)', 'jav&#x09;ascript:alert(1)', 'jav&#x0A;ascript:alert(1)',
      '&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)', '&#x6A;avascript&colon;alert(1)',
      '\u0001javascript:alert(1)', 'vbscript:msgbox(1)', 'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
    ];
    for (const href of links) expect(sanitizeBodyHtml(`<a href="${href}">链接</a>`), href).toBe('链接');
  });

  it('should keep http, https, mailto, tel, relative and fragment links', () => {
    const links = ['https://www.gov.cn/', 'http://a.gov.cn/x?y=1&amp;z=2', 'mailto:ban@a.gov.cn', 'tel:12345', '../zwgk/', '/a.html', '#s1'];
    for (const href of links) expect(sanitizeBodyHtml(`<a href="${href}">链接</a>`)).toBe(`<a href="${href}">链接</a>`);
  });

  it('should keep target=_blank only, adding rel=noopener', () => {
    expect(sanitizeBodyHtml('<a href="https://a.cn/" target="_blank" rel="opener">a</a><a href="/b" target="top">b</a>'))
      .toBe('<a href="https://a.cn/" target="_blank" rel="noopener">a</a><a href="/b">b</a>');
  });

  it('should keep an iframe from v.qq.com, sandboxed, and remove one from youtube.com', () => {
    const qq = '<iframe src="https://v.qq.com/txp/iframe/player.html?vid=x1" width="640" height="360" allowfullscreen="true" sandbox="allow-top-navigation" onload="x()"></iframe>';
    expect(sanitizeBodyHtml(qq)).toBe(
      '<iframe src="https://v.qq.com/txp/iframe/player.html?vid=x1" width="640" height="360" allowfullscreen="" sandbox="allow-scripts allow-same-origin allow-presentation"></iframe>',
    );
    expect(sanitizeBodyHtml('<iframe src="https://www.youtube.com/embed/x"></iframe>')).toBe('');
    expect(sanitizeBodyHtml('<iframe src="https://v.qq.com.evil.cn/x"></iframe><iframe src="https://v.qq.com@evil.cn/x"></iframe>')).toBe('');
    expect(sanitizeBodyHtml('<iframe src="javascript:alert(1)"></iframe><iframe srcdoc="<script>alert(1)</script>"></iframe>')).toBe('');
  });

  it('should take protocol-relative players as https and accept the platform host patterns it is given', () => {
    expect(sanitizeBodyHtml('<iframe src="//player.bilibili.com/player.html?bvid=1"></iframe>'))
      .toContain('src="https://player.bilibili.com/player.html?bvid=1"');
    const own = '<iframe src="https://video.jx.gov.cn/p/1"></iframe>';
    expect(sanitizeBodyHtml(own)).toBe('');
    expect(sanitizeBodyHtml(own, { extraIframeHosts: ['*.jx.gov.cn'] })).toContain('src="https://video.jx.gov.cn/p/1"');
  });

  it('should drop every style and class, mso ones included', () => {
    expect(sanitizeBodyHtml('<p class="MsoNormal" style="mso-pagination:widow-orphan;TEXT-INDENT:32pt"><span style="FONT-FAMILY:仿宋_GB2312">通知</span></p>'))
      .toBe('<p>通知</p>');
  });

  it('should turn h1 into h2, keeping lower headings', () => {
    expect(sanitizeBodyHtml('<h1 align="center">标题</h1><h3>一、总体要求</h3>')).toBe('<h2>标题</h2><h3>一、总体要求</h3>');
  });

  it('should drop Word conditional comments and <o:p>, keeping paragraphs, tables and emphasis', () => {
    const word = '<!--[if gte mso 9]><xml><w:WordDocument><w:View>Normal</w:View></w:WordDocument></xml><![endif]-->'
      + '<P class=MsoNormal><B>第一条</B><![if !supportLists]>　<![endif]>为规范管理<o:p></o:p></P>'
      + '<TABLE class=MsoTableGrid border=1 style="mso-yfti-tbllook:1184"><TR><TD width=100 colspan=2 valign=top><P>甲<o:p>&nbsp;</o:p></P></TD></TR></TABLE>';
    expect(sanitizeBodyHtml(word)).toBe('<p><b>第一条</b>　为规范管理</p><table><tbody><tr><td colspan="2"><p>甲&nbsp;</p></td></tr></tbody></table>');
  });

  it('should keep images with http(s), relative or base64 png/jpeg/gif sources only', () => {
    expect(sanitizeBodyHtml('<img src="data:image/png;base64,iVBORw0KGgo=" alt="a" width="10" height="50%">'))
      .toBe('<img src="data:image/png;base64,iVBORw0KGgo=" alt="a" width="10" height="50%">');
    expect(sanitizeBodyHtml('<img src="data:image/svg+xml;base64,PHN2Zz4=" alt="svg"><img src="javascript:alert(1)"><img src=x width="100px;x">'))
      .toBe('<img src="x">');
  });

  it('should remove forbidden elements: style, object, embed, form, input, svg, math', () => {
    const html = '<style>p{}</style><object data="x.swf"></object><embed src="x.swf"><form action="/x"><input name="q"></form>'
      + '<svg onload="alert(1)"><circle r="1"/></svg><math><mi>x</mi></math><p>留下</p>';
    expect(sanitizeBodyHtml(html)).toBe('<p>留下</p>');
  });

  it('should keep the allowed structure as it is', () => {
    const html = '<h2>一</h2><p>a<br>b<strong>c</strong><em>d</em><u>e</u><s>f</s><sub>g</sub><sup>h</sup></p><blockquote>q</blockquote>'
      + '<ul><li>1</li></ul><ol><li>2</li></ol><table><caption>表</caption><thead><tr><th scope="col">列</th></tr></thead>'
      + '<tbody><tr><td rowspan="2">值</td></tr></tbody><tfoot><tr><td>合计</td></tr></tfoot></table>'
      + '<figure><img src="/a.png" alt=""><figcaption>图</figcaption></figure><hr><pre><code>a &lt; b</code></pre><div>块</div>';
    expect(sanitizeBodyHtml(html)).toBe(html);
  });
});

describe('textOf', () => {
  it('should give the text, one block a line, without markup or script text', () => {
    expect(textOf('<h2>标题</h2><p>第一段<b>加粗</b></p><table><tr><td>甲</td><td>乙</td></tr></table><script>x</script><p>&nbsp;</p>'))
      .toBe('标题\n第一段加粗\n甲 乙');
  });
});
