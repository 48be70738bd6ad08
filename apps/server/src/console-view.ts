import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { t, type Locale } from './i18n/i18n.js';

/** apps/server/console: the console's templates and assets (the same place from src/ and dist/). */
export const CONSOLE_DIR = fileURLToPath(new URL('../console/', import.meta.url));

/** Renders console pages: its own Handlebars environment, compiled once, with a `t` helper. */
export class ConsoleView {
  readonly #templates = new Map<string, HandlebarsTemplateDelegate>();
  constructor(dir = `${CONSOLE_DIR}templates`) {
    const env = Handlebars.create();
    env.registerHelper('t', function (this: unknown, key: string, options: Handlebars.HelperOptions) {
      return t(options.data.root.locale as Locale, key, options.hash as Record<string, string>);
    });
    env.registerHelper('eq', (a: unknown, b: unknown) => a === b);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.hbs'))) {
      this.#templates.set(file.slice(0, -4), env.compile(readFileSync(`${dir}/${file}`, 'utf8'), { strict: false }));
    }
  }

  render(name: string, data: Record<string, unknown> & { locale: Locale; title: string }): string {
    const page = this.#templates.get(name);
    const layout = this.#templates.get('layout');
    if (!page || !layout) throw new Error(`console template ${name} missing`);
    const root = { data: { root: data } };
    return layout({ ...data, body: new Handlebars.SafeString(page(data, root)) }, root);
  }
}
