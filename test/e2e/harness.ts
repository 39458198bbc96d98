// Shared setup for the dashboard end-to-end tests: a real `loadout serve` service (the built one),
// real fake-backend processes and Debian's Chromium driven by playwright-core.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import type { Service, ServiceOptions } from '../../electron/service.js';
import type { ModelView } from '../../shared/model-view.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const RENDERER_DIR = join(REPO_ROOT, 'dist', 'renderer');
const FAKE_BACKEND = join(REPO_ROOT, 'test', 'fixtures', 'fake-backend.mjs');
const FAKE_BIN = join(REPO_ROOT, 'test', 'fixtures', 'bin');
/**
 * The compiled service: electron/service-impl.ts reads its version from `../../package.json`, a path
 * that resolves only from dist/electron/, so the TypeScript source cannot be imported as is.
 */
const DIST_SERVICE = join(REPO_ROOT, 'dist', 'electron', 'service.js');
const CHROMIUM = process.env.LOADOUT_E2E_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const TAG_VAR = 'LOADOUT_E2E_TAG';

/** Default wait for anything the page or the server should do soon. */
export const WAIT_MS = 10_000;

// ---- configuration -----------------------------------------------------------------------------

export interface ModelSpec {
  /** Extra fake-backend flags, e.g. `--vram-mib 4096`. */
  args?: string;
  pinned?: boolean;
  groups?: string[];
  aliases?: string[];
}

export interface E2eConfig {
  models: Record<string, ModelSpec>;
  watchdog?: Record<string, string | number | boolean>;
  /** Fake nvidia-smi devices, `NAME:TOTAL_MIB,...`; without it the test runs with no GPU tool on PATH. */
  gpus?: string;
  /** MiB every fake GPU reports as used by non-compute apps (a desktop, a browser). */
  gpuBaseUsedMib?: number;
  /** Folders for `discover:`, relative to the stage's temp dir; discovered models run on the fake backend. */
  discover?: string[];
}

const WATCHDOG: Record<string, string | number | boolean> = {
  interval: '100ms',
  idle_check: false,
  stop_timeout: '2s',
  health_timeout: '5s',
  eviction_retry_interval: '100ms',
  eviction_retries: 10,
};

const ENV_KEYS = ['PATH', 'FAKE_NVIDIA_GPUS', 'FAKE_GPU_DIR', 'FAKE_GPU_BASE_USED_MIB'] as const;

// ---- the running system ------------------------------------------------------------------------

/**
 * A test file's usual stage life: before its tests, `prepare` (files the config points at), the service
 * started and a dashboard opened (handed to `opened`); after them, the service stopped with no backend
 * left alive.
 */
export function useStage(stage: Stage, opened: (dash: Dashboard) => void, prepare?: () => void): Stage {
  beforeAll(async () => {
    prepare?.();
    await stage.start();
    opened(await stage.open());
  });
  afterAll(async () => {
    const left = await stage.stop();
    expect(left, 'backends still alive after the service stopped').toEqual([]);
  });
  return stage;
}

/** One test file's world: temp dir with config and state, the service, the browser. */
export class Stage {
  readonly dir = mkdtempSync(join(tmpdir(), 'loadout-e2e-'));
  readonly tag = basename(this.dir);
  readonly configFile = join(this.dir, 'config.yaml');
  readonly stateDir = join(this.dir, 'state');
  readonly gpuDir = join(this.dir, 'gpu');
  service: Service | null = null;
  browser: Browser | null = null;
  private savedEnv: Partial<Record<(typeof ENV_KEYS)[number], string | undefined>> | null = null;

  constructor(private readonly config: E2eConfig) {}

  get url(): string {
    if (!this.service) throw new Error('the service is not running');
    return this.service.url;
  }

  configYaml(): string {
    const q = JSON.stringify;
    const c = this.config;
    const backendEnv: Record<string, string> = { [TAG_VAR]: this.tag, ...(c.gpus ? { FAKE_GPU_DIR: this.gpuDir } : {}) };
    const lines = [
      '# Loadout e2e config: the comments must survive write-backs.',
      'listen: 127.0.0.1:0   # overridden by the test',
      `state_dir: ${q(this.stateDir)}`,
      ...(c.discover ? [`discover: [${c.discover.map((d) => q(join(this.dir, d))).join(', ')}]   # GGUF folders`, 'discover_backend: fake'] : []),
      '',
      'watchdog:   # tuned for fast tests',
      ...Object.entries({ ...WATCHDOG, ...c.watchdog }).map(([k, v]) => `  ${k}: ${typeof v === 'string' ? q(v) : String(v)}`),
      '',
      'backends:',
      '  fake:   # a stand-in for llama-server',
      `    cmd: ${q(`${q(process.execPath)} ${q(FAKE_BACKEND)} --port \${PORT} --name \${NAME} \${ARGS}`)}`,
      '    health: /health',
      `    env: { ${Object.entries(backendEnv).map(([k, v]) => `${k}: ${q(v)}`).join(', ')} }`,
      '',
      'models:',
    ];
    for (const [name, m] of Object.entries(c.models)) {
      lines.push(`  # the ${name} model`, `  ${name}:`, '    backend: fake   # shared template');
      if (m.args) lines.push(`    args: ${q(m.args)}`);
      if (m.pinned !== undefined) lines.push(`    pinned: ${m.pinned}`);
      if (m.groups) lines.push(`    concurrency_groups: [${m.groups.join(', ')}]   # one at a time`);
      if (m.aliases) lines.push(`    aliases: [${m.aliases.join(', ')}]`);
    }
    return lines.join('\n') + '\n';
  }

  readConfig(): string {
    return readFileSync(this.configFile, 'utf8');
  }

  /** Writes the config, starts the service (with the fake nvidia-smi on PATH if asked) and Chromium. */
  async start(): Promise<this> {
    if (!existsSync(join(RENDERER_DIR, 'index.html'))) throw new Error(`${RENDERER_DIR}/index.html is missing: run npm run build`);
    if (!existsSync(DIST_SERVICE)) throw new Error(`${DIST_SERVICE} is missing: run npm run build`);
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Chromium or set LOADOUT_E2E_CHROMIUM`);
    writeFileSync(this.configFile, this.configYaml());

    // The GPU sampler looks nvidia-smi up on PATH (in the process that runs the service) when it starts.
    this.savedEnv = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
    if (this.config.gpus) {
      process.env.PATH = `${FAKE_BIN}${delimiter}${process.env.PATH ?? ''}`;
      process.env.FAKE_NVIDIA_GPUS = this.config.gpus;
      process.env.FAKE_GPU_DIR = this.gpuDir;
      process.env.FAKE_GPU_BASE_USED_MIB = String(this.config.gpuBaseUsedMib ?? 0);
    } else {
      // No GPU tool at all: keep a real nvidia-smi on this machine from changing what the page shows.
      process.env.PATH = (process.env.PATH ?? '').split(delimiter).filter((p) => !existsSync(join(p, 'nvidia-smi'))).join(delimiter);
    }

    const m = (await import(pathToFileURL(DIST_SERVICE).href)) as { startService(o: ServiceOptions): Promise<Service> };
    this.service = await m.startService({ configFile: this.configFile, listen: '127.0.0.1:0', rendererDir: RENDERER_DIR, logger: silentLogger });
    this.browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    return this;
  }

  /** Processes this stage started through the service: backends by tag, the GPU tool by its data dir. */
  ownPids(): number[] {
    return pidsWithEnv([`${TAG_VAR}=${this.tag}\0`, `FAKE_GPU_DIR=${this.gpuDir}\0`]);
  }

  /** Stops the service and the browser; returns the pids of backends (and GPU tools) still alive after a grace period. */
  async stop(): Promise<number[]> {
    try {
      await this.browser?.close();
      await this.service?.stop();
      let left = this.ownPids();
      const deadline = Date.now() + 3000;
      while (left.length && Date.now() < deadline) {
        await pause(25);
        left = this.ownPids();
      }
      return left;
    } finally {
      for (const pid of this.ownPids()) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      if (this.savedEnv) {
        for (const k of ENV_KEYS) {
          const v = this.savedEnv[k];
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
        }
      }
      rmSync(this.dir, { recursive: true, force: true });
    }
  }

  /** A page on the dashboard with console errors, page errors and CSP violations collected. */
  /** `bypassCsp` lets a test inject its own script tags (axe-core); the page's CSP is tested elsewhere. */
  async open(options: { viewport?: { width: number; height: number }; colorScheme?: 'light' | 'dark'; bypassCsp?: boolean } = {}): Promise<Dashboard> {
    if (!this.browser) throw new Error('the browser is not running');
    const context = await this.browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 800 }, colorScheme: options.colorScheme ?? 'light', reducedMotion: 'reduce', bypassCSP: options.bypassCsp ?? false });
    const page = await context.newPage();
    const dash = new Dashboard(this, context, page);
    await dash.goto();
    return dash;
  }

  /** A control-API call made from outside the page. */
  async api<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
    const res = await fetch(new URL(path, this.url), {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as T };
  }

  async model(name: string): Promise<ModelView> {
    const r = await this.api<ModelView>('GET', `/api/models/${encodeURIComponent(name)}`);
    if (r.status !== 200) throw new Error(`GET /api/models/${name}: ${r.status}`);
    return r.json;
  }
}

export interface Problem {
  kind: 'console' | 'pageerror' | 'csp';
  text: string;
}

const CSP_WATCH = `document.addEventListener('securitypolicyviolation', (e) => {
  window.__reportCspViolation(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber);
});`;

export class Dashboard {
  /** Console errors, uncaught page errors and CSP violations seen so far. */
  readonly problems: Problem[] = [];
  mainResponseHeaders: Record<string, string> = {};
  private watching = false;

  constructor(
    readonly stage: Stage,
    readonly context: BrowserContext,
    readonly page: Page,
  ) {
    page.on('console', (m) => {
      if (m.type() === 'error') this.problems.push({ kind: 'console', text: m.text() });
    });
    page.on('pageerror', (e) => this.problems.push({ kind: 'pageerror', text: e.message }));
  }

  /** Loads the dashboard and waits for the first snapshot and the live stream. */
  async goto(): Promise<void> {
    if (!this.watching) {
      this.watching = true;
      await this.page.exposeBinding('__reportCspViolation', (_src, text: string) => {
        this.problems.push({ kind: 'csp', text });
      });
      // Runs before the page's own scripts (outside its CSP), so even the first violation is seen.
      await this.page.addInitScript(CSP_WATCH);
    }

    const res = await this.page.goto(this.stage.url + '/');
    if (!res || res.status() !== 200) throw new Error(`GET / answered ${res?.status() ?? 'nothing'}`);
    this.mainResponseHeaders = res.headers();
    await this.page.getByRole('status', { name: 'Connection: Connected' }).waitFor({ timeout: WAIT_MS });
    await this.modelsTable().getByRole('row').nth(1).waitFor({ timeout: WAIT_MS });
  }

  modelsTable(): Locator {
    return this.page.getByRole('table', { name: 'Models', exact: true });
  }

  eventsTable(): Locator {
    return this.page.getByRole('table', { name: 'Events', exact: true });
  }

  /** The row of one model (found by its pin switch, whose name is exact). */
  row(name: string): Locator {
    return this.modelsTable().getByRole('row').filter({ has: this.page.getByRole('switch', { name: `Pin ${name}`, exact: true }) });
  }

  /** Waits until the model's state badge reads `state` (Ready, Stopped, Failed, ...). */
  async waitState(name: string, state: string): Promise<void> {
    await waitForText(this.row(name).locator('.badge'), new RegExp(`^${state}$`, 'i'), `${name} to be ${state}`);
  }

  /** The Events list row for an event, located by its cells. */
  eventRow(type: string, model: string, reason?: string): Locator {
    let rows = this.eventsTable()
      .getByRole('row')
      .filter({ has: this.page.getByRole('cell', { name: type, exact: true }) })
      .filter({ has: this.page.getByRole('cell', { name: model, exact: true }) });
    if (reason !== undefined) rows = rows.filter({ has: this.page.getByRole('cell', { name: reason, exact: true }) });
    return rows;
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}

// ---- waiting and asserting (playwright-core has no expect) -------------------------------------

/**
 * Waits (Playwright's auto-waiting) until the locator has an element whose text matches `want`; on
 * timeout the error says what the element's text was instead.
 */
export async function waitForText(locator: Locator, want: string | RegExp, what: string, timeout = WAIT_MS): Promise<void> {
  try {
    await locator.filter({ hasText: want }).first().waitFor({ timeout });
  } catch {
    const seen = await locator.allTextContents().catch(() => []);
    throw new Error(`timed out waiting for ${what}: wanted ${String(want)}, saw ${JSON.stringify(seen.map((t) => t.trim()))}`);
  }
}

/** Polls a condition in this process (for server-side state) at a short interval, bounded. */
export async function waitUntil(cond: () => boolean | Promise<boolean>, what: string, timeout = WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await pause(25);
  }
}

export function assert(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(message);
}

function pause(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

// ---- processes ---------------------------------------------------------------------------------

/**
 * Live pids whose environment carries one of the needles: every backend a test started (and their
 * children) by its tag, the fake nvidia-smi by its FAKE_GPU_DIR.
 */
export function pidsWithEnv(needles: string[]): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const env = readFileSync(`/proc/${entry}/environ`, 'latin1');
      if (!needles.some((n) => env.includes(n))) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
      if (state !== 'Z' && state !== 'X') out.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}

const silentLogger: NonNullable<ServiceOptions['logger']> = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
