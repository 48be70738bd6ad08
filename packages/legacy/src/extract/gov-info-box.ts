/**
 * The government-information box (政府信息公开 信息索引) of a legacy document page: 索引号, 主题分类,
 * 发文机关, 成文日期, 标题, 发文字号, 发布日期, 有效性 — read from the page's text, whatever spacing
 * pads the labels (索&ensp;引&ensp;号：, 有 效 性：) and whatever markup surrounds the values.
 * Pure: the caller gives the text of the page (or of the box, when a profile names it).
 */
import type { Validity } from '@zhanqun/db/database';
import { parseChineseDate } from './chinese-date.js';

export interface GovInfoBox {
  indexNumber: string | null;
  topicCategory: string | null;
  issuingOrgan: string | null;
  /** 成文日期, `yyyy-MM-dd`. */
  dateWritten: string | null;
  title: string | null;
  documentNumber: string | null;
  /** 发布日期, `yyyy-MM-dd` (the time, when written, is the article's publish time). */
  publishDate: string | null;
  validity: Validity | null;
}

type Field = keyof GovInfoBox;

/** Labels as the common CMS templates write them (TRS, Hanweb, …), each character padded or not. */
const LABELS: [Field, string[]][] = [
  ['indexNumber', ['索引号']],
  ['topicCategory', ['主题分类', '主题词']],
  ['issuingOrgan', ['发文机关', '发布机构', '发文单位', '发布单位']],
  ['dateWritten', ['成文日期', '成文时间']],
  ['title', ['标题', '文件名称']],
  ['documentNumber', ['发文字号', '文号']],
  ['publishDate', ['发布日期', '发布时间']],
  ['validity', ['有效性', '时效性', '效力状态']],
];

const PAD = '[\\s\\u2002\\u2003\\u3000\\u00a0]*';
const label = (word: string) => [...word].join(PAD);
const ALL = LABELS.flatMap(([field, words]) => words.map((w) => ({ field, re: label(w) })));
// Longer labels first, so 发布日期 is not read as 发布 + something, nor 主题分类 as 分类.
ALL.sort((a, b) => b.re.length - a.re.length);
const ANY_LABEL = new RegExp(`(${ALL.map((l) => l.re).join('|')})${PAD}[:：]`, 'g');

const VALIDITY: [RegExp, Validity][] = [[/^(?:有效|现行有效|现行|生效)$/, 'valid'], [/^(?:已修改|修订|已修订|部分失效)$/, 'amended'], [/^(?:失效|废止|已废止|已失效|无效)$/, 'repealed']];

function fieldOf(matchedLabel: string): Field | null {
  const bare = matchedLabel.replace(new RegExp(PAD, 'g'), '');
  for (const [field, words] of LABELS) if (words.includes(bare)) return field;
  return null;
}

/** Read the box from a page's text; fields not found are null. */
export function readGovInfoBox(text: string): GovInfoBox {
  const box: GovInfoBox = { indexNumber: null, topicCategory: null, issuingOrgan: null, dateWritten: null, title: null, documentNumber: null, publishDate: null, validity: null };
  const normalised = text.replace(/&ensp;|&emsp;|&nbsp;/g, ' ');
  const hits = [...normalised.matchAll(ANY_LABEL)];
  hits.forEach((m, i) => {
    const field = fieldOf(m[1]!);
    if (!field || box[field] !== null) return; // the first box on the page counts
    const end = hits[i + 1]?.index ?? Math.min(normalised.length, m.index + m[0].length + 300);
    const value = normalised.slice(m.index + m[0].length, end).split('\n').map((l) => l.trim()).filter(Boolean).join(' ').trim();
    if (!value || value === '无' && field !== 'topicCategory') return;
    switch (field) {
      case 'dateWritten':
      case 'publishDate':
        box[field] = parseChineseDate(value)?.date ?? null;
        break;
      case 'validity':
        box.validity = VALIDITY.find(([re]) => re.test(value.split(/\s/)[0]!))?.[1] ?? null;
        break;
      default:
        box[field] = value.length > 200 ? null : value;
    }
  });
  return box;
}
