// Extraction without a profile's selectors (the readability-style fallback) on the real gov.cn
// pages of the corpus (../shared/corpus/gov-cn-html, read in place): the title, the body and
// the publish time a person would name.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { corpusPath } from '../corpus.fixture.js';
import { decodePage } from '../extract/decode.js';
import { parseProfile } from './mirror-profile.js';
import { extractArticle } from './page-extract.js';

const NO_SELECTORS = parseProfile("host: old.gov.cn\narticles: '.*'\ndefault_section: '1'\nsections: { '1': /a/ }");
const text = (html: string) => html.replace(/<[^>]+>/g, '').replace(/&nbsp;/g, ' ').replace(/\s+/g, '');

const PAGES: [string, string, string, string, string][] = [
  // file, title, a phrase from the body's start, one from its end, the publish time
  ['gne/fgw.zj.gov.cn__article__tests-gzggw-1.html', '1-10月德清县固定资产投资结构趋稳趋优', '全县固定资产投资完成246.79亿元', '（德清县发改局）', '2016-11-22 09:53'],
  ['gne/www.cmse.gov.cn__article__tests-cmse-1.html', '天宫一号与神舟九号载人交会对接任务第二场新闻发布会', '女士们、先生们：很高兴又一次和大家见面', '下面，我愿意回答大家的提问。', '2012-06-24'],
  ['gne/www.cmse.gov.cn__article__visiable_test-cmse-1.html', '载人航天工程全线备战空间站建造任务', '元旦佳节，当千家万户团聚喜迎新年时', '续写辉煌篇章！', '2021-01-05'],
  ['gne/www.shanxi.gov.cn__article__tests-shanxi-1.html', '山西品牌丝路行（南美站）正式启动', '跨越千山万水，行程近两万公里', '南美站活动将先后在巴西、乌拉圭、阿根廷举行。', '2019-09-18 06:23'],
  ['magic-html/www.kepu.gov.cn__article__4e55eac4.html', '习近平主持召开深入推进长三角一体化发展座谈会', '推动长三角一体化发展取得新的重大突破', '', '2023-12-01 14:43'],
  ['pingtan/t20110804_53774.excerpt.html', '平潭综合实验区管委会关于发布实施《平潭综合实验区2011年抗旱应急预案》的通知', '区防汛抗旱指挥部成员单位', '', '2011-08-04 08:00'],
];

describe('extractArticle without selectors', () => {
  it.each(PAGES)('%s', (file, title, start, end, time) => {
    const html = decodePage(readFileSync(corpusPath('gov-cn-html', ...file.split('/')))).text;
    const page = extractArticle(html, 'http://old.gov.cn/a.html', NO_SELECTORS)!;
    expect(page.title).toBe(title);
    const body = text(page.bodyHtml);
    expect(body).toContain(start);
    if (end) expect(body).toContain(end);
    expect(body).not.toMatch(/版权所有|备案序号|热门搜索/);
    expect(page.publishedAt?.text).toBe(time);
  });
});

describe('the readability-style fallback and page boilerplate', () => {
  it('should not take a footer that repeats its lines for the article, however long it is', () => {
    const paragraph = (n: number) => `<p>为进一步加强政府网站信息内容建设，切实提升政府网站权威性和影响力，现就有关事项通知如下（第${n}段）。</p>`;
    const html = `<html><head><title>关于开展专项检查的通知_某县</title></head><body><h1>关于开展专项检查的通知</h1><div class="info">发布时间：2019-01-01 10:00</div>
<div id="art">${[1, 2, 3, 4, 5, 6].map(paragraph).join('')}</div>
<div class="foot">${'<p>主办单位：某县人民政府办公室 网站标识码 9901210001 ICP备案号 公安备案号</p>'.repeat(180)}</div></body></html>`;
    const page = extractArticle(html, 'http://old.gov.cn/a.html', NO_SELECTORS)!;
    expect(text(page.bodyHtml)).toContain('（第1段）');
    expect(text(page.bodyHtml)).not.toContain('主办单位');
  });
});
