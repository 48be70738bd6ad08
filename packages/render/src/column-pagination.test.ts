import { describe, expect, it } from 'vitest';
import { columnPagination } from './theme-context.js';

describe('column pages numbered from the oldest end', () => {
  it('should show everything on one page below two blocks', () => {
    expect(columnPagination(0, Number.NaN)).toMatchObject({ pages: 1, block: null, label: 1, frontItems: 0, newer: undefined, older: undefined });
    expect(columnPagination(19, 5)).toMatchObject({ pages: 1, block: null, frontItems: 19, older: undefined });
    expect(columnPagination(39, 1)).toMatchObject({ pages: 1, block: null, frontItems: 39, older: undefined });
  });

  it('should cut older items into blocks from the oldest end and label pages from the newest', () => {
    // 2,010 items: 100 blocks; the column's page holds the newest block and the 10 newer ones.
    const front = columnPagination(2010, Number.NaN); // no ?page
    expect(front).toMatchObject({ pages: 100, block: null, label: 1, frontItems: 30, newer: undefined, older: 99 });
    expect(columnPagination(2010, 99)).toMatchObject({ block: 99, label: 2, newer: null, older: 98 });
    expect(columnPagination(2010, 1)).toMatchObject({ block: 1, label: 100, newer: 2, older: undefined });
  });

  it('should keep a block\'s number as items arrive, only its label moves', () => {
    for (const n of [2010, 2011, 2029, 2030, 2049]) {
      const oldest = columnPagination(n, 1);
      expect(oldest.block).toBe(1);
      expect(oldest.label).toBe(Math.floor(n / 20));
      expect(oldest.older).toBeUndefined();
    }
  });

  it('should answer out-of-range and odd page numbers with the column\'s own page', () => {
    for (const asked of [0, -3, 100, 101, 1e6, 2.5, Number.NaN]) expect(columnPagination(2010, asked).block).toBeNull();
  });
});
