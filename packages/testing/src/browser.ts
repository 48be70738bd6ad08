import { existsSync } from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';

/** The machine's Chromium (Debian package, STACK.md); browser tests skip with a message without it. */
export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

/**
 * STACK.md, Browser: without the background-networking flags Chromium floods the closed network.
 * `*.localhost` is mapped to this machine, as browsers do and Node does not.
 */
export const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--host-resolver-rules=MAP *.localhost 127.0.0.1',
];

/** Launch the machine's Chromium headless with the flags above. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
}

/** Say once, in the test output, why a browser test file is skipped. */
export function warnIfNoChromium(file: string): void {
  if (!hasChromium) console.warn(`${file}: skipped, ${CHROMIUM} is missing (apt-get install -y chromium)`);
}

/** Serious or critical axe violations on the page, as `rule: target` lines (pages from browser.newContext()). */
export async function axeProblems(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
}

/** Click a form's button and wait for the page it leads to. */
export async function submit(page: Page, button: string): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.click(button)]);
}
