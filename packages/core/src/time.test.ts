import { describe, expect, it } from 'vitest';
import { formatZoned, fromZoned, zonedDate } from './time.js';

describe('platform-zone time', () => {
  it('should format instants as Beijing wall-clock time, across a day and a year boundary', () => {
    const late = new Date('2026-12-31T16:05:09Z'); // 2027-01-01 00:05:09 in Beijing
    expect(formatZoned(late, 'yyyy-MM-dd')).toBe('2027-01-01');
    expect(formatZoned(late, 'yyyy-MM-dd HH:mm')).toBe('2027-01-01 00:05');
    expect(formatZoned(late, 'yyyy-MM-dd HH:mm:ss')).toBe('2027-01-01 00:05:09');
    expect(formatZoned(late, 'yyyyMMdd')).toBe('20270101');
    expect(formatZoned(new Date('2026-03-05T02:20:00Z'), 'yyyy-MM-dd HH:mm')).toBe('2026-03-05 10:20');
    expect(zonedDate(new Date('2026-11-27T15:59:59Z'))).toBe('2026-11-27');
  });

  it('should give the same answers on the direct paths as the general one', () => {
    // The general path, reached with a pattern the direct paths do not take, spelled the same way.
    const general = (d: Date, pattern: string) => formatZoned(d, `${pattern}|`).slice(0, -1);
    for (let t = Date.UTC(1999, 0, 1); t < Date.UTC(2031, 0, 1); t += 37 * 3_600_000 + 61_000) {
      const d = new Date(t);
      expect(formatZoned(d, 'yyyy-MM-dd')).toBe(general(d, 'yyyy-MM-dd'));
      expect(formatZoned(d, 'yyyy-MM-dd HH:mm')).toBe(general(d, 'yyyy-MM-dd HH:mm'));
    }
    expect(formatZoned(fromZoned(2026, 2, 28, 23, 59), 'yyyy-MM-dd HH:mm')).toBe('2026-02-28 23:59');
  });
});
