import { describe, expect, it } from 'vitest';
import { asciiFallback, contentDisposition, encodeRfc5987 } from './content-disposition.js';

/** RFC 5987 attr-char, the only characters allowed unencoded in an ext-value. */
const ATTR_CHAR = /^[A-Za-z0-9!#$&+\-.^_`|~]$/;

/** A byte-by-byte reference encoding, independent of encodeURIComponent. */
function reference(value: string): string {
  return [...Buffer.from(value, 'utf8')].map((b) => {
    const c = String.fromCharCode(b);
    return b < 0x80 && ATTR_CHAR.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
}

const parse = (header: string) => /^(attachment|inline); filename="([^"\\]*)"; filename\*=UTF-8''([A-Za-z0-9!#$&+\-.^_`|~%]*)$/.exec(header);

describe('contentDisposition', () => {
  it('should send a Chinese name as RFC 5987 filename* with an ASCII fallback keeping the extension', () => {
    const name = '关于印发《2026年工作要点》的通知.pdf';
    const header = contentDisposition(name, 'attachment');
    expect(header).toBe(`attachment; filename="_2026_.pdf"; filename*=UTF-8''${reference(name)}`);
    expect(header).toContain("filename*=UTF-8''%E5%85%B3%E4%BA%8E%E5%8D%B0%E5%8F%91%E3%80%8A2026");
    const [, , fallback, encoded] = parse(header)!;
    expect(fallback).toBe('_2026_.pdf');
    expect(decodeURIComponent(encoded!)).toBe(name);
  });

  it('should default to attachment and offer inline for images', () => {
    expect(contentDisposition('report.pdf')).toBe(`attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`);
    expect(contentDisposition('图表.png', 'inline')).toBe(`inline; filename="_.png"; filename*=UTF-8''%E5%9B%BE%E8%A1%A8.png`);
  });

  it.each([
    'a "quoted" name.pdf',
    'back\\slash.pdf',
    'line\r\nSet-Cookie: x=1.pdf',
    "it's (draft) *final* 100%.docx",
    'tab\there; filename="evil.html".pdf',
    'emoji 📄 file.pdf',
    'lone \uD800 surrogate.pdf',
    '通知',
  ])('should keep the header well-formed for %j', (name) => {
    const header = contentDisposition(name);
    const parsed = parse(header);
    expect(parsed).not.toBeNull();
    expect(header).not.toMatch(/[\r\n\t]/);
    expect(parsed![2]).toMatch(/^[\x20-\x7e]*$/);
    expect(decodeURIComponent(parsed![3]!)).toBe(name.replace(/\p{Cs}/gu, '\uFFFD')); // lone surrogates only
  });

  it('should encode exactly the characters outside attr-char', () => {
    const all = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).join('') + '政务公开';
    expect(encodeRfc5987(all)).toBe(reference(all));
  });

  it('should collapse unsafe runs to one underscore and never leave the base name empty', () => {
    expect(asciiFallback('政府信息公开年度报告.xlsx')).toBe('_.xlsx');
    expect(asciiFallback('2026年第1季度.doc')).toBe('2026_1_.doc');
    expect(asciiFallback('"\\%.pdf')).toBe('_.pdf');
    expect(asciiFallback('plain name.zip')).toBe('plain name.zip');
  });
});
