import { describe, expect, it } from 'vitest';
import { formatFinding } from './theme-check.js';
import { checkPartialOverride, packPartials } from './theme-overrides.js';
import { THEMES_DIR } from './theme.js';

const county = `${THEMES_DIR}county`;
const check = (name: string, source: string) => checkPartialOverride(county, name, source).map(formatFinding);

describe('a site\'s own partials', () => {
  it('should accept a plain override of a partial of the pack', () => {
    expect(packPartials(county).has('share')).toBe(true);
    expect(check('share', '<section class="share"><h2>分享</h2>{{#if article.share}}<a href="{{article.share.weibo}}">微博</a>{{/if}}{{> languages}}</section>\n')).toEqual([]);
  });

  it.each([
    ['block', '<p>{{{article.bodyHtml}}}</p>', 'partials/block.hbs:1  ZQ-T018  站点局部模板不得输出未转义的内容 {{{article.bodyHtml}}}'],
    ['block', '<p>\n{{& site.name}}</p>', 'partials/block.hbs:2  ZQ-T018'],
    ['block', '{{{{raw}}}} {{x}} {{{{/raw}}}}', 'ZQ-T018'],
    ['block', '<p>a</p>\n<script>alert(1)</script>', 'partials/block.hbs:2  ZQ-T019  站点局部模板不得包含 <script> 脚本'],
    ['block', '<a href="/" onclick="x()">a</a>', 'ZQ-T019  站点局部模板不得包含内联事件属性'],
    ['block', '<p style="color:red">a</p>', '内联样式'],
    ['block', '<a href="javascript:alert(1)">a</a>', 'javascript:'],
    ['block', '<img src="https://evil.example/x.png" alt="">', '外站资源地址'],
    ['block', '<img src="//evil.example/x.png" alt="">', '外站资源地址'],
    ['block', '<iframe src="/x"></iframe>', '嵌入内容'],
    ['block', '<link rel="stylesheet" href="/x.css">', '<link>'],
    ['block', '{{no_such_helper site}}', 'partials/block.hbs:1  ZQ-T012  未知 helper no_such_helper'],
    ['block', '{{> no-such-partial}}', 'ZQ-T013'],
    ['block', '{{> block}}', 'partials/block.hbs:1  ZQ-T020  局部模板 block 不得包含自身'],
    ['block', '{{#if x}}', 'ZQ-T011'],
    ['layout', '<p>x</p>', 'partials/layout.hbs  ZQ-T017  layout 不是本主题的局部模板'],
    ['../share', '<p>x</p>', 'ZQ-T017'],
  ])('should refuse %s: %s', (name, source, expected) => {
    const found = check(name, source);
    expect(found.join('\n')).toContain(expected);
    expect(checkPartialOverride(county, name, source).every((f) => f.severity === 'fatal')).toBe(true);
  });
});
