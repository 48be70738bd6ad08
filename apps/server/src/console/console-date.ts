import { invalid } from '@zhanqun/core/errors';
import { formatZoned, fromZoned } from '@zhanqun/core/time';
import { text, type FormBody } from './console-form.js';

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A `yyyy-MM-dd` calendar day (as `<input type="date">` sends it), or null when malformed. */
export function parseDay(value: string): { year: number; month: number; day: number } | null {
  const m = DAY.exec(value.trim());
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // Round-trip through the platform zone, so 2026-02-30 is refused rather than rolled over.
  if (month < 1 || month > 12 || day < 1 || formatZoned(fromZoned(year, month, day), 'yyyy-MM-dd') !== value.trim()) return null;
  return { year, month, day };
}

/** The first instant of a day in the platform zone (Asia/Shanghai). */
export function startOfDay(value: string): Date | null {
  const d = parseDay(value);
  return d ? fromZoned(d.year, d.month, d.day) : null;
}

/** The end of a day in the platform zone: the first instant of the next day (exclusive). */
export function endOfDay(value: string): Date | null {
  const d = parseDay(value);
  return d ? fromZoned(d.year, d.month, d.day + 1) : null;
}

/**
 * An optional date field meaning "valid through this day" (contract ends, grant and token
 * expiries): the end of that day in the platform zone, or null when left empty.
 */
export function throughDay(body: FormBody, name: string): Date | null {
  const v = text(body, name);
  if (!v) return null;
  const at = endOfDay(v);
  if (!at) throw invalid(name, 'must be a date');
  return at;
}

/** An instant as the console shows it, in the platform zone. */
export function shown(date: Date | null | undefined): string {
  return date ? formatZoned(date, 'yyyy-MM-dd HH:mm') : '';
}

/** The calendar day (platform zone) on which a "through this day" instant ends. */
export function lastDay(date: Date): string {
  return formatZoned(new Date(date.getTime() - 1), 'yyyy-MM-dd');
}

/** The end of a validity as people say it: a day's end is `yyyy-MM-dd 24:00`, not the next day's 00:00. */
export function shownUntil(date: Date | null | undefined): string {
  if (!date) return '';
  const at = formatZoned(date, 'yyyy-MM-dd HH:mm:ss');
  return at.endsWith(' 00:00:00') ? `${lastDay(date)} 24:00` : at.slice(0, 16);
}
