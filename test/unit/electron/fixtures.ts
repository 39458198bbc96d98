import type { CommandContext, CommandHandlers, CommandName } from '../../../shared/commands.js';
import type { GpuSnapshot } from '../../../shared/gpu.js';
import type { ModelView } from '../../../shared/model-view.js';

export const GiB = 1024 ** 3;

export function model(name: string, over: Partial<ModelView> = {}): ModelView {
  return {
    name,
    state: 'stopped',
    pinned: false,
    groups: [],
    pid: null,
    port: null,
    inflight: 0,
    loaded_at: null,
    last_used_at: null,
    idle_deadline: null,
    vram_bytes: null,
    error: null,
    aliases: [],
    backend: 'llama-server',
    vram_estimate_bytes: null,
    queued: 0,
    cooldown_until: null,
    ram_bytes: null,
    source: 'config',
    model_file: null,
    mmproj: null,
    gguf: null,
    stats: { requests: 0, errors: 0, tokens_per_s: null, p50_latency_ms: null, window: 0 },
    load_started_at: null,
    load_eta_ms: null,
    load_progress: null,
    load_waiting_for: [],
    ...over,
  };
}

export function gpu(used: number, total: number, source: GpuSnapshot['source'] = 'nvidia-smi'): GpuSnapshot {
  return {
    source,
    at: '2026-11-26T21:00:00.000Z',
    devices: [{ index: 0, name: 'Test GPU', vendor: 'nvidia', total_bytes: total, used_bytes: used }],
    processes: [],
  };
}

export interface RecordedCall {
  command: CommandName;
  payload: unknown;
  ctx: CommandContext;
}

/** Command handlers that record every call; `impl` overrides single commands. */
export function recordingCommands(impl: Partial<Record<CommandName, (payload: unknown, ctx: CommandContext) => Promise<unknown>>> = {}) {
  const calls: RecordedCall[] = [];
  const handlers = new Proxy({} as CommandHandlers, {
    get(_target, key: string) {
      return (payload: unknown, ctx: CommandContext) => {
        calls.push({ command: key as CommandName, payload, ctx });
        const fn = impl[key as CommandName];
        return fn ? fn(payload, ctx) : Promise.resolve({ handled: key });
      };
    },
  });
  return { handlers, calls };
}
