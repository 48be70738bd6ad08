import { describe, expect, it } from 'vitest';
import { CATALOGUES, t } from './i18n.js';

describe('console catalogues', () => {
  it('should have every key in both zh-CN and en', () => {
    const zh = Object.keys(CATALOGUES['zh-CN']).sort();
    const en = Object.keys(CATALOGUES.en).sort();
    expect(zh.filter((k) => !en.includes(k))).toEqual([]);
    expect(en.filter((k) => !zh.includes(k))).toEqual([]);
    for (const [key, text] of Object.entries(CATALOGUES.en)) expect([key, text.trim().length > 0]).toEqual([key, true]);
  });

  it('should use the same placeholders in both languages', () => {
    for (const key of Object.keys(CATALOGUES['zh-CN'])) {
      const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect([key, names(CATALOGUES.en[key] ?? '')]).toEqual([key, names(CATALOGUES['zh-CN'][key]!)]);
    }
  });

  it('should fill placeholders', () => {
    expect(t('zh-CN', 'dashboard.welcome', { name: '张三' })).toBe('欢迎，张三');
    expect(t('en', 'dashboard.welcome', { name: 'Li' })).toBe('Welcome, Li');
  });
});
