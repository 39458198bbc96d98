import { afterEach, expect } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { LoadoutEvent } from '../../shared/events.js';
import type { GpuSnapshot } from '../../shared/gpu.js';
import type { ModelView } from '../../shared/model-view.js';
import type { Push } from '../../shared/push.js';
import type { Service, ServiceOptions } from '../../electron/service.js';

export const FAKE_BACKEND = fileURLToPath(new URL('../fixtures/fake-backend.mjs', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const LOADOUT_BIN = join(REPO_ROOT, 'bin', 'loadout.js');

/** Every backend a test starts carries this variable (and its forked children inherit it). */
/**
 * The service under test is the compiled one (`npm run build:node`): electron/service-impl.ts reads
 * its version from `../../package.json`, a path that only resolves from dist/electron/.
 */
const DIST_SERVICE = join(process.env.LOADOUT_TEST_DIST ?? join(REPO_ROOT, 'dist'), 'electron', 'service.js');
async function startService(opts: ServiceOptions): Promise<Service> {
  if (!existsSync(DIST_SERVICE)) throw new Error(`${DIST_SERVICE} is missing: run \`npm run build:node\` first`);
  const m = (await import(pathToFileURL(DIST_SERVICE).href)) as { startService(o: ServiceOptions): Promise<Service> };
  return m.startService(opts);
}

const silentLogger: NonNullable<ServiceOptions['logger']> = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};

export const TAG_VAR = 'LOADOUT_TEST_TAG';

export interface ModelSpec {
  /** Extra fake-backend flags, e.g. `--request-delay 500`. */
  args?: string;
  pinned?: boolean;
  groups?: string[];
  ttl?: string;
  aliases?: string[];
  unlisted?: boolean;
  /** Configured memory need, e.g. `8000MiB`. */
  vram?: string;
  /** Upstream response-header timeout, e.g. `1s`. */
  responseTimeout?: string;
}

export interface ConfigOptions {
  models: Record<string, ModelSpec>;
  watchdog?: Record<string, string | number | boolean>;
  apiKey?: string;
  listen?: string;
  /** More top-level YAML lines, as written (e.g. `ollama_listen: 127.0.0.1:0`). */
  extra?: string[];
  /** The backend script every model runs (same flags as the fake backend's --port/--name); default FAKE_BACKEND. */
  backendScript?: string;
}

/** Small timeouts so the suite stays fast; a test overrides what it needs. */
export const FAST_WATCHDOG: Record<string, string | number | boolean> = {
  interval: '100ms',
  idle_check: false,
  stop_timeout: '1s',
  health_timeout: '3s',
  eviction_retry_interval: '100ms',
  eviction_retries: 10,
};

/** A temp dir holding config.yaml and state/; its basename tags the test's backends. */
export class TestDir {
  readonly path = mkdtempSync(join(tmpdir(), 'loadout-it-'));
  readonly tag = basename(this.path);
  readonly configFile = join(this.path, 'config.yaml');
  readonly stateDir = join(this.path, 'state');

  yaml(o: ConfigOptions): string {
    const q = JSON.stringify;
    const lines = [
      '# Loadout test config: these comments must survive write-backs.',
      `listen: ${o.listen ?? '127.0.0.1:0'}   # the API`,
      `state_dir: ${q(this.stateDir)}`,
      ...(o.apiKey ? [`api_key: ${q(o.apiKey)}`] : []),
      ...(o.extra ?? []),
      '',
      'watchdog:',
      ...Object.entries({ ...FAST_WATCHDOG, ...o.watchdog }).map(([k, v]) => `  ${k}: ${typeof v === 'string' ? q(v) : String(v)}`),
      '',
      'backends:',
      '  fake:   # the fake llama-server',
      `    cmd: ${q(`${q(process.execPath)} ${q(o.backendScript ?? FAKE_BACKEND)} --port \${PORT} --name \${NAME} \${ARGS}`)}`,
      '    health: /health',
      `    env: { ${TAG_VAR}: ${q(this.tag)} }`,
      '',
      'models:',
    ];
    for (const [name, m] of Object.entries(o.models)) {
      lines.push(`  # the ${name} model`, `  ${name}:`, '    backend: fake');
      if (m.args) lines.push(`    args: ${q(m.args)}`);
      if (m.pinned !== undefined) lines.push(`    pinned: ${m.pinned}   # keep it`);
      if (m.groups) lines.push(`    concurrency_groups: [${m.groups.join(', ')}]`);
      if (m.ttl) lines.push(`    ttl: ${m.ttl}`);
      if (m.aliases) lines.push(`    aliases: [${m.aliases.join(', ')}]`);
      if (m.unlisted !== undefined) lines.push(`    unlisted: ${m.unlisted}`);
      if (m.vram) lines.push(`    vram: ${m.vram}`);
      if (m.responseTimeout) lines.push(`    response_timeout: ${m.responseTimeout}`);
    }
    return lines.join('\n') + '\n';
  }

  write(o: ConfigOptions | string): void {
    writeFileSync(this.configFile, typeof o === 'string' ? o : this.yaml(o));
  }

  readConfig(): string {
    return readFileSync(this.configFile, 'utf8');
  }

  /** Kills anything of this test still alive (so one failure does not leak), then removes the dir. */
  async cleanup(): Promise<void> {
    for (const pid of taggedPids(this.tag)) killQuietly(pid, 'SIGKILL');
    await waitUntil(() => taggedPids(this.tag).length === 0, 3000).catch(() => undefined);
    rmSync(this.path, { recursive: true, force: true });
  }
}

// ---- processes ---------------------------------------------------------------------------------

/** One-letter state from /proc/<pid>/stat, or null when there is no such process. */
export function procState(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] ?? null;
  } catch {
    return null;
  }
}

/** Alive = exists and is not a zombie. */
export function alive(pid: number): boolean {
  const s = procState(pid);
  return s !== null && s !== 'Z' && s !== 'X';
}

/**
 * For processes killed by a group signal that we are not the parent of (a backend's forked child):
 * SIGKILL is delivered at once but the kernel may take a moment to show the exit in /proc, so a
 * short bounded wait — never a fixed sleep.
 */
export async function gone(pid: number, timeoutMs = 1000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (alive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}

/** Live pids whose environment carries this test's tag: every backend and child it started. */
export function taggedPids(tag: string): number[] {
  const needle = `${TAG_VAR}=${tag}\0`;
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    let env: string;
    try {
      env = readFileSync(`/proc/${pid}/environ`, 'latin1');
    } catch {
      continue;
    }
    if (env.includes(needle) && alive(pid)) out.push(pid);
  }
  return out;
}

/** A pid a backend reported in its log (`forked child N`, `setsid child N`), read through the API. */
export async function pidFromLog(url: string, model: string, pattern: RegExp): Promise<number> {
  let pid = 0;
  await waitUntil(async () => {
    const r = await http<{ lines: { text: string }[] }>(url, 'GET', `/api/models/${model}/logs?tail=100`);
    pid = Number(pattern.exec(r.json.lines.map((l) => l.text).join('\n'))?.[1] ?? 0);
    return pid > 0;
  }, 5000, `a log line matching ${pattern}`);
  return pid;
}

export function killQuietly(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** Bounded poll at short intervals; rejects with `what` when the deadline passes. */
export async function waitUntil(cond: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// ---- HTTP --------------------------------------------------------------------------------------

export interface HttpResult<T = unknown> {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: T;
}

/** A plain HTTP request (any headers, Host included); body objects are sent as JSON. */
export function http<T = unknown>(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResult<T>> {
  const u = new URL(path, base);
  const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: u.port, method, path: u.pathname + u.search, agent: false, headers: { ...(data !== undefined ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(data)) } : {}), ...headers } },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => {
          const text = Buffer.concat(parts).toString('utf8');
          let json: unknown = null;
          try {
            json = JSON.parse(text);
          } catch {
            // not JSON
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: json as T });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

export interface ErrorJson {
  error: { code: string; message: string; type: string; blocking?: string[]; field?: string; hint?: string };
}

/** An SSE connection: parsed messages as they arrive. */
export class SseClient {
  readonly messages: { id: string | null; event: string; data: string }[] = [];
  private res: IncomingMessage | null = null;
  private readonly req;
  private waiters: (() => void)[] = [];
  readonly opened: Promise<number>;

  constructor(base: string, path: string, headers: Record<string, string> = {}) {
    const u = new URL(path, base);
    let buf = '';
    this.req = request({ host: u.hostname, port: u.port, path: u.pathname + u.search, agent: false, headers: { accept: 'text/event-stream', ...headers } });
    this.opened = new Promise((resolve, reject) => {
      this.req.on('response', (res) => {
        this.res = res;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buf += chunk;
          let cut: number;
          while ((cut = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, cut);
            buf = buf.slice(cut + 2);
            let id: string | null = null;
            let event = 'message';
            const data: string[] = [];
            for (const line of block.split('\n')) {
              if (line.startsWith('id: ')) id = line.slice(4);
              else if (line.startsWith('event: ')) event = line.slice(7);
              else if (line.startsWith('data: ')) data.push(line.slice(6));
            }
            if (data.length) this.messages.push({ id, event, data: data.join('\n') });
          }
          const w = this.waiters;
          this.waiters = [];
          w.forEach((f) => f());
        });
        resolve(res.statusCode ?? 0);
      });
      this.req.on('error', reject);
    });
    this.req.end();
  }

  events(): LoadoutEvent[] {
    return this.messages.filter((m) => m.id !== null).map((m) => JSON.parse(m.data) as LoadoutEvent);
  }

  async waitFor(pred: () => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`SSE: timed out; got ${this.messages.map((m) => m.event).join(',')}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  close(): void {
    this.res?.destroy();
    this.req.destroy();
  }
}

// ---- the in-process service ---------------------------------------------------------------------

/** startService on a temp config with a free port, plus event capture and request helpers. */
export class TestService {
  readonly events: LoadoutEvent[] = [];
  private waiters: (() => void)[] = [];
  private off: () => void;

  private constructor(
    readonly dir: TestDir,
    readonly service: Service,
  ) {
    this.off = service.onPush((p) => {
      if (p.type !== 'event') return;
      this.events.push(p.event);
      const w = this.waiters;
      this.waiters = [];
      w.forEach((f) => f());
    });
  }

  static async start(dir: TestDir, config?: ConfigOptions | string): Promise<TestService> {
    if (config !== undefined) dir.write(config);
    const service = await startService({ configFile: dir.configFile, listen: '127.0.0.1:0', logger: silentLogger });
    return new TestService(dir, service);
  }

  get url(): string {
    return this.service.url;
  }

  req<T = unknown>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<HttpResult<T>> {
    return http<T>(this.url, method, path, body, headers);
  }

  load(name: string): Promise<HttpResult<ModelView & ErrorJson>> {
    return this.req('POST', `/api/models/${encodeURIComponent(name)}/load`);
  }

  unload(name: string, force = false): Promise<HttpResult<ModelView & ErrorJson>> {
    return this.req('POST', `/api/models/${encodeURIComponent(name)}/unload`, { force });
  }

  async model(name: string): Promise<ModelView> {
    const r = await this.req<ModelView>('GET', `/api/models/${encodeURIComponent(name)}`);
    if (r.status !== 200) throw new Error(`GET model ${name}: ${r.status} ${r.text}`);
    return r.json;
  }

  chat(model: string, extra: Record<string, unknown> = {}): Promise<HttpResult<{ choices: { message: { content: string } }[] } & ErrorJson>> {
    return this.req('POST', '/v1/chat/completions', { model, messages: [{ role: 'user', content: 'hi' }], ...extra });
  }

  /** Events of a type (and model) seen since the service started. */
  of(type: string, model?: string): LoadoutEvent[] {
    return this.events.filter((e) => e.type === type && (model === undefined || e.model === model));
  }

  /** The first event matching, already seen or still to come. */
  async waitEvent(pred: (e: LoadoutEvent) => boolean, timeoutMs = 8000, what = 'event'): Promise<LoadoutEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(pred);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; saw: ${this.events.map((e) => `${e.type}(${e.model ?? '-'}${e.reason ? `,${e.reason}` : ''})`).join(' ')}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  waitType(type: string, model?: string, timeoutMs?: number): Promise<LoadoutEvent> {
    return this.waitEvent((e) => e.type === type && (model === undefined || e.model === model), timeoutMs, `${type} ${model ?? ''}`);
  }

  /** Bounded poll of GET /api/models/{name} until `cond` holds. */
  async waitModel(name: string, cond: (m: ModelView) => boolean, timeoutMs = 5000): Promise<ModelView> {
    let last: ModelView | null = null;
    await waitUntil(async () => cond((last = await this.model(name))), timeoutMs, `model ${name} (last: ${JSON.stringify(last)})`);
    return last!;
  }

  /**
   * Resolves with the first view of `name` for which `cond` holds: the current one, or the next one the
   * service pushes. Event-driven (no polling); the bound only turns a hang into a readable failure, and
   * is generous because a busy machine may take seconds to sample a GPU.
   */
  waitView(name: string, cond: (m: ModelView) => boolean, timeoutMs = 20_000): Promise<ModelView> {
    return this.waitPush((p) => (p.type === 'model' && p.model.name === name && cond(p.model) ? p.model : null), async () => {
      const now = await this.model(name);
      return cond(now) ? now : null;
    }, timeoutMs, `model ${name}`);
  }

  /** Like waitView, for the GPU snapshot (`GET /api/gpu` and the `gpu` pushes). */
  waitGpu(cond: (g: GpuSnapshot) => boolean, timeoutMs = 20_000): Promise<GpuSnapshot> {
    return this.waitPush((p) => (p.type === 'gpu' && cond(p.gpu) ? p.gpu : null), async () => {
      const now = (await this.req<GpuSnapshot>('GET', '/api/gpu')).json;
      return cond(now) ? now : null;
    }, timeoutMs, 'GPU snapshot');
  }

  /** Subscribes first, then reads the current state, so that no change can fall between the two. */
  private waitPush<T>(match: (p: Push) => T | null, current: () => Promise<T | null>, timeoutMs: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let last: Push | null = null;
      let done = false;
      const finish = (value: T | null, error?: Error): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        off();
        if (error) reject(error);
        else resolve(value as T);
      };
      const off = this.service.onPush((p) => {
        const hit = match(p);
        if (hit !== null) finish(hit);
        else last = p;
      });
      const timer = setTimeout(() => finish(null, new Error(`timed out after ${timeoutMs}ms waiting for ${what}; last push: ${JSON.stringify(last)}`)), timeoutMs);
      current().then((hit) => void (hit !== null && finish(hit)), (error: unknown) => finish(null, error instanceof Error ? error : new Error(String(error))));
    });
  }

  /** Stops the service; then no process of this test may be left. */
  async stop(): Promise<void> {
    this.off();
    await this.service.stop();
  }
}

/** Stops the service, asserts nothing of the test survives (bounded), removes the temp dir. */
export async function teardown(svc: TestService | null, dir: TestDir): Promise<number[]> {
  try {
    if (svc) await svc.stop();
    const deadline = Date.now() + 2000;
    let left = taggedPids(dir.tag);
    while (left.length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      left = taggedPids(dir.tag);
    }
    return left;
  } finally {
    await dir.cleanup();
  }
}

/**
 * A service per test: `boot(config)` starts one in a fresh temp dir; after each test it is stopped and
 * no process of it may survive.
 */
export function perTestService(): (config: ConfigOptions) => Promise<TestService> {
  let dir: TestDir | null = null;
  let svc: TestService | null = null;
  afterEach(async () => {
    if (!dir) return;
    const left = await teardown(svc, dir);
    svc = null;
    dir = null;
    expect(left, 'backend processes that survived the service').toEqual([]);
  });
  return async (config) => {
    dir = new TestDir();
    svc = await TestService.start(dir, config);
    return svc;
  };
}
