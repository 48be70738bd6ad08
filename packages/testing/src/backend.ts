import { request } from 'node:http';
import { existsSync } from 'node:fs';

/** What the test suite runs against, chosen once by the global setup. */
export type TestBackend =
  | { kind: 'postgres'; adminUrl: string; template: string; runId: string; container?: boolean }
  | { kind: 'pglite'; snapshotPath: string; runId: string };

/**
 * Is a Docker engine answering? A socket that accepts and never answers would hang
 * testcontainers forever (STACK.md, pitfall 10), so ask /_ping with a short timeout first.
 */
export function dockerAnswers(timeoutMs = 800): Promise<boolean> {
  const host = process.env.DOCKER_HOST;
  const socketPath = host?.startsWith('unix://') ? host.slice('unix://'.length) : host ? undefined : '/var/run/docker.sock';
  if (!host && (!socketPath || !existsSync(socketPath))) return Promise.resolve(false);
  return new Promise((resolve) => {
    const options = socketPath
      ? { socketPath, path: '/_ping', timeout: timeoutMs }
      : (() => { const u = new URL(host!.replace(/^tcp:/, 'http:')); return { host: u.hostname, port: Number(u.port || 2375), path: '/_ping', timeout: timeoutMs }; })();
    const req = request(options, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => { req.destroy(); resolve(false); });
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** A URL on the same server pointing at another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
