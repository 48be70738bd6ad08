import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { etagMatches, PageCache, pickEncoding } from './page-cache.js';

const page = (siteIds: string[], text: string) => ({
  siteIds, status: 200, contentType: 'text/html; charset=utf-8', cacheControl: 'public', body: Buffer.from(text), lastModified: 'Fri, 27 Nov 2026 08:00:00 GMT',
});

describe('the page cache', () => {
  it('should keep Buffers with gzip and brotli variants and a strong ETag', () => {
    const cache = new PageCache(1024 * 1024);
    const stored = cache.store('a.gov.cn/', page(['a'], '<p>通知公告</p>'.repeat(100)), cache.epoch);
    expect(gunzipSync(stored.gzip).equals(stored.body)).toBe(true);
    expect(brotliDecompressSync(stored.br).equals(stored.body)).toBe(true);
    expect(stored.etag).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
    expect(cache.get('a.gov.cn/')).toBe(stored);
    expect(cache.snapshot()).toMatchObject({ entries: 1, hits: 1, stores: 1 });
  });

  it('should drop only the changed site\'s pages, and pages that show it', () => {
    const cache = new PageCache(1024 * 1024);
    cache.store('a.gov.cn/', page(['a'], 'a'), cache.epoch);
    cache.store('b.gov.cn/', page(['b'], 'b'), cache.epoch);
    cache.store('b.gov.cn/cgz/', page(['sub', 'b'], 'sub'), cache.epoch);
    expect(cache.invalidateSite('b')).toBe(2);
    expect([cache.has('a.gov.cn/'), cache.has('b.gov.cn/'), cache.has('b.gov.cn/cgz/')]).toEqual([true, false, false]);
    expect(cache.invalidateSite('*')).toBe(1);
  });

  it('should not store a page rendered before an invalidation, and evict the least recently used past its bytes', () => {
    const cache = new PageCache(48_000);
    const epoch = cache.epoch;
    cache.invalidateSite('a');
    cache.store('a.gov.cn/', page(['a'], 'stale'), epoch);
    expect(cache.has('a.gov.cn/')).toBe(false);
    const noise = (n: number) => Array.from({ length: 1000 }, (_, i) => String.fromCharCode(0x4e00 + ((i * 7919 + n * 104729) % 20000))).join('');
    for (let i = 0; i < 10; i++) {
      cache.store(`a.gov.cn/${i}`, page(['a'], noise(i)), cache.epoch);
      cache.get('a.gov.cn/0'); // kept warm
    }
    const s = cache.snapshot();
    expect(s.bytes).toBeLessThanOrEqual(48_000);
    expect(s.evictions).toBeGreaterThan(0);
    expect(cache.has('a.gov.cn/0')).toBe(true);
    expect(cache.has('a.gov.cn/1')).toBe(false);
  });

  it('should still evict when every page was hit, and keep the page just stored', () => {
    const cache = new PageCache(48_000);
    const noise = (n: number) => Array.from({ length: 1000 }, (_, i) => String.fromCharCode(0x4e00 + ((i * 7919 + n * 104729) % 20000))).join('');
    for (let i = 0; i < 30; i++) {
      cache.store(`b.gov.cn/${i}`, page(['b'], noise(i)), cache.epoch);
      for (let j = 0; j <= i; j++) cache.get(`b.gov.cn/${j}`); // every page marked before the next store
      expect(cache.has(`b.gov.cn/${i}`)).toBe(true);
      expect(cache.snapshot().bytes).toBeLessThanOrEqual(48_000);
    }
    expect(cache.snapshot().evictions).toBeGreaterThan(0);
  });

  it('should negotiate encodings and match ETags as HTTP says', () => {
    expect(pickEncoding('gzip, deflate, br')).toBe('br');
    expect(pickEncoding('gzip;q=1, br;q=0')).toBe('gzip');
    expect(pickEncoding('identity')).toBe(null);
    expect(pickEncoding('*')).toBe('br');
    expect(pickEncoding(undefined)).toBe(null);
    expect(etagMatches('W/"abc", "def"', '"abc"')).toBe(true);
    expect(etagMatches('"x"', '"abc"')).toBe(false);
    expect(etagMatches('*', '"abc"')).toBe(true);
  });

  it('should store nothing when turned off', () => {
    const cache = new PageCache(0);
    cache.store('a.gov.cn/', page(['a'], 'a'), cache.epoch);
    expect(cache.has('a.gov.cn/')).toBe(false);
  });

  it('should still answer a page it does not keep with its ETag and, when read, its compressed variants', () => {
    const cache = new PageCache(0);
    const text = '<p>政务公开</p>'.repeat(50);
    const answered = cache.store('a.gov.cn/', page(['a'], text), cache.epoch);
    expect(answered.etag).toBe(new PageCache(1024 * 1024).store('a.gov.cn/', page(['a'], text), 0).etag);
    expect(gunzipSync(answered.gzip).toString()).toBe(text);
    expect(brotliDecompressSync(answered.br).toString()).toBe(text);
    expect(answered.br).toBe(answered.br); // made once
  });
});
