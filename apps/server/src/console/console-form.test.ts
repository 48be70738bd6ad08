import { describe, expect, it } from 'vitest';
import { createError, invalid } from '@zhanqun/core/errors';
import { fieldName, idOrNull, toRefusal } from './console-form.js';

describe('console refusals', () => {
  it('should name the field and the reason of a validation error in Chinese and English', () => {
    const err = invalid('hosts[1]', 'www.a.cn is listed twice');
    expect(toRefusal(err, 'zh-CN')).toEqual({ message: '域名：同一域名填写了两次', field: 'hosts', status: 400 });
    expect(toRefusal(err, 'en')?.message).toBe('Hosts: lists a host twice');
  });

  it('should fall back to the field rule, then to the English message', () => {
    expect(toRefusal(invalid('code', 'must be 2–40 lower-case letters'), 'zh-CN')?.message).toBe('网站代码：须为 2–40 位小写字母、数字或连字符，并以字母开头');
    expect(toRefusal(invalid('widget', 'is odd today'), 'zh-CN')?.message).toBe('widget：is odd today');
  });

  it('should translate coded refusals, with the field the form says they are about', () => {
    const Taken = createError<[string]>('ZQ_TENANCY_SITE_CODE_TAKEN', 'Site code %s is already taken', 409);
    expect(toRefusal(new Taken('anhe'), 'zh-CN', { fields: { ZQ_TENANCY_SITE_CODE_TAKEN: 'code' } }))
      .toEqual({ message: '网站代码：已被其他网站使用，请换一个', field: 'code', status: 409 });
    const Unknown = createError('ZQ_SOMETHING_NEW', 'Something new went wrong', 422);
    expect(toRefusal(new Unknown(), 'zh-CN')?.message).toBe('Something new went wrong');
  });

  it('should look labels up in the form namespace first', () => {
    const err = invalid('parentId', 'a column cannot be moved under itself or one of its own sub-columns');
    expect(toRefusal(err, 'zh-CN', { ns: 'column' })?.message).toBe('上级栏目：不能选择自身或其下级');
    expect(toRefusal(err, 'zh-CN', { ns: 'org' })?.message).toBe('上级机构：不能选择自身或其下级');
  });

  it('should leave server errors to the error handler', () => {
    expect(toRefusal(new Error('connection reset'), 'zh-CN')).toBeNull();
    const Boom = createError('ZQ_BOOM', 'boom', 500);
    expect(toRefusal(new Boom(), 'zh-CN')).toBeNull();
  });

  it('should refuse a tampered id before it reaches Postgres', () => {
    expect(idOrNull({ parentId: '' }, 'parentId')).toBeNull();
    expect(() => idOrNull({ parentId: "1' or '1'='1" }, 'parentId')).toThrow(/parentId: must be a valid id/);
    expect(fieldName('hosts[12]')).toBe('hosts');
  });
});
