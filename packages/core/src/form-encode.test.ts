import { describe, expect, it } from 'vitest';
import { formEncode } from './form-encode.js';

describe('formEncode', () => {
  it('should encode as URLSearchParams does, whatever the text', () => {
    const texts = [
      '', 'plain', 'a b  c', '关于印发《2026年政务公开工作要点》的通知 - 安和县人民政府', "!'()~*-._", '&=+?#/%:@;,$',
      'https://www.anhe.gov.cn/xwdt/yw/202611/t20261127_1.html?x=1&y=2#top', 'emoji 😀 and \u0000\u001f\u007f', 'lone \ud800 high', 'lone \udc00 low',
      'tab\tnew\nline\r', 'ＡＢＣ　全角', String.fromCharCode(...Array.from({ length: 128 }, (_, i) => i)),
    ];
    for (const url of texts) {
      for (const title of texts) {
        expect(formEncode({ url, title })).toBe(new URLSearchParams({ url, title }).toString());
      }
    }
    expect(formEncode({})).toBe('');
    expect(formEncode({ 'q uery': 'x' })).toBe('q+uery=x');
  });
});
