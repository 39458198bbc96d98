// Shared helpers of the benchmarks: temp configs, the engine in a child process, loopback HTTP,
// statistics and tables. Loopback only; every loop in the benchmarks is bounded.
import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The test suite's fake llama-server; its --ready-file flag records the exact moment it turns healthy. */
export const TIMED_BACKEND = join(BENCH_DIR, '..', 'test', 'fixtures', 'fake-backend.mjs');
export const SERVE = join(BENCH_DIR, 'fixtures', 'serve.mjs');
export const BARE_SERVER = join(BENCH_DIR, 'fixtures', 'bare-server.mjs');

/** CLOCK_MONOTONIC in ms (system-wide on Linux, so comparable with another process's hrtime). */
export const mono = () => Number(process.hrtime.bigint()) / 1e6;
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** True when the module at `url` is the script node was started with (not imported). */
export const isMain = (url) => process.argv[1] !== undefined && url === pathToFileURL(process.argv[1]).href;

/** Runs a benchmark script's `run()` when started directly; `--json FILE` saves its result there. */
export async function main(url, run) {
  if (!isMain(url)) return;
  const result = await run();
  const out = flag('json', '');
  if (out) writeFileSync(out, JSON.stringify(result));
  process.exit(0);
}

export function requireBuild() {
  if (!existsSync(join(REPO_ROOT, 'dist', 'electron', 'service.js'))) {
    process.stderr.write('dist/ is missing: run `npm run build:node` first\n');
    process.exit(1);
  }
}

/** `--name value` flags of the bench script itself, with defaults. */
export function flag(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return dflt;
  const v = process.argv[i + 1];
  return typeof dflt === 'number' ? Number(v) : v;
}

// ---- statistics ----------------------------------------------------------------------------------

export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  // Nearest-rank on the sorted sample.
  const rank = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[rank];
}
export const median = (v) => percentile(v, 50);
export const mean = (v) => v.reduce((a, b) => a + b, 0) / v.length;
export const fmt = (n, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : String(n));
export const mib = (bytes) => bytes / 1024 / 1024;

/** Prints a fixed-width table; rows are arrays of cells (strings or numbers). */
export function table(title, header, rows) {
  const all = [header, ...rows].map((r) => r.map((c) => String(c)));
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(`\n${title}`);
  console.log(line(all[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of all.slice(1)) console.log(line(r));
}

// ---- files and configs ---------------------------------------------------------------------------

export function tempDir(prefix) {
  const path = mkdtempSync(join(tmpdir(), `loadout-bench-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * A Loadout config whose models all run the timed backend. `models`: name -> extra backend args.
 * The watchdog never unloads on its own (idle_check off) so only the bench decides.
 */
export function writeConfig(dir, models, watchdog = {}) {
  const q = JSON.stringify;
  const wd = { interval: '500ms', idle_check: false, stop_timeout: '2s', health_timeout: '10s', ...watchdog };
  const lines = [
    'listen: 127.0.0.1:0',
    `state_dir: ${q(join(dir, 'state'))}`,
    'watchdog:',
    ...Object.entries(wd).map(([k, v]) => `  ${k}: ${typeof v === 'string' ? q(v) : String(v)}`),
    'backends:',
    '  timed:',
    `    cmd: ${q(`${q(process.execPath)} ${q(TIMED_BACKEND)} --port \${PORT} --name \${NAME} \${ARGS}`)}`,
    '    health: /health',
    'models:',
  ];
  for (const [name, args] of Object.entries(models)) {
    lines.push(`  ${name}:`, '    backend: timed');
    if (args) lines.push(`    args: ${q(args)}`);
  }
  const file = join(dir, 'config.yaml');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

export function readJsonLines(file) {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

// ---- processes -----------------------------------------------------------------------------------

const children = new Set();
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/**
 * Forks `script` (serve.mjs or bare-server.mjs) and resolves once it printed its URL line.
 * Returns { url, pid, mem(gc?), rss(), stop() }; stderr is kept (last 8 KiB) for error messages.
 */
export function startChild(script, args = [], { execArgv = ['--expose-gc'], env = process.env, timeoutMs = 20_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = fork(script, args, { execArgv, env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    children.add(child);
    let stderr = '';
    let stdout = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c) => (stderr = (stderr + c).slice(-8192)));
    child.stdout.setEncoding('utf8');
    const timer = setTimeout(() => fail(new Error(`${script} did not start within ${timeoutMs} ms\n${stderr}`)), timeoutMs);
    const fail = (err) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(err);
    };
    child.once('exit', (code, sig) => fail(new Error(`${script} exited (${sig ?? code}) before listening\n${stderr}`)));
    let nextId = 0;
    const pending = new Map();
    child.on('message', (m) => {
      pending.get(m.id)?.(m.mem);
      pending.delete(m.id);
    });
    child.stdout.on('data', (c) => {
      stdout += c;
      const nl = stdout.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      const info = JSON.parse(stdout.slice(0, nl));
      child.stdout.resume();
      resolve({
        url: info.url,
        pid: child.pid,
        stderr: () => stderr,
        mem: (gc = false) =>
          new Promise((res) => {
            const id = ++nextId;
            pending.set(id, res);
            child.send({ op: 'mem', id, gc });
          }),
        rss: () => rssOf(child.pid),
        stop: () =>
          new Promise((res) => {
            if (child.exitCode !== null || child.signalCode !== null) return res();
            const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
            child.once('exit', () => {
              clearTimeout(kill);
              children.delete(child);
              res();
            });
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

/** Resident set size of a process in bytes (Linux /proc). */
export function rssOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return m ? Number(m[1]) * 1024 : NaN;
}

/** CPU time (user + system) a process has used so far, in ms (Linux /proc; clock ticks of 10 ms). */
export function cpuMsOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces, so split after its closing parenthesis).
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// ---- HTTP ----------------------------------------------------------------------------------------

export const keepAliveAgent = () => new Agent({ keepAlive: true, maxSockets: 1 });

/** One loopback request; resolves { status, body (string), ms } once the whole body is in. */
export function http(url, { method = 'GET', body, agent, headers = {}, timeoutMs = 30_000 } = {}) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const h = { ...headers };
    if (payload !== undefined) {
      h['content-type'] = 'application/json';
      h['content-length'] = Buffer.byteLength(payload);
    }
    const started = mono();
    const req = request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers: h, agent: agent ?? false }, (res) => {
      const parts = [];
      res.on('data', (c) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(parts).toString('utf8'), ms: mono() - started, end: mono() }));
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${url}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

export async function httpOk(url, opts) {
  const r = await http(url, opts);
  if (r.status < 200 || r.status >= 300) throw new Error(`${opts?.method ?? 'GET'} ${url}: HTTP ${r.status}: ${r.body.slice(0, 500)}`);
  return r;
}
