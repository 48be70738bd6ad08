/**
 * Dates as Chinese government pages write them (issue 7, Extract): 2019年3月5日, 2019年03月05日
 * 10:20, 2019-03-05 10:20:30, 2019/3/5, 2019.03.05, and in Chinese numerals 二○一一年八月三日 (the
 * signing date under a document). A time without an offset is Beijing time (+08:00, DESIGN.md
 * Time). Pure.
 */
import { fromZoned } from '@zhanqun/core/time';

export interface FoundDate {
  /** The instant (midnight Beijing time when only a date is written). */
  at: Date;
  /** `yyyy-MM-dd` as written. */
  date: string;
  /** Whether a time of day was written. */
  hasTime: boolean;
  /** The text matched. */
  text: string;
}

const DIGITS: Record<string, number> = { '〇': 0, '○': 0, 'Ｏ': 0, '零': 0, '一': 1, '二': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9 };
const CN = '[〇○Ｏ零一二三四五六七八九十]';

const ARABIC = /(\d{4})\s*(?:年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日|([-/.])(\d{1,2})\4(\d{1,2})(?!\d))(?:\s*(\d{1,2})[:：时](\d{2})(?:[:：分](\d{2}))?)?/g;
const CHINESE = new RegExp(`(${CN}{4})年(${CN}{1,3})月(${CN}{1,3})日`, 'g');

/** 二○一一 → 2011; 十二 → 12; 二十三 → 23; 三十一 → 31. */
function chineseNumber(s: string, positional: boolean): number | null {
  if (positional) {
    const digits = [...s].map((c) => DIGITS[c]);
    return digits.every((d) => d !== undefined) ? Number(digits.join('')) : null;
  }
  if (!s.includes('十')) return s.length === 1 ? DIGITS[s] ?? null : null;
  const m = /^([一二三])?十([一二三四五六七八九])?$/.exec(s);
  if (!m) return null;
  return (m[1] ? DIGITS[m[1]]! : 1) * 10 + (m[2] ? DIGITS[m[2]]! : 0);
}

function make(y: number, mo: number, d: number, h: number | null, mi: number | null, s: number | null, text: string): FoundDate | null {
  if (y < 1949 || y > 2100 || mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  if (h !== null && (h > 23 || (mi ?? 0) > 59 || (s ?? 0) > 59)) return null;
  const at = fromZoned(y, mo, d, h ?? 0, mi ?? 0, s ?? 0);
  // 2月30日 and the like roll over in Date: refuse them.
  if (new Date(at.getTime() + 8 * 3600_000).getUTCDate() !== d) return null;
  const date = `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  return { at, date, hasTime: h !== null, text };
}

/** Every date in a text, in order of appearance. */
export function findDates(text: string): FoundDate[] {
  const found: { index: number; date: FoundDate }[] = [];
  for (const m of text.matchAll(ARABIC)) {
    const [y, mo, d] = [m[1], m[2] ?? m[5], m[3] ?? m[6]].map(Number) as [number, number, number];
    const date = make(y, mo, d, m[7] ? Number(m[7]) : null, m[8] ? Number(m[8]) : null, m[9] ? Number(m[9]) : null, m[0].trim());
    if (date) found.push({ index: m.index, date });
  }
  for (const m of text.matchAll(CHINESE)) {
    const y = chineseNumber(m[1]!, true);
    const mo = chineseNumber(m[2]!, false);
    const d = chineseNumber(m[3]!, false);
    const date = y && mo && d ? make(y, mo, d, null, null, null, m[0]) : null;
    if (date) found.push({ index: m.index, date });
  }
  return found.sort((a, b) => a.index - b.index).map((f) => f.date);
}

/** One date written alone (a field's value); null when the text holds none. */
export function parseChineseDate(text: string): FoundDate | null {
  return findDates(text)[0] ?? null;
}

// 成文日期 is the date a document was signed, not published.
const PUBLISH_LABEL = /(?<!成文)(?:发布时间|发布日期|发布于|发表时间|更新时间|时间|日期)\s*[:：]?\s*/g;

/**
 * The publish time of an article page's text: the first date right after a label such as
 * 发布时间：; when that date has no time and the page writes the same day with one elsewhere
 * (时间：2011-08-04 08:00 under a box saying 发布日期：2011-08-04), that time. Without a label,
 * the first date with a time, else the first date.
 */
export function findPublishTime(text: string): FoundDate | null {
  const all = findDates(text);
  let labelled: FoundDate | null = null;
  for (const m of text.matchAll(PUBLISH_LABEL)) {
    const after = text.slice(m.index + m[0].length, m.index + m[0].length + 40);
    const date = parseChineseDate(after);
    if (date && after.indexOf(date.text) < 3) {
      labelled = date;
      break;
    }
  }
  if (labelled) return labelled.hasTime ? labelled : all.find((d) => d.hasTime && d.date === labelled.date) ?? labelled;
  return all.find((d) => d.hasTime) ?? all[0] ?? null;
}

const META_PUBLISH = /<meta\s+[^>]*name\s*=\s*["']?(?:PubDate|publishdate|firstpublishedtime|ArticlePubDate|pubtime)["']?[^>]*>/gi;

/** The publish time a page's <meta> states (TRS and Hanweb templates write PubDate), if any. */
export function publishTimeFromMeta(html: string): FoundDate | null {
  for (const m of html.matchAll(META_PUBLISH)) {
    const content = /content\s*=\s*["']([^"']+)["']/i.exec(m[0])?.[1];
    const date = content ? parseChineseDate(content) : null;
    if (date) return date;
  }
  return null;
}
