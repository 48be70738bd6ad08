/**
 * What the HTTP benchmarks share for wrk (Debian's package): the Lua script that spreads requests
 * over a file of URLs with a Host each, one run parsed into figures, and a process's CPU time
 * from /proc to divide by the requests a run answered.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

export const WRK = process.env.WRK?.trim() || '/usr/bin/wrk';

export function assertWrk(): void {
  if (!existsSync(WRK)) throw new Error(`${WRK} not found: apt-get install wrk (or set WRK)`);
}

/**
 * Each wrk thread reads the URL file ("<host> <path>" a line) and sends GET <path> with that
 * Host, picked at random (seeded per thread and run), to the address on the command line.
 */
export const RANDOM_URLS_LUA = `
local urls = {}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end
function init(args)
  for line in io.lines(args[1]) do
    local host, path = line:match("^(%S+) (%S+)$")
    if host then urls[#urls + 1] = { host, path } end
  end
  math.randomseed(tonumber(args[2]) + 7919 * (id or 0))
  for _ = 1, 10 do math.random() end
end
function request()
  local u = urls[math.random(#urls)]
  return wrk.format("GET", u[2], { Host = u[1] })
end
`;

export interface WrkResult { rps: number; p99: number; p50: number; requests: number; bad: number; errors: number; timeouts: number; load: string; cpu?: string }

export const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

function toMs(value: string, unit: string): number {
  const v = Number(value);
  return unit === 'us' ? v / 1000 : unit === 's' ? v * 1000 : unit === 'm' ? v * 60_000 : v;
}

export interface WrkRun { port: number; conns: number; script: string; urlFile: string; seconds: number; timeoutS?: number; threads?: number }

/** One wrk run (-t2 unless told, --latency) against 127.0.0.1:port with the URL file and a fresh seed. */
export async function wrk(run: WrkRun): Promise<WrkResult> {
  const { port, conns, script, urlFile, seconds, timeoutS = 2, threads = 2 } = run;
  const args = [`-t${threads}`, `-c${conns}`, `-d${seconds}s`, '--latency', '--timeout', `${timeoutS}s`, '-s', script, `http://127.0.0.1:${port}/`, '--', urlFile, String(Math.floor(Math.random() * 1e6))];
  const proc = spawn(WRK, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.setEncoding('utf8').on('data', (s: string) => { out += s; });
  proc.stderr.setEncoding('utf8').on('data', (s: string) => { out += s; });
  const code = await new Promise<number | null>((resolve) => proc.once('close', resolve));
  const load = loadavg();
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
  const p99 = /\s99%\s+([\d.]+)(us|ms|s|m)\b/.exec(out);
  const p50 = /\s50%\s+([\d.]+)(us|ms|s|m)\b/.exec(out);
  const total = /(\d+) requests in/.exec(out);
  if (code !== 0 || !rps || !p99 || !p50 || !total) throw new Error(`wrk failed (exit ${code}):\n${out}`);
  const bad = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const errors = sock ? sock.slice(1, 4).reduce((a, b) => a + Number(b), 0) : 0;
  const timeouts = Number(sock?.[4] ?? 0);
  const requests = Number(total[1]);
  // No answer within the run: wrk prints zeros; the latency is longer than the run.
  const none = requests === 0 ? seconds * 1000 : undefined;
  return { rps: Number(rps[1]), p99: none ?? toMs(p99[1]!, p99[2]!), p50: none ?? toMs(p50[1]!, p50[2]!), requests, bad, errors, timeouts, load };
}

/** Clock ticks (USER_HZ, 100 a second) of CPU a process has used, utime + stime, from a /proc/<pid>/stat line. */
export function ticksOf(stat: string): number {
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]); // utime, stime (fields 14 and 15)
}

/** Clock ticks of CPU process `pid` has used so far. */
export const processTicks = (pid: number) => ticksOf(readFileSync(`/proc/${pid}/stat`, 'utf8'));
