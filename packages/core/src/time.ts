/**
 * The platform zone (Asia/Shanghai) governs display, PubDate and URL dates (DESIGN.md, Time).
 * China has kept UTC+8 without daylight saving since 1991, so a fixed offset is exact for every
 * date the platform handles and avoids Intl work on the hot path.
 */
export const PLATFORM_TIME_ZONE = 'Asia/Shanghai';
const OFFSET_MS = 8 * 60 * 60 * 1000;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Calendar fields of an instant in the platform zone. */
export function zonedParts(date: Date): {
  year: number; month: number; day: number; hour: number; minute: number; second: number;
} {
  const d = new Date(date.getTime() + OFFSET_MS);
  return {
    year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(),
    hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(),
  };
}

/** Format an instant in the platform zone. Tokens: yyyy MM dd HH mm ss. */
export function formatZoned(date: Date, pattern: string): string {
  // The dates every list item and article shows, written out directly (a column page formats 20).
  if (pattern === 'yyyy-MM-dd' || pattern === 'yyyy-MM-dd HH:mm') {
    const d = new Date(date.getTime() + OFFSET_MS);
    const day = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
    return pattern === 'yyyy-MM-dd' ? day : `${day} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  }
  const p = zonedParts(date);
  return pattern
    .replace('yyyy', String(p.year))
    .replace('MM', pad(p.month))
    .replace('dd', pad(p.day))
    .replace('HH', pad(p.hour))
    .replace('mm', pad(p.minute))
    .replace('ss', pad(p.second));
}

/** The platform-zone calendar date of an instant, as `yyyy-MM-dd`. */
export function zonedDate(date: Date): string {
  return formatZoned(date, 'yyyy-MM-dd');
}

/** An instant from a platform-zone wall-clock time (`2019-03-05 10:20`); no offset means +08:00. */
export function fromZoned(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): Date {
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second) - OFFSET_MS);
}
