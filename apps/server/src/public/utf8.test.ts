import { describe, expect, it } from 'vitest';
import { utf8Bytes } from './utf8.js';

describe('utf8Bytes', () => {
  it('should give the bytes Buffer.from gives, for every kind of text and size', () => {
    const samples = [
      '', 'plain ascii', '政府信息公开 — “引号” 𠀀𝄞 emoji 🇨🇳', 'é'.repeat(70_000), '中'.repeat(87_381), '中'.repeat(87_382), 'a'.repeat(300_000),
      '\ud800 lone surrogates \udc00', // written as U+FFFD, as Buffer.from writes them
    ];
    for (const text of samples) expect(utf8Bytes(text).equals(Buffer.from(text, 'utf8'))).toBe(true);
  });

  it('should hand out a Buffer of its own each time, never the scratch space', () => {
    const a = utf8Bytes('第一页');
    const b = utf8Bytes('第二页');
    utf8Bytes('覆盖'.repeat(5_000)); // the scratch space written over
    expect(a.toString()).toBe('第一页');
    expect(b.toString()).toBe('第二页');
    expect(a.byteLength).toBe(Buffer.byteLength('第一页'));
  });
});
