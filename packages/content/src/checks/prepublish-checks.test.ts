import { describe, expect, it } from 'vitest';
import { checkRevision, classifyLink, type CheckDeps, type RevisionCheckInput } from './prepublish-checks.js';
import { SeriousErrorMatcher } from './serious-error-matcher.js';

const matcher = new SeriousErrorMatcher([
  { id: 'w1', term: '国务院办公室', correction: '国务院办公厅', kind: 'wrong_form' },
  { id: 'w2', term: '十九大', correction: '党的十九大', kind: 'wrong_form' },
  { id: 'w3', term: '人民政俯', correction: null, kind: 'wrong_form' },
  { id: 'f1', term: '六合彩', correction: null, kind: 'forbidden' },
]);

const existing = new Set(['/zwgk/tzgg/', '/zwgk/tzgg/202611/t20261127_1.html']);

function deps(extra: Partial<CheckDeps> = {}): CheckDeps & { asked: string[] } {
  const asked: string[] = [];
  return {
    matcher,
    internalPathExists: (path) => {
      asked.push(path);
      return existing.has(path);
    },
    siteHosts: ['www.jx.gov.cn', 'jx.gov.cn'],
    asked,
    ...extra,
  };
}

const news = (over: Partial<RevisionCheckInput> = {}): RevisionCheckInput => ({ title: '全省安全生产工作会议召开', bodyHtml: '<p>会议要求。</p>', columnKind: 'news', ...over });
const policy: RevisionCheckInput = {
  title: '关于印发实施办法的通知', bodyHtml: '<p>各设区市人民政府：</p>', columnKind: 'policy',
  documentNumber: '赣府发〔2026〕12号', issuingOrgan: '江西省人民政府', dateWritten: '2026-11-20', validity: 'valid', topicCategory: '综合政务',
};

describe('checkRevision', () => {
  it('should pass a clean news item with nothing to report', async () => {
    expect(await checkRevision(news(), deps())).toEqual({ findings: [], blocked: false, externalLinks: [] });
  });

  it('should block a serious error in the title, summary and body, naming the wrong and the right form', async () => {
    const report = await checkRevision(news({
      title: '国务院办公室印发通知',
      summary: '认真学习十九大精神',
      bodyHtml: '<p>市人民政俯：</p><table><tr><td>严禁</td><td>购买六合彩</td></tr></table><p>学习党的十九大精神。</p>',
    }), deps());
    expect(report.blocked).toBe(true);
    expect(report.findings.map((f) => [f.code, f.severity, f.field, f.detail?.termId])).toEqual([
      ['serious_error', 'block', 'title', 'w1'],
      ['serious_error', 'block', 'summary', 'w2'],
      ['serious_error', 'block', 'body', 'w3'],
      ['serious_error', 'block', 'body', 'f1'],
    ]);
    const [title, summary, body, word] = report.findings;
    expect(title!.message).toBe('Title: "国务院办公室" is wrong; the right form is "国务院办公厅"');
    expect(title!.messageZh).toBe('标题中“国务院办公室”为错误表述，应为“国务院办公厅”');
    expect(title!.detail).toMatchObject({ found: '国务院办公室', start: 0, end: 6 });
    expect(summary!.messageZh).toBe('摘要中“十九大”为错误表述，应为“党的十九大”');
    expect(body!.messageZh).toBe('正文中“人民政俯”为错误表述');
    expect(word!.message).toBe('Body: "六合彩" is a forbidden word');
    expect(word!.detail).toMatchObject({ excerpt: expect.stringContaining('购买六合彩') });
  });

  it('should find a term split by inline markup, and report it as written', async () => {
    const report = await checkRevision(news({ title: '购买六合彩！', bodyHtml: '<p>经国务院<strong>办公</strong>室同意</p>' }), deps());
    expect(report.findings.map((f) => f.detail?.found)).toEqual(['六合彩', '国务院办公室']);
    expect(report.findings[0]!.message).toBe('Title: "六合彩" is a forbidden word');
  });

  it('should block a policy document without its government-information metadata', async () => {
    const report = await checkRevision({ ...policy, documentNumber: null, issuingOrgan: ' ', dateWritten: undefined, validity: null, topicCategory: '' }, deps());
    expect(report.blocked).toBe(true);
    expect(report.findings.map((f) => [f.code, f.field])).toEqual([
      ['required_missing', 'documentNumber'], ['required_missing', 'issuingOrgan'], ['required_missing', 'dateWritten'],
      ['required_missing', 'validity'], ['required_missing', 'topicCategory'],
    ]);
    expect(report.findings[0]).toMatchObject({ message: 'Document number (发文字号) is required for a policy document', messageZh: '政策文件须填写发文字号' });
    expect(await checkRevision(policy, deps())).toMatchObject({ findings: [], blocked: false });
  });

  it('should require only the title for other column kinds', async () => {
    expect((await checkRevision(news({ columnKind: 'notice' }), deps())).findings).toEqual([]);
    const untitled = await checkRevision(news({ title: '  ' }), deps());
    expect(untitled.findings).toEqual([{ code: 'required_missing', severity: 'block', field: 'title', message: 'Title is required', messageZh: '请填写标题' }]);
  });

  it('should warn about images whose alt text is missing or empty, and check alt text for serious errors', async () => {
    const report = await checkRevision(news({
      bodyHtml: '<p><img src="/_files/a.png" alt="会场"><img src="/_files/b.png"><img src="/_files/c.png" alt="  "><img src="/_files/d.png" alt="六合彩广告"></p>',
    }), deps());
    expect(report.findings.map((f) => [f.code, f.severity, f.detail?.image])).toEqual([
      ['serious_error', 'block', 4],
      ['image_alt_missing', 'warn', 2],
      ['image_alt_missing', 'warn', 3],
    ]);
    expect(report.findings[1]).toMatchObject({ message: 'Image 2 has no alt text (screen readers cannot describe it)', detail: { src: '/_files/b.png' } });
  });

  it('should warn about internal links that lead nowhere, relative, root-relative or absolute to the site', async () => {
    const d = deps();
    const report = await checkRevision(news({
      pagePath: '/zwgk/tzgg/202611/t20261127_2.html',
      bodyHtml: `<p>
        <a href="t20261127_1.html#part2">同栏目</a>
        <a href="/zwgk/tzgg/?page=2">栏目</a>
        <a href="https://www.jx.gov.cn/zwgk/tzgg/202611/t20261127_1.html?from=home">绝对地址</a>
        <a href="../../gone.html">已删除</a>
        <a href="http://JX.gov.cn:8080/zwgk/%E9%80%9A%E7%9F%A5/">中文路径</a>
        <a href="/missing.html">甲</a><a href="/missing.html?x=1">乙</a>
        <a href="#top">页内</a><a href="mailto:ban@jx.gov.cn">邮件</a><a href="tel:12345">电话</a>
        <a href="/_files/0a1b.pdf">附件</a><a href="/">首页</a>
      </p>`,
    }), d);
    expect(report.blocked).toBe(false);
    expect(report.findings.map((f) => [f.code, f.severity, f.detail?.path, f.detail?.hrefs])).toEqual([
      ['dead_internal_link', 'warn', '/zwgk/gone.html', ['../../gone.html']],
      ['dead_internal_link', 'warn', '/zwgk/通知/', ['http://JX.gov.cn:8080/zwgk/%E9%80%9A%E7%9F%A5/']],
      ['dead_internal_link', 'warn', '/missing.html', ['/missing.html', '/missing.html?x=1']],
    ]);
    expect(report.findings[0]).toMatchObject({ message: 'Link to /zwgk/gone.html leads to no page of this site', messageZh: '站内链接 /zwgk/gone.html 指向的页面不存在' });
    // Each distinct path is asked once; attachments and the home page are not looked up.
    expect(d.asked).toEqual(['/zwgk/tzgg/202611/t20261127_1.html', '/zwgk/tzgg/', '/zwgk/gone.html', '/zwgk/通知/', '/missing.html']);
    expect(report.externalLinks).toEqual([]);
  });

  it('should accept an asynchronous path lookup', async () => {
    const report = await checkRevision(news({ bodyHtml: '<a href="/zwgk/tzgg/">x</a><a href="/nope/">y</a>' }), deps({
      internalPathExists: async (path) => existing.has(path),
    }));
    expect(report.findings.map((f) => f.detail?.path)).toEqual(['/nope/']);
  });

  it('should collect external links once each, without fragments, for the asynchronous checker', async () => {
    const report = await checkRevision(news({
      bodyHtml: `<a href="https://www.gov.cn/zhengce/content/2026-11/20/content_1.htm#a">国务院</a>
        <a href="https://www.gov.cn/zhengce/content/2026-11/20/content_1.htm">again</a>
        <a href="//www.nanchang.gov.cn/x?y=1">protocol-relative</a>
        <img src="http://img.example.com/a.jpg" alt="外部图片">`,
    }), deps());
    expect(report.findings).toEqual([]);
    expect(report.externalLinks).toEqual([
      'https://www.gov.cn/zhengce/content/2026-11/20/content_1.htm',
      'http://www.nanchang.gov.cn/x?y=1',
      'http://img.example.com/a.jpg',
    ]);
  });
});

describe('classifyLink', () => {
  const hosts = ['www.jx.gov.cn'];
  it.each([
    ['a.html', '/zwgk/tzgg/', { kind: 'internal', path: '/zwgk/tzgg/a.html' }],
    ['./a.html?q=1#f', '/zwgk/tzgg/x.html', { kind: 'internal', path: '/zwgk/tzgg/a.html' }],
    ['/b/', '/zwgk/', { kind: 'internal', path: '/b/' }],
    ['HTTPS://WWW.JX.GOV.CN/c', '/', { kind: 'internal', path: '/c' }],
    ['https://evil.example/www.jx.gov.cn', '/', { kind: 'external', url: 'https://evil.example/www.jx.gov.cn' }],
    ['https://www.jx.gov.cn.evil.example/', '/', { kind: 'external', url: 'https://www.jx.gov.cn.evil.example/' }],
    ['#x', '/', { kind: 'none' }],
    ['', '/', { kind: 'none' }],
    ['mailto:a@b.cn', '/', { kind: 'none' }],
    ['data:image/png;base64,AAAA', '/', { kind: 'none' }],
    ['http://[::1', '/', { kind: 'none' }],
  ])('should read %s on %s', (href, page, expected) => {
    expect(classifyLink(href, page, hosts)).toEqual(expected);
  });
});
