// Raw HTTP/1.1 over one socket, read as a client reads it: for tests of answers written as one
// Buffer (cached-answer.ts, rendered-answer.ts), where the bytes, keep-alive and pipelining matter.
import { connect } from 'node:net';

export interface Answer { status: number; head: string; headers: Record<string, string>; body: Buffer }

/** The answers in `bytes`, read as a client reads them (Content-Length; none for HEAD and 304). */
export function parseAnswers(bytes: Buffer, heads: boolean[]): { answers: Answer[]; rest: Buffer } {
  const answers: Answer[] = [];
  let at = 0;
  while (answers.length < heads.length) {
    const end = bytes.indexOf('\r\n\r\n', at, 'latin1');
    if (end === -1) break;
    const head = bytes.toString('latin1', at, end);
    const [statusLine, ...lines] = head.split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    const status = Number(statusLine!.split(' ')[1]);
    const length = heads[answers.length] || status === 304 ? 0 : Number(headers['content-length'] ?? 0);
    if (bytes.length < end + 4 + length) break;
    answers.push({ status, head, headers, body: bytes.subarray(end + 4, end + 4 + length) });
    at = end + 4 + length;
  }
  return { answers, rest: bytes.subarray(at) };
}

/** Send `text` on one connection and read `heads.length` answers (true: the request was HEAD); `closed`: the server ended the connection. */
export function exchangeOn(port: number, text: string, heads: boolean[], then?: string): Promise<{ answers: Answer[]; closed: boolean; more: Answer[] }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let bytes = Buffer.alloc(0);
    let answers: Answer[] = [];
    let closed = false;
    const finish = (more: Answer[]) => { socket.destroy(); resolve({ answers, closed, more }); };
    socket.on('error', reject);
    socket.on('end', () => { closed = true; if (answers.length === heads.length && !then) finish([]); });
    socket.on('data', (chunk: Buffer) => {
      bytes = Buffer.concat([bytes, chunk]);
      if (answers.length < heads.length) {
        const read = parseAnswers(bytes, heads);
        if (read.answers.length < heads.length) return;
        answers = read.answers;
        bytes = Buffer.from(read.rest);
        if (then) socket.write(then);
        else setTimeout(() => finish([]), 30); // long enough to see a close
        return;
      }
      const more = parseAnswers(bytes, [false]);
      if (more.answers.length === 1) finish(more.answers);
    });
    socket.write(text);
  });
}

/** A request's text: method, path, Host and any further header lines (each ending in CRLF). */
export const get = (host: string, path: string, extra = '', method = 'GET', version = '1.1') => `${method} ${path} HTTP/${version}\r\nHost: ${host}\r\n${extra}\r\n`;
