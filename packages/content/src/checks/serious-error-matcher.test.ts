import { describe, expect, it } from 'vitest';
import { SeriousErrorMatcher, type SeriousErrorTerm } from './serious-error-matcher.js';

let seq = 0;
const wrong = (term: string, correction: string | null): SeriousErrorTerm => ({ id: `t${++seq}`, term, correction, kind: 'wrong_form' });
const forbidden = (term: string): SeriousErrorTerm => ({ id: `t${++seq}`, term, correction: null, kind: 'forbidden' });

/** What the console would highlight: the original text of each match, with its term. */
const shown = (m: SeriousErrorMatcher, text: string) => m.find(text).map((x) => [text.slice(x.start, x.end), x.term]);

describe('SeriousErrorMatcher', () => {
  it('should find nothing with an empty list, and nothing in an empty text', () => {
    const empty = new SeriousErrorMatcher([]);
    expect(empty.size).toBe(0);
    expect(empty.find('国务院办公厅关于印发通知')).toEqual([]);
    expect(new SeriousErrorMatcher([forbidden('赌博')]).find('')).toEqual([]);
  });

  it('should ignore terms that are empty after normalisation', () => {
    const m = new SeriousErrorMatcher([forbidden('  '), forbidden('\u200b'), forbidden('赌博')]);
    expect(m.size).toBe(1);
    expect(shown(m, '严禁 赌博')).toEqual([['赌博', '赌博']]);
  });

  it('should return the term, its correction, its kind and UTF-16 offsets', () => {
    const t = wrong('国务院办公室', '国务院办公厅');
    const m = new SeriousErrorMatcher([t]);
    expect(m.find('经国务院办公室同意，')).toEqual([
      { termId: t.id, term: '国务院办公室', correction: '国务院办公厅', kind: 'wrong_form', start: 1, end: 7 },
    ]);
  });

  it('should find every occurrence, and terms next to each other', () => {
    const m = new SeriousErrorMatcher([forbidden('赌博'), forbidden('诈骗')]);
    expect(shown(m, '赌博诈骗，再赌博')).toEqual([['赌博', '赌博'], ['诈骗', '诈骗'], ['赌博', '赌博']]);
  });

  it('should prefer the leftmost, then the longest, of overlapping terms', () => {
    const m = new SeriousErrorMatcher([forbidden('中华'), forbidden('华人民'), forbidden('人民共和国'), forbidden('中华人')]);
    // 中华人 (leftmost and longest at 0) wins; 华人民 overlaps it; 人民共和国 overlaps too; nothing else is left.
    expect(shown(m, '中华人民共和国')).toEqual([['中华人', '中华人']]);
    expect(m.findAll('中华人民共和国').map((x) => x.term)).toEqual(['中华人', '中华', '华人民', '人民共和国']);
  });

  it('should handle terms that are prefixes or suffixes of others', () => {
    const m = new SeriousErrorMatcher([forbidden('法轮'), forbidden('法轮功'), forbidden('轮功'), forbidden('功')]);
    expect(shown(m, '法轮功')).toEqual([['法轮功', '法轮功']]);
    expect(shown(m, '法轮')).toEqual([['法轮', '法轮']]);
    expect(shown(m, '轮功练功')).toEqual([['轮功', '轮功'], ['功', '功']]);
    // A suffix reached only through a failure link, after a longer term ran out.
    const n = new SeriousErrorMatcher([forbidden('abcd'), forbidden('bc')]);
    expect(shown(n, 'abce')).toEqual([['bc', 'bc']]);
  });

  it('should match full-width letters and digits and any case, with offsets into the original', () => {
    const m = new SeriousErrorMatcher([wrong('2O26年', '2026年'), forbidden('VPN翻墙')]);
    const text = '请于２Ｏ２６年前停用ｖｐｎ翻墙工具';
    expect(shown(m, text)).toEqual([['２Ｏ２６年', '2O26年'], ['ｖｐｎ翻墙', 'VPN翻墙']]);
    // And a full-width term finds half-width text.
    expect(shown(new SeriousErrorMatcher([forbidden('ＶＰＮ')]), 'a vpn.')).toEqual([['vpn', 'ＶＰＮ']]);
  });

  it('should keep offsets right after emoji and other surrogate pairs, and match terms containing them', () => {
    const m = new SeriousErrorMatcher([forbidden('赌博'), forbidden('𠮷野家')]);
    const text = '👍🏻好消息😀赌博𠮷野家';
    const found = m.find(text);
    expect(found.map((x) => [x.start, x.end])).toEqual([[9, 11], [11, 15]]); // 👍 🏻 and 😀 are two code units each
    expect(found.map((x) => text.slice(x.start, x.end))).toEqual(['赌博', '𠮷野家']);
  });

  it('should see through invisible characters and whitespace runs, and cover them in the offsets', () => {
    const m = new SeriousErrorMatcher([forbidden('赌博'), wrong('Xi  Jinping', null)]);
    expect(shown(m, '聚众赌\u200b博')).toEqual([['赌\u200b博', '赌博']]);
    expect(shown(m, 'xi\u3000\n jinping')).toEqual([['xi\u3000\n jinping', 'Xi  Jinping']]);
    expect(m.find('赌 博')).toEqual([]);
  });

  it('should not flag the right form when a wrong form contains it (国务院办公厅厅)', () => {
    const m = new SeriousErrorMatcher([wrong('国务院办公厅厅', '国务院办公厅')]);
    expect(m.find('国务院办公厅印发')).toEqual([]);
    expect(shown(m, '国务院办公厅厅印发')).toEqual([['国务院办公厅厅', '国务院办公厅厅']]);
  });

  it('should not flag a wrong form written inside its own right form (十九大 → 党的十九大)', () => {
    const m = new SeriousErrorMatcher([wrong('十九大', '党的十九大'), forbidden('党的')]);
    expect(shown(m, '学习党的十九大精神')).toEqual([['党的', '党的']]);
    expect(shown(m, '学习十九大精神')).toEqual([['十九大', '十九大']]);
    // Another term overlapping the right form does not expose the shielded one.
    const n = new SeriousErrorMatcher([wrong('十九大', '党的十九大'), forbidden('习党')]);
    expect(shown(n, '学习党的十九大')).toEqual([['习党', '习党']]);
    // A right form that does not contain the wrong form shields nothing.
    const o = new SeriousErrorMatcher([wrong('十九大', '第十九次全国代表大会'), forbidden('zz')]);
    expect(shown(o, '党的十九大')).toEqual([['十九大', '十九大']]);
  });

  it('should report both of two terms that normalise the same only once at a position', () => {
    const a = forbidden('ABC');
    const b = forbidden('ａｂｃ');
    const m = new SeriousErrorMatcher([a, b]);
    expect(m.find('xabcx').map((x) => x.termId)).toEqual([a.id]);
    expect(m.findAll('xabcx').map((x) => x.termId)).toEqual([a.id, b.id]);
  });
});
