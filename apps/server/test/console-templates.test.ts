import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONSOLE_DIR } from '../src/console-view.js';
import { CATALOGUES } from '../src/i18n/i18n.js';

describe('console templates', () => {
  it('should only use translation keys that exist', () => {
    const dir = `${CONSOLE_DIR}templates`;
    for (const file of readdirSync(dir)) {
      for (const m of readFileSync(`${dir}/${file}`, 'utf8').matchAll(/\{\{t "([^"]+)"/g)) {
        expect([file, m[1]! in CATALOGUES['zh-CN']]).toEqual([file, true]);
      }
    }
  });
});
