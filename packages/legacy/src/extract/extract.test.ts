// Dates, encodings and the government-information box against real gov.cn pages
// (../shared/corpus/gov-cn-html, read in place) and the forms pages write them in.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { corpusPath } from '../corpus.fixture.js';
import { findDates, findPublishTime, parseChineseDate, publishTimeFromMeta } from './chinese-date.js';
import { decodePage } from './decode.js';
import { readGovInfoBox } from './gov-info-box.js';

const page = (...p: string[]) => decodePage(readFileSync(corpusPath('gov-cn-html', ...p))).text;
/** The page's text as a DOM would give it, near enough for these readers. */
const text = (html: string) => html.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>|<!--[\s\S]*?-->/gi, ' ')
  .replace(/<[^>]+>/g, '\n').replace(/&ensp;|&nbsp;/g, ' ');
const iso = (d: { at: Date } | null) => d?.at.toISOString() ?? null;

describe('Chinese dates', () => {
  it('should read the usual forms, Beijing time when no offset is written', () => {
    expect(iso(parseChineseDate('2019年3月5日'))).toBe('2019-03-04T16:00:00.000Z');
    expect(iso(parseChineseDate('发布时间：2019-03-05 10:20'))).toBe('2019-03-05T02:20:00.000Z');
    expect(iso(parseChineseDate('2019年03月05日 10时20分'))).toBe('2019-03-05T02:20:00.000Z');
    expect(iso(parseChineseDate('2019/3/5'))).toBe('2019-03-04T16:00:00.000Z');
    expect(parseChineseDate('2019.03.05')?.date).toBe('2019-03-05');
    expect(parseChineseDate('二○一一年八月三日')?.date).toBe('2011-08-03');
    expect(parseChineseDate('二〇二三年十二月三十一日')?.date).toBe('2023-12-31');
    expect(parseChineseDate('2019-02-30')).toBeNull();
    expect(parseChineseDate('2018-05/03')).toBeNull();
    expect(findDates('自2019年3月5日起至2019年6月30日止').map((d) => d.date)).toEqual(['2019-03-05', '2019-06-30']);
  });

  it('should find the publish time of real pages: the labelled date, with its time when the page gives one', () => {
    expect(findPublishTime(text(page('pingtan', 't20110804_53774.excerpt.html')))?.text).toBe('2011-08-04 08:00'); // not 成文日期 2011-08-03
    expect(iso(findPublishTime(text(page('gne', 'www.shanxi.gov.cn__article__tests-shanxi-1.html'))))).toBe('2019-09-17T22:23:00.000Z');
    expect(iso(findPublishTime(text(page('magic-html', 'www.kepu.gov.cn__article__4e55eac4.html'))))).toBe('2023-12-01T06:43:00.000Z');
    expect(findPublishTime(text(page('gne', 'www.cmse.gov.cn__article__tests-cmse-1.html')))?.date).toBe('2012-06-24');
    expect(iso(publishTimeFromMeta(page('gne', 'fgw.zj.gov.cn__article__tests-gzggw-1.html')))).toBe('2016-11-22T01:53:00.000Z');
  });
});

describe('decodePage', () => {
  const gbk = Buffer.from('c8fdcaaebbfdb7d6', 'hex'); // 三十积分 in GBK
  it('should decode GBK as declared, as bytes show when undeclared or declared wrongly, and UTF-8', () => {
    expect(decodePage(Buffer.concat([Buffer.from('<meta charset="gb2312"><p>'), gbk]))).toMatchObject({ encoding: 'gb18030', text: expect.stringContaining('三十积分') });
    expect(decodePage(gbk, 'text/html; charset=GBK').text).toBe('三十积分');
    expect(decodePage(Buffer.concat([Buffer.from('<meta charset="utf-8">'), gbk])).encoding).toBe('gb18030');
    expect(decodePage(Buffer.from('<p>三十积分</p>'))).toEqual({ encoding: 'utf-8', text: '<p>三十积分</p>' });
    expect(decodePage(Buffer.from('\ufeff<p>中文</p>')).text).toBe('<p>中文</p>');
  });
});

describe('readGovInfoBox', () => {
  it('should read the 信息索引 box of a TRS document page, whatever pads its labels', () => {
    expect(readGovInfoBox(text(page('pingtan', 't20110804_53774.excerpt.html')))).toEqual({
      indexNumber: 'PZ00101-0200-2011-00002', topicCategory: '无', issuingOrgan: '平潭综合实验区管委会', dateWritten: '2011-08-03',
      title: '平潭综合实验区管委会关于发布实施《平潭综合实验区2011年抗旱应急预案》的通知', documentNumber: '闽岚综实管综〔2011〕38号',
      publishDate: '2011-08-04', validity: 'valid',
    });
  });
  it('should read a box written on lines of its own, and leave out what it does not have', () => {
    expect(readGovInfoBox('索 引 号：11360000014500000X/2019-00012\n发文字号：赣府字〔2019〕5号\n有 效 性：废止\n正文')).toMatchObject({
      indexNumber: '11360000014500000X/2019-00012', documentNumber: '赣府字〔2019〕5号', validity: 'repealed', issuingOrgan: null,
    });
  });
});
