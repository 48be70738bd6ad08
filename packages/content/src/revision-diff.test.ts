import { describe, expect, it } from 'vitest';
import { diffRevisions, diffSequences, type DiffPart } from './revision-diff.js';

const side = (parts: readonly DiffPart[], keep: 'add' | 'del'): string =>
  parts.filter((p) => p.op === 'same' || p.op === keep).map((p) => p.text).join('');

describe('diffRevisions', () => {
  it('should segment Chinese by words, not compare whole strings', () => {
    expect(diffRevisions('省政府召开常务会议', '省政府召开全体会议')).toEqual([
      { op: 'same', text: '省政府召开' },
      { op: 'del', text: '常务' },
      { op: 'add', text: '全体' },
      { op: 'same', text: '会议' },
    ]);
  });

  it('should give one same part for identical texts and nothing for two empty ones', () => {
    expect(diffRevisions('关于开展检查的通知', '关于开展检查的通知')).toEqual([{ op: 'same', text: '关于开展检查的通知' }]);
    expect(diffRevisions('', '')).toEqual([]);
  });

  it('should keep whitespace and punctuation so both texts can be rebuilt', () => {
    const a = '各单位：\n  现将《通知》印发给你们，请认真贯彻执行。\nHello world.';
    const b = '各区县、各单位：\n  现将《实施方案》印发给你们，请结合实际认真执行。\nHello, world!';
    const parts = diffRevisions(a, b);
    expect(side(parts, 'del')).toBe(a);
    expect(side(parts, 'add')).toBe(b);
    for (let i = 1; i < parts.length; i++) expect(parts[i]!.op).not.toBe(parts[i - 1]!.op);
    expect(parts).toContainEqual({ op: 'del', text: '通知' });
    expect(parts).toContainEqual({ op: 'add', text: '实施方案' });
  });

  it('should handle additions to and deletions from empty texts', () => {
    expect(diffRevisions('', '新增内容')).toEqual([{ op: 'add', text: '新增内容' }]);
    expect(diffRevisions('删除内容', '')).toEqual([{ op: 'del', text: '删除内容' }]);
  });

  it('should find a shortest edit script on token arrays', () => {
    const parts = diffSequences('ABCABBA'.split(''), 'CBABAC'.split(''))!;
    expect(parts.filter((p) => p.op !== 'same')).toHaveLength(5);
    expect(parts.filter((p) => p.op !== 'add').map((p) => p.text).join('')).toBe('ABCABBA');
    expect(parts.filter((p) => p.op !== 'del').map((p) => p.text).join('')).toBe('CBABAC');
  });

  it('should fall back to lines beyond the segment cap and still rebuild both texts', () => {
    const line = (i: number): string => `第${i}条 省政府召开常务会议，研究部署有关工作。\n`;
    const a = Array.from({ length: 2500 }, (_, i) => line(i)).join('');
    const b = a.replace(line(1200), '第1200条 省政府召开全体会议。\n');
    const parts = diffRevisions(a, b);
    expect(side(parts, 'del')).toBe(a);
    expect(side(parts, 'add')).toBe(b);
    expect(parts.filter((p) => p.op === 'del')).toEqual([{ op: 'del', text: line(1200) }]);
  });
});
