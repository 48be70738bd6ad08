import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { answerHeaders, httpDate } from './cached-answer.js';

// A hit reads its headers from the raw list (answerHeaders), as Node's req.headers would give them.
describe('answerHeaders', () => {
  const req = (rawHeaders: string[]) => ({ rawHeaders }) as unknown as IncomingMessage;

  it('should match names in any case, join repeats as Node does, and keep the first Host', () => {
    const r = req(['HOST', 'a.gov.cn', 'Accept-Encoding', 'gzip', 'If-None-Match', '"x"', 'accept-encoding', 'br', 'Host', 'b.gov.cn', 'X-Forwarded-Proto', 'https']);
    expect(answerHeaders(r)).toEqual({ host: 'a.gov.cn', acceptEncoding: 'gzip, br', ifNoneMatch: '"x"', forwardedProto: 'https' });
    expect(answerHeaders(req([]))).toEqual({ host: undefined, acceptEncoding: undefined, ifNoneMatch: undefined, forwardedProto: undefined });
  });

  it('should not take other names of the same length for the ones it reads', () => {
    // Same lengths as host, if-none-match, accept-encoding and x-forwarded-proto.
    const r = req(['Hose', 'a.gov.cn', 'If-None-Matcx', '"x"', 'Accept-Encodinf', 'gzip', 'X-Forwarded-Prot0', 'https', 'hos-', 'b']);
    expect(answerHeaders(r)).toEqual({ host: undefined, acceptEncoding: undefined, ifNoneMatch: undefined, forwardedProto: undefined });
  });
});

describe('httpDate', () => {
  it('should give the IMF-fixdate of the second, 29 characters, as Node dates its answers', () => {
    const at = Date.UTC(2026, 10, 27, 8, 5, 9, 999);
    expect(httpDate(at)).toBe('Fri, 27 Nov 2026 08:05:09 GMT');
    expect(httpDate(at + 1)).toBe('Fri, 27 Nov 2026 08:05:10 GMT');
    expect(httpDate(Date.UTC(2027, 0, 1))).toHaveLength(29);
  });
});
