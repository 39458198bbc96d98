import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { LOADOUT_BIN, REPO_ROOT } from './loadout.js';

const DIST_CLI = join(REPO_ROOT, 'dist', 'electron', 'cli.js');

export function assertBuilt(): void {
  if (!existsSync(DIST_CLI)) throw new Error(`${DIST_CLI} is missing: run \`npm run build:node\` first`);
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node bin/loadout.js ARGS` without blocking this event loop (an in-process server may answer it). */
export function runCli(args: string[], env: Record<string, string> = {}, timeoutMs = 15_000): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [LOADOUT_BIN, ...args], { cwd: REPO_ROOT, timeout: timeoutMs, env: { ...process.env, LOADOUT_LOG_LEVEL: 'warn', ...env } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A `loadout serve` child process, in its own process group (like a service manager would start it). */
export class ServeProcess {
  readonly proc: ChildProcess;
  stdout = '';
  stderr = '';
  readonly url: Promise<string>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(configFile: string, extra: string[] = [], env: Record<string, string> = {}) {
    this.proc = spawn(process.execPath, [LOADOUT_BIN, 'serve', '--config', configFile, ...extra], {
      cwd: REPO_ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LOADOUT_LOG_LEVEL: 'warn', ...env },
    });
    this.proc.stdout!.setEncoding('utf8');
    this.proc.stderr!.setEncoding('utf8');
    this.proc.stderr!.on('data', (c: string) => (this.stderr += c));
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => resolve({ code, signal })));
    this.url = new Promise((resolve, reject) => {
      this.proc.stdout!.on('data', (c: string) => {
        this.stdout += c;
        const m = /loadout listening on (http:\/\/\S+)/.exec(this.stdout);
        if (m) resolve(m[1]!);
      });
      void this.exited.then(({ code, signal }) => reject(new Error(`serve exited (${code ?? signal}) before listening: ${this.stderr}`)));
    });
  }

  get pid(): number {
    return this.proc.pid!;
  }

  kill(sig: NodeJS.Signals): void {
    try {
      process.kill(this.pid, sig);
    } catch {
      // gone
    }
  }
}

/**
 * Starts `loadout serve` processes for a test file and SIGKILLs them after each test. After-hooks run
 * last-registered first, so call this after registering a hook that checks for leftover backends.
 */
export function serveProcesses(): (configFile: string, extra?: string[]) => ServeProcess {
  const started: ServeProcess[] = [];
  afterEach(async () => {
    for (const s of started.splice(0)) {
      s.kill('SIGKILL');
      await s.exited;
    }
  });
  return (configFile, extra = []) => {
    const s = new ServeProcess(configFile, extra);
    started.push(s);
    return s;
  };
}
