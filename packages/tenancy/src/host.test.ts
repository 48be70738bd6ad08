import { describe, expect, it } from 'vitest';
import { normaliseHost } from './host.js';

describe('normaliseHost', () => {
  it('should lower-case, drop the port and the trailing dot', () => {
    expect(normaliseHost('WWW.AnHe.Gov.Cn.:8080')).toBe('www.anhe.gov.cn');
    expect(normaliseHost('prov.localhost:3000')).toBe('prov.localhost');
  });
  it('should turn an IDN into punycode', () => {
    expect(normaliseHost('政府.中国')).toBe('xn--mxtq1m.xn--fiqs8s');
  });
  it('should refuse what is not a host name', () => {
    for (const bad of ['', ':80', 'a b.cn', '[::1]:80', 'host:port', '-x.cn', 'a..b']) expect(normaliseHost(bad)).toBeNull();
  });
});
