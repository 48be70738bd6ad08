import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Kysely } from 'kysely';
import type { Clock } from '@zhanqun/core/clock';
import type { Database } from '@zhanqun/db/database';
import { generateSessionToken, sessionIdOf } from '@zhanqun/identity/session.service';

/** A signed-in console session driven through inject(): pages, and form posts with the CSRF token. */
export class ConsoleClient {
  #token = '';
  private constructor(readonly app: FastifyInstance, readonly cookies: Record<string, string>) {}

  /** A session opened straight in the database (until the console's sign-in has its TOTP step). */
  static async withSession(app: FastifyInstance, db: Kysely<Database>, username: string, clock: Clock): Promise<ConsoleClient> {
    return new ConsoleClient(app, { zq_session: await openSession({ t: { db }, clock }, username) });
  }

  async get(url: string): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({ method: 'GET', url, headers: { host: 'admin.localhost:3000' }, cookies: this.cookies });
    for (const c of res.cookies) this.cookies[c.name] = c.value;
    return res;
  }

  /** Post a form as the browser would: url-encoded, with a CSRF token from a rendered page. */
  async post(url: string, fields: Record<string, string>, opts: { csrf?: boolean } = {}): Promise<LightMyRequestResponse> {
    if (!this.#token) {
      const page = await this.get('/org-units');
      this.#token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    }
    const body = new URLSearchParams(opts.csrf === false ? fields : { _csrf: this.#token, ...fields });
    return this.app.inject({
      method: 'POST', url, cookies: this.cookies, payload: body.toString(),
      headers: { host: 'admin.localhost:3000', 'content-type': 'application/x-www-form-urlencoded' },
    });
  }
}

/** HTML with Handlebars' entity escapes undone (`&#x3D;` in URLs and the like). */
export function decode(html: string): string {
  return html.replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&#x3D;/g, '=').replace(/&#x60;/g, '`')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** The text of a page without tags and entity escapes, for matching what a reader sees. */
export function visible(html: string): string {
  return decode(html.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');
}

/** The value an input was filled with, by its name. */
export function inputValue(html: string, name: string): string | undefined {
  const m = new RegExp(`<input[^>]*name="${name}"[^>]*value="([^"]*)"`).exec(html);
  return m?.[1];
}

/** The option chosen in a select, by the select's name. */
export function selectedOption(html: string, name: string): string | undefined {
  const select = new RegExp(`<select[^>]*name="${name}"[^>]*>([\\s\\S]*?)</select>`).exec(html)?.[1] ?? '';
  return /<option value="([^"]*)" selected>/.exec(select)?.[1];
}

/** What the page says went wrong: the error summary's text, or '' (short, for readable failures). */
export function refusal(html: string): string {
  const summary = /<div class="error-summary" role="alert">([\s\S]*?)<\/div>/.exec(html)?.[1];
  const inline = /<p class="field-error"[^>]*>([\s\S]*?)<\/p>/.exec(html)?.[1];
  return visible(summary ?? inline ?? '').trim();
}

/** Open a signed-in session for a user in the database; returns its cookie value. */
export async function openSession(h: { t: { db: Kysely<Database> }; clock: Clock }, username: string): Promise<string> {
  const user = await h.t.db.selectFrom('app_user').select('id').where('username', '=', username).executeTakeFirstOrThrow();
  const token = generateSessionToken();
  await h.t.db.insertInto('session').values({
    id: sessionIdOf(token), user_id: user.id, created_at: h.clock.now(), expires_at: new Date(h.clock.now().getTime() + 3_600_000),
    ip: null, user_agent: null, mfa_pending: false,
  }).execute();
  return token;
}
