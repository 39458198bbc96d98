import type { LogLine } from '../../shared/commands.js';
import { eventSentence } from '../../shared/event-text.js';
import type { LoadoutEvent } from '../../shared/events.js';
import { cooldownLeft, modelMemory, type ModelView } from '../../shared/model-view.js';
import { humanBytes } from '../../shared/units.js';
import type { ApiClient } from './api-client.js';
import { flag, type ParsedArgs } from './args.js';
import { unknownCommand } from './command-table.js';
import { runLoad, type LoadCommandDeps } from './load-command.js';

type Out = (line: string) => void;

const enc = encodeURIComponent;

function needName(args: ParsedArgs, cmd: string): string {
  const name = args.positionals[1];
  if (!name) throw new Error(`usage: loadout ${cmd} NAME`);
  return name;
}

function state(m: ModelView, now: number): string {
  const retry = cooldownLeft(m, now);
  if (retry !== null) return `${m.state} (retry in ${retry}s)`;
  return m.state === 'ready' && m.inflight > 0 ? 'busy' : m.state;
}

function memory(m: ModelView): string {
  const mem = modelMemory(m);
  return mem ? `${humanBytes(mem.bytes)}${mem.kind === 'RAM' ? ' RAM' : ''}` : '-';
}

export function formatModels(models: ModelView[], now = Date.now()): string[] {
  const rows = [['NAME', 'STATE', 'PINNED', 'INFLIGHT', 'QUEUED', 'MEMORY', 'PORT', 'PID', 'IDLE IN', 'GROUPS']];
  for (const m of models) {
    const idle = m.idle_deadline ? `${Math.max(0, Math.round((Date.parse(m.idle_deadline) - now) / 1000))}s` : '-';
    rows.push([m.name, state(m, now), m.pinned ? 'yes' : 'no', String(m.inflight), String(m.queued), memory(m), m.port === null ? '-' : String(m.port), m.pid === null ? '-' : String(m.pid), idle, m.groups.join(',') || '-']);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd());
}

/** `seq  time  sentence  [type reason]`: words first, the raw type and reason after for grep. */
export function formatEvent(e: LoadoutEvent): string {
  return `${String(e.seq).padStart(6)}  ${e.at}  ${eventSentence(e)}  [${e.type}${e.reason ? ` ${e.reason}` : ''}]`;
}

/** What a command may use beyond stdout: stderr, the terminal (for a progress bar) and Ctrl-C. */
export type ClientIo = Omit<LoadCommandDeps, 'api' | 'out'>;

const NO_TTY: ClientIo = { err: (l) => console.error(l), tty: null, onInterrupt: () => () => undefined };

export async function runClientCommand(cmd: string, args: ParsedArgs, api: ApiClient, out: Out, io: ClientIo = NO_TTY): Promise<number> {
  const json = args.flags.has('json');
  const print = (value: unknown, text: () => string[]) => (json ? out(JSON.stringify(value, null, 2)) : text().forEach((l) => out(l)));
  switch (cmd) {
    case 'ps': {
      const r = await api.call<{ models: ModelView[] }>('GET', '/api/models');
      print(r, () => formatModels(r.models));
      return 0;
    }
    case 'load':
      return runLoad(needName(args, cmd), args, { api, out, ...io });
    case 'unload': {
      const path = `/api/models/${enc(needName(args, cmd))}`;
      const before = await api.call<ModelView>('GET', path);
      const m = await api.call<ModelView>('POST', `${path}/unload`, { force: args.flags.has('force') });
      print(m, () => [before.state === 'stopped' || before.state === 'failed' ? `${m.name} was not loaded; nothing to do` : `${m.name} unloaded (was ${before.state}${before.pid === null ? '' : `, pid ${before.pid}`})`]);
      return 0;
    }
    case 'pin':
    case 'unpin': {
      const m = await api.call<ModelView>('PUT', `/api/models/${enc(needName(args, cmd))}/pinned`, { pinned: cmd === 'pin' });
      print(m, () => [`${m.name} ${m.pinned ? 'pinned' : 'unpinned'}`]);
      return 0;
    }
    case 'events': {
      const after = Number(flag(args, 'after') ?? 0);
      const limit = Number(flag(args, 'limit') ?? 100);
      const r = await api.call<{ events: LoadoutEvent[] }>('GET', `/api/events?after=${after}&limit=${limit}`);
      for (const e of r.events) out(json ? JSON.stringify(e) : formatEvent(e));
      if (!args.flags.has('follow')) return 0;
      const last = r.events.length ? String(r.events[r.events.length - 1]!.seq) : null;
      const startAfter = last ?? String((await api.call<{ last_seq: number }>('GET', '/api/snapshot')).last_seq);
      return api.follow(`/api/events/stream?after=${startAfter}`, (_ev, data) => {
        const e = JSON.parse(data) as LoadoutEvent;
        out(json ? JSON.stringify(e) : formatEvent(e));
      }, startAfter);
    }
    case 'logs': {
      const name = needName(args, cmd);
      const tail = Number(flag(args, 'tail') ?? 100);
      const r = await api.call<{ lines: LogLine[] }>('GET', `/api/models/${enc(name)}/logs?tail=${tail}`);
      const line = (l: LogLine) => out(json ? JSON.stringify(l) : `${l.at} ${l.stream === 'stderr' ? '!' : ' '} ${l.text}`);
      r.lines.forEach(line);
      if (!args.flags.has('follow')) return 0;
      return api.follow(`/api/models/${enc(name)}/logs/stream`, (_ev, data) => line(JSON.parse(data) as LogLine));
    }
    default:
      throw new Error(unknownCommand(cmd));
  }
}
