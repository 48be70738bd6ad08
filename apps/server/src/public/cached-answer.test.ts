import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { rawHeader } from './cached-answer.js';

// A hit reads its headers from the raw list (rawHeader), as Node's req.headers would give them.
describe('rawHeader', () => {
  const req = (rawHeaders: string[]) => ({ rawHeaders }) as unknown as IncomingMessage;

  it('should match names in any case, join repeats as Node does, and keep the first when asked', () => {
    const r = req(['HOST', 'a.gov.cn', 'Accept-Encoding', 'gzip', 'If-None-Match', '"x"', 'accept-encoding', 'br', 'Host', 'b.gov.cn']);
    expect(rawHeader(r, 'host', true)).toBe('a.gov.cn');
    expect(rawHeader(r, 'accept-encoding')).toBe('gzip, br');
    expect(rawHeader(r, 'if-none-match')).toBe('"x"');
    expect(rawHeader(r, 'x-forwarded-proto')).toBeUndefined();
    expect(rawHeader(req([]), 'host', true)).toBeUndefined();
  });
});
