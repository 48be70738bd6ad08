import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { DEMO_PASSWORD } from '@zhanqun/demo/demo-province';
import { openSession } from './console-helper.js';
import { loginAs, type TestApp } from './helper.js';

export const HOST = 'admin.localhost';

/** A browser on the console: cookies kept (and dropped when cleared), forms posted with the CSRF token. */
export class Browser {
  #token = '';
  constructor(readonly app: FastifyInstance, readonly cookies: Record<string, string>) {}

  static async signIn(app: FastifyInstance, username: string, password = DEMO_PASSWORD): Promise<Browser> {
    return new Browser(app, await loginAs(app, username, password));
  }

  /**
   * A session opened in the database, where signing in is not what a test is about: the sign-in
   * form allows 20 attempts a minute from one address, and every inject comes from 127.0.0.1.
   */
  static async withSession(h: TestApp, username: string): Promise<Browser> {
    return new Browser(h.app, { zq_session: await openSession(h, username) });
  }

  #keep(res: LightMyRequestResponse): void {
    for (const c of res.cookies) {
      if (c.value === '' || (c.expires && c.expires.getTime() < Date.now())) delete this.cookies[c.name];
      else this.cookies[c.name] = c.value;
    }
  }

  async get(url: string): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({ method: 'GET', url, headers: { host: HOST }, cookies: this.cookies });
    this.#keep(res);
    return res;
  }

  async post(url: string, fields: Record<string, string | string[]>, opts: { csrf?: boolean } = {}): Promise<LightMyRequestResponse> {
    this.#token ||= /name="_csrf" value="([^"]+)"/.exec((await this.get('/account')).body)?.[1] ?? '';
    const body = new URLSearchParams(opts.csrf === false ? {} : { _csrf: this.#token });
    for (const [k, v] of Object.entries(fields)) for (const x of [v].flat()) body.append(k, x);
    const res = await this.app.inject({
      method: 'POST', url, cookies: this.cookies, payload: body.toString(),
      headers: { host: HOST, 'content-type': 'application/x-www-form-urlencoded' },
    });
    this.#keep(res);
    return res;
  }
}

/** Rows of the first table body on a page. */
export const bodyRows = (html: string) => (/<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '').split('</tr>').filter((r) => r.includes('<t'));
