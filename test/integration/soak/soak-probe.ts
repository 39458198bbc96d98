// What the soak observes from outside `loadout serve`: the models its API reports, the processes the
// kernel reports, and the server's own RSS and open files. Only the public HTTP API and /proc.
import { readdirSync, readFileSync } from 'node:fs';
import type { ModelView } from '../../../shared/model-view.js';
import { alive, http, taggedPids, type HttpResult } from '../../helpers/loadout.js';

/** Process group of a live pid (field 5 of /proc/<pid>/stat), or null when it is gone. */
export function processGroup(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
  } catch {
    return null;
  }
}

export interface Footprint {
  rssBytes: number;
  openFiles: number;
}

export function footprint(pid: number): Footprint {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return { rssBytes: rssKb * 1024, openFiles: readdirSync(`/proc/${pid}/fd`).length };
}

/** How long any one API call may take before the soak reports the server as hung. */
const CALL_LIMIT_MS = 60_000;

/** An API call that fails the run, naming itself, when the server does not answer in time. */
export async function call<T = unknown>(url: string, method: string, path: string, body?: unknown): Promise<HttpResult<T>> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${method} ${path} ${body === undefined ? '' : JSON.stringify(body)} did not answer within ${CALL_LIMIT_MS / 1000} s`)), CALL_LIMIT_MS);
  });
  try {
    return await Promise.race([http<T>(url, method, path, body), hung]);
  } finally {
    clearTimeout(timer);
  }
}

export async function listModels(url: string): Promise<ModelView[]> {
  const r = await call<{ models: ModelView[] }>(url, 'GET', '/api/models');
  if (r.status !== 200) throw new Error(`GET /api/models answered ${r.status}: ${r.text}`);
  return r.json.models;
}

const key = (models: ModelView[]): string => JSON.stringify(models.map((m) => [m.name, m.state, m.pid]));

/**
 * What is wrong right now, comparing the API with the process table; empty when they agree. The table
 * is read between two identical answers of the API, so a transition under way is never mistaken for
 * a defect (the caller asks again until the system is still).
 *  - no model is starting or stopping (the system is still);
 *  - every ready model's process is alive;
 *  - every live backend process (and child) belongs to the process group of a ready model: no orphans.
 */
export async function disagreements(url: string, tag: string): Promise<string[]> {
  const before = await listModels(url);
  const pids = taggedPids(tag);
  const after = await listModels(url);
  if (key(before) !== key(after)) return ['the models changed while the processes were read'];
  const problems: string[] = [];
  const groups = new Map<number, string>();
  for (const m of after) {
    if (m.state === 'starting' || m.state === 'stopping') problems.push(`${m.name} is ${m.state}`);
    if (m.state !== 'ready') continue;
    if (m.pid === null || !alive(m.pid)) problems.push(`${m.name} is ready but its process ${m.pid} is not alive`);
    else groups.set(m.pid, m.name);
  }
  for (const pid of pids) {
    const group = processGroup(pid);
    if (group !== null && !groups.has(group)) problems.push(`process ${pid} (group ${group}) belongs to no ready model`);
  }
  return problems;
}

/** Asks until the API and the process table agree; the bound only turns a hang into a report. */
export async function untilConsistent(url: string, tag: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let problems = await disagreements(url, tag);
  while (problems.length > 0) {
    if (Date.now() > deadline) throw new Error(`the API and the processes disagree: ${problems.join('; ')}`);
    await new Promise((r) => setTimeout(r, 50));
    problems = await disagreements(url, tag);
  }
}
