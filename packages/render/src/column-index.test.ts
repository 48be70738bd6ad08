import { describe, expect, it } from 'vitest';
import type { SiteColumnRow } from '@zhanqun/db/database';
import { columnIndex } from './column-index.js';

const col = (id: string, path: string, parent: string | null, status = 'open') => ({ id, path, parent_id: parent, status, name: id }) as unknown as SiteColumnRow;

describe('columnIndex', () => {
  const columns = [
    col('xw', '/xwdt/', null), col('yw', '/xwdt/yw/', 'xw'), col('old', '/xwdt/old/', 'xw', 'closed'),
    col('zw', '/zwgk/', null), col('gone', '/gone/', null, 'closed'), col('en', '/en/', null), col('en-news', '/en/news/', 'en'),
  ];
  const index = columnIndex(columns, ['en']);

  it('should answer as the walks over the columns did', () => {
    expect(index.byId('old')?.path).toBe('/xwdt/old/');
    expect(index.byPath('/gone/')?.id).toBe('gone');
    expect(index.openByPath('/gone/')).toBeUndefined();
    expect(index.openChildren('xw').map((c) => c.id)).toEqual(['yw']);
    expect(index.openChildren('yw')).toEqual([]);
    expect(index.channels.map((c) => c.id)).toEqual(['xw', 'zw']); // open, top level, not the /en/ root
    expect(index.isLocaleRoot('/en/')).toBe(true);
    expect(index.isLocaleRoot('/en/news/')).toBe(false);
    expect(index.trail(columns[1]!).map((c) => c.id)).toEqual(['xw', 'yw']);
    expect(index.trail(columns[6]!).map((c) => c.id)).toEqual(['en-news']); // the language root is left out
  });

  it('should be built once per columns array, and again for other locales', () => {
    expect(columnIndex(columns, ['en'].slice())).not.toBe(index); // another locales array: built again
    const locales = ['fr'];
    const fr = columnIndex(columns, locales);
    expect(columnIndex(columns, locales)).toBe(fr);
    expect(fr.channels.map((c) => c.id)).toEqual(['xw', 'zw', 'en']);
    expect(columnIndex([...columns], locales)).not.toBe(fr);
  });
});
