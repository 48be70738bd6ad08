import { describe, expect, it } from 'vitest';
import { parseRange, parseVersion, satisfies } from './engine-range.js';

const ok = (range: string, version: string) => satisfies(parseVersion(version)!, parseRange(range)!);

describe('engine range', () => {
  it('should read carets as npm does, including below 1.0.0', () => {
    expect(ok('^0.1.0', '0.1.7')).toBe(true);
    expect(ok('^0.1.0', '0.2.0')).toBe(false);
    expect(ok('^1.2.3', '1.9.0')).toBe(true);
    expect(ok('^1.2.3', '2.0.0')).toBe(false);
    expect(ok('^0.0.3', '0.0.4')).toBe(false);
  });

  it('should read tildes, x-ranges, exact versions, comparators and alternatives', () => {
    expect(ok('~1.2.0', '1.2.9')).toBe(true);
    expect(ok('~1.2.0', '1.3.0')).toBe(false);
    expect(ok('1.x', '1.5.0')).toBe(true);
    expect(ok('0.1.*', '0.2.0')).toBe(false);
    expect(ok('*', '7.0.0')).toBe(true);
    expect(ok('0.1.0', '0.1.0')).toBe(true);
    expect(ok('>= 0.1.0 <1.0.0', '0.9.9')).toBe(true);
    expect(ok('>=0.1.0 <1.0.0', '1.0.0')).toBe(false);
    expect(ok('^2.0.0 || ^0.1.0', '0.1.3')).toBe(true);
  });

  it('should refuse what is outside the subset', () => {
    for (const bad of ['latest', '', '1.x.3', '>=1.2', '^a.b.c', '1.0.0 - 2.0.0']) expect(parseRange(bad)).toBeNull();
    expect(parseVersion('1.0')).toBeNull();
  });
});
