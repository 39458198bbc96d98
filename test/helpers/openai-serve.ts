import OpenAI from 'openai';
import { assertBuilt, ServeProcess } from './cli.js';
import { http, taggedPids, type TestDir } from './loadout.js';

/** The top of a config for tests against real backends: any port, the test's state dir, no idle unloads. */
export function realBackendConfigHead(dir: TestDir, watchdog: { stop_timeout: string; health_timeout: string }): string[] {
  return [
    'listen: 127.0.0.1:0',
    `state_dir: ${JSON.stringify(dir.stateDir)}`,
    'watchdog:',
    '  idle_check: false',
    `  stop_timeout: ${watchdog.stop_timeout}`,
    `  health_timeout: ${watchdog.health_timeout}`,
  ];
}

/** A real `loadout serve` on the test's config, with an `openai` client pointed at its /v1. */
export class OpenAiServe {
  private constructor(
    readonly serve: ServeProcess,
    readonly url: string,
    readonly client: OpenAI,
  ) {}

  static async start(dir: TestDir, configLines: string[]): Promise<OpenAiServe> {
    assertBuilt();
    dir.write(configLines.join('\n') + '\n');
    const serve = new ServeProcess(dir.configFile);
    const url = await serve.url;
    return new OpenAiServe(serve, url, new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 }));
  }

  /** The model's captured backend output. */
  async logLines(model: string): Promise<string[]> {
    const r = await http<{ lines: { text: string }[] }>(this.url, 'GET', `/api/models/${encodeURIComponent(model)}/logs?tail=200`);
    return r.json.lines.map((l) => l.text);
  }

  /** SIGTERM, then what is left: serve's exit code and the test's processes still alive (none, if all is well). */
  async stop(dir: TestDir): Promise<{ code: number | null; left: number[] }> {
    this.serve.kill('SIGTERM');
    const exit = await this.serve.exited;
    const left = taggedPids(dir.tag);
    await dir.cleanup();
    return { code: exit.code, left };
  }
}
