// The refusals need no network. The success and redirect cases talk to a server of the test's own
// on 127.0.0.1, reached only through the test-only allowance (nothing leaves the machine).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLink, isForbiddenAddress, type ResolvedAddress, type Resolver } from './safe-fetch.js';

/** A resolver that answers from a table and counts its calls; unknown names fail like NXDOMAIN. */
function table(entries: Record<string, string | string[]>): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (hostname: string): Promise<ResolvedAddress[]> => {
    calls.push(hostname);
    const answer = entries[hostname];
    if (answer === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return [answer].flat().map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { calls });
}

describe('isForbiddenAddress', () => {
  it.each([
    '127.0.0.1', '127.255.255.254', '::1', '10.0.0.1', '10.255.255.255', '172.16.0.1', '172.31.255.255', '192.168.1.1',
    '169.254.169.254', '100.64.0.1', '100.127.255.255', '0.0.0.0', '::', '224.0.0.1', '255.255.255.255', '198.18.0.1',
    'fc00::1', 'fd12:3456::1', 'fe80::1', 'fe80::1%eth0', 'febf::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:7f00:1',
    '::ffff:10.0.0.1', '::ffff:192.168.0.1', '::127.0.0.1', '64:ff9b::a00:1', '2002:c0a8:101::1', '2001:db8::1', '[::1]',
    'localhost', 'not an address',
  ])('should refuse %s', (address) => {
    expect(isForbiddenAddress(address)).toBe(true);
  });

  it.each(['8.8.8.8', '172.32.0.1', '172.15.255.255', '100.128.0.1', '169.255.0.1', '2400:3200::1', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1'])(
    'should allow the public address %s', (address) => {
      expect(isForbiddenAddress(address)).toBe(false);
    },
  );
});

describe('checkLink refusals', () => {
  it.each([
    'http://127.0.0.1/', 'http://[::1]:8080/', 'http://10.1.2.3/', 'http://172.16.5.4/', 'http://192.168.0.10/admin',
    'http://169.254.169.254/latest/meta-data/', 'http://[fc00::1]/', 'http://[fe80::1]/', 'http://100.64.1.1/', 'http://0.0.0.0/',
    'http://[::ffff:127.0.0.1]/', 'http://2130706433/', 'http://0x7f.1/', 'https://127.1/',
  ])('should refuse %s without resolving or connecting', async (url) => {
    const resolve = table({});
    expect(await checkLink(url, { resolve })).toEqual({ url, ok: false, error: 'private_address' });
    expect(resolve.calls).toEqual([]);
  });

  it('should refuse a host name whose resolver answers a private address, or mixes one in', async () => {
    const resolve = table({ 'evil.example': '127.0.0.1', 'mixed.example': ['203.0.114.7', '10.0.0.8'], 'v6.example': 'fd00::5' });
    for (const host of ['evil.example', 'mixed.example', 'v6.example']) {
      expect(await checkLink(`https://${host}/`, { resolve })).toMatchObject({ ok: false, error: 'private_address' });
    }
  });

  it('should refuse other schemes and bad URLs, and report DNS failures', async () => {
    const resolve = table({});
    expect(await checkLink('ftp://example.com/file', { resolve })).toMatchObject({ ok: false, error: 'unsupported_scheme' });
    expect(await checkLink('file:///etc/passwd', { resolve })).toMatchObject({ ok: false, error: 'unsupported_scheme' });
    expect(await checkLink('http://', { resolve })).toMatchObject({ ok: false, error: 'invalid_url' });
    expect(await checkLink('https://no-such-host.example/', { resolve })).toMatchObject({ ok: false, error: 'dns' });
  });

  it('should give up at the deadline when DNS does not answer', async () => {
    const resolve: Resolver = () => new Promise(() => {});
    const started = Date.now();
    expect(await checkLink('https://slow-dns.example/', { resolve, timeoutMs: 100 })).toMatchObject({ ok: false, error: 'timeout' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('checkLink against a local server', () => {
  let server: Server;
  let port = 0;
  const heads: string[] = [];
  const allow = { unsafeAllowAddressesForTests: ['127.0.0.1'] };
  const site = () => `http://allowed.test:${port}`;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const path = req.url ?? '/';
      if (req.method === 'HEAD') heads.push(path);
      const loop = /^\/loop\/(\d+)$/.exec(path);
      if (path === '/ok') res.writeHead(200).end();
      else if (path === '/no-head') res.writeHead(req.method === 'HEAD' ? 405 : 200).end('body');
      else if (path === '/missing') res.writeHead(404).end();
      else if (path === '/to-private') res.writeHead(302, { location: 'http://10.0.0.1/secret' }).end();
      else if (path === '/to-private-name') res.writeHead(301, { location: `http://internal.test:${port}/ok` }).end();
      else if (path === '/to-loopback-v6') res.writeHead(307, { location: `http://[::1]:${port}/ok` }).end();
      else if (loop) res.writeHead(302, { location: `/loop/${Number(loop[1]) + 1}` }).end();
      else if (path.startsWith('/chain/')) {
        const left = Number(path.slice(7));
        if (left === 0) res.writeHead(200).end();
        else res.writeHead(302, { location: `/chain/${left - 1}` }).end();
      } else if (path === '/huge' && req.method === 'HEAD') res.writeHead(405).end();
      else if (path === '/huge') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        // 256 MB, written only as fast as the client reads, until it hangs up.
        const chunk = Buffer.alloc(64 * 1024, 120);
        let left = 4096;
        const pump = () => {
          while (left > 0 && !res.destroyed && left-- && res.write(chunk));
          if (left === 0) res.end();
        };
        res.on('drain', pump);
        pump();
      } else if (path === '/hang') {
        // Never answers.
      } else res.writeHead(500).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const resolver = () => table({ 'allowed.test': '127.0.0.1', 'internal.test': '192.168.1.10' });

  it('should report a 200 as ok, connecting to the vetted address (the system resolver cannot find allowed.test)', async () => {
    const resolve = resolver();
    expect(await checkLink(`${site()}/ok`, { resolve, ...allow })).toEqual({ url: `${site()}/ok`, ok: true, status: 200 });
    expect(resolve.calls).toEqual(['allowed.test']);
  });

  it('should ask with GET when HEAD is refused', async () => {
    expect(await checkLink(`${site()}/no-head`, { resolve: resolver(), ...allow })).toMatchObject({ ok: true, status: 200 });
    expect(heads).toContain('/no-head');
  });

  it('should report a 404 as an HTTP error', async () => {
    expect(await checkLink(`${site()}/missing`, { resolve: resolver(), ...allow })).toMatchObject({ ok: false, status: 404, error: 'http_error' });
  });

  it('should refuse a redirect from an allowed address to a private one, by address or by name', async () => {
    const resolve = resolver();
    expect(await checkLink(`${site()}/to-private`, { resolve, ...allow })).toMatchObject({ ok: false, error: 'private_address' });
    expect(await checkLink(`${site()}/to-private-name`, { resolve, ...allow })).toMatchObject({ ok: false, error: 'private_address' });
    expect(await checkLink(`${site()}/to-loopback-v6`, { resolve, ...allow })).toMatchObject({ ok: false, error: 'private_address' });
    // Each hop is resolved and vetted again.
    expect(resolve.calls).toEqual(['allowed.test', 'allowed.test', 'internal.test', 'allowed.test']);
  });

  it('should follow five redirects and refuse the sixth', async () => {
    const resolve = resolver();
    expect(await checkLink(`${site()}/chain/5`, { resolve, ...allow })).toEqual({ url: `${site()}/chain/5`, ok: true, status: 200, finalUrl: `${site()}/chain/0` });
    expect(resolve.calls).toHaveLength(6);
    expect(await checkLink(`${site()}/chain/6`, { resolve, ...allow })).toMatchObject({ ok: false, error: 'too_many_redirects', status: 302 });
    expect(await checkLink(`${site()}/loop/0`, { resolve, ...allow })).toMatchObject({ ok: false, error: 'too_many_redirects' });
  });

  it('should not read the body of a large answer to GET', async () => {
    const started = Date.now();
    expect(await checkLink(`${site()}/huge`, { resolve: resolver(), ...allow, timeoutMs: 2_000 })).toMatchObject({ ok: true, status: 200 });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('should time out on a server that never answers', async () => {
    expect(await checkLink(`${site()}/hang`, { resolve: resolver(), ...allow, timeoutMs: 200 })).toMatchObject({ ok: false, error: 'timeout' });
  });

  it('should report a refused connection as a network error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await checkLink(`http://allowed.test:${closedPort}/`, { resolve: resolver(), ...allow })).toMatchObject({ ok: false, error: 'network' });
  });

  it('should still refuse the server\'s address without the test-only allowance', async () => {
    expect(await checkLink(`${site()}/ok`, { resolve: resolver() })).toMatchObject({ ok: false, error: 'private_address' });
  });
});
