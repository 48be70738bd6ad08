import { describe, expect, it } from 'vitest';
import { chunks, parseImportCsv } from './csv-import.js';

describe('import CSV', () => {
  it('should give each record the line it starts on, past BOMs, CRLF, empty lines and multi-line fields', () => {
    const r = parseImportCsv('\uFEFFCode, Name\r\na,b\r\n\r\n"x\r\ny",3\r\n4\r\n5,6', ['code', 'name', 'kind'], ['code']);
    expect(r.records).toEqual([
      { line: 2, values: { code: 'a', name: 'b', kind: '' } },
      { line: 4, values: { code: 'x\ny', name: '3', kind: '' } },
      { line: 7, values: { code: '5', name: '6', kind: '' } },
    ]);
    expect(r.errors).toEqual([{ line: 6, field: 'csv', message: 'has 1 fields, the header has 2' }]);
    expect(r.fatal).toBe(false);
  });

  it('should refuse unknown, repeated and missing columns, and broken quoting', () => {
    expect(parseImportCsv('code,nme,code\n', ['code', 'name'], ['name']).errors.map((e) => e.field)).toEqual(['nme', 'code', 'name']);
    expect(parseImportCsv('code\n"a\n', ['code'], []).errors).toMatchObject([{ line: 2, field: 'csv' }]);
    expect(parseImportCsv('', ['code'], []).fatal).toBe(true);
  });

  it('should split rows into chunks', () => {
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
  });
});
