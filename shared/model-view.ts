import type { PlanMemory } from './plan-text.js';

/** CONTRACT §3: `busy` is not a state; a `ready` model with `inflight > 0` is busy. */
export const MODEL_STATES = ['stopped', 'starting', 'ready', 'stopping', 'failed'] as const;
export type ModelState = (typeof MODEL_STATES)[number];

/** CONTRACT §4 `ModelView`, plus a few read-only extensions (aliases, backend, ttl). */
export interface ModelView {
  name: string;
  state: ModelState;
  pinned: boolean;
  groups: string[];
  pid: number | null;
  port: number | null;
  inflight: number;
  loaded_at: string | null;
  last_used_at: string | null;
  idle_deadline: string | null;
  vram_bytes: number | null;
  error: ModelError | null;
  aliases: string[];
  backend: string | null;
  /** Estimated or configured memory need in bytes, when known (used for fit-before-load). */
  vram_estimate_bytes: number | null;
  /** Requests waiting for this model's next ready instance. */
  queued: number;
  /** After a failed start: requests are refused (503 `load_cooldown`) until then; null when none. */
  cooldown_until: string | null;
  /** Memory of the model's process group on a machine without GPU data (RSS), else null. */
  ram_bytes: number | null;
  /** Where the model comes from: the config's `models:`, a models_dir file, or a GGUF file found by discovery. */
  source: ModelSource;
  /** The model file (`${MODEL}`), when it has one. */
  model_file: string | null;
  /** Multimodal projector attached to it (`--mmproj`). */
  mmproj: string | null;
  /** What the GGUF header says (discovered models). */
  gguf: GgufInfo | null;
  /** Requests served to this model through the OpenAI and Ollama APIs since Loadout started. */
  stats: RequestStatsView;
  /** While `starting`: when the backend was spawned, or, before that, when the load began waiting for room. */
  load_started_at: string | null;
  /** While `starting`: the expected load time, the median of this model's last 5 successful loads (null before the first). */
  load_eta_ms: number | null;
  /** While `starting`: how far the model load is (0..1) where the backend reports it (the built-in backend does), else null. */
  load_progress: number | null;
  /** While `starting` and waiting for room: the models it waits for (busy, starting or stopping). */
  load_waiting_for: string[];
}

/** `ModelView.stats`: counts since start; rate and latency over the last `window` answered requests (at most 100). */
export interface RequestStatsView {
  /** Requests routed to the model, answered or not. */
  requests: number;
  /** Requests that ended in an error answer (ours or the backend's); a client hanging up is not one. */
  errors: number;
  /** Completion tokens per second of generation, from the `usage` the backend reported; null until one did. */
  tokens_per_s: number | null;
  /** Median time from receiving a request to its last byte; null before the first answer. */
  p50_latency_ms: number | null;
  /** How many recent answered requests the two figures above cover. */
  window: number;
}

export type ModelSource = 'config' | 'models_dir' | 'discovered';

export interface GgufInfo {
  /** Every file of the model (split models have several). */
  files: string[];
  size_bytes: number;
  architecture: string | null;
  parameters: number;
  quantization: string | null;
  /** The context length it was trained for. */
  context_length: number | null;
}

export interface ModelError {
  code: string;
  message: string;
  exit_code: number | null;
  log_tail: string[];
  at: string;
}

/** `GET /api/models/{name}/plan`: what a load would do now, from the same decision as admission. */
export interface LoadPlanView {
  model: string;
  /** `ready`: nothing to do; `load`: it would start (possibly after `evict` and waiting for `blocked_by`); `refuse`: it would be refused with `code`. */
  action: 'ready' | 'load' | 'refuse';
  evict: { name: string; reason: 'group' | 'lru' | 'memory'; group: string | null; detail: string }[];
  /** Models the load would wait for (busy, starting or stopping), or that make it refuse. */
  blocked_by: string[];
  /** The load would wait for `blocked_by` before it starts. */
  waits: boolean;
  code: 'pinned_conflict' | 'no_memory' | null;
  message: string;
  /** Requests (not explicit loads) are refused until then after a failed start. */
  cooldown_until: string | null;
  /** For a refusal: the rule and the way out, in words (see shared/plan-text.ts); else null. */
  hint: string | null;
  /** What the model needs and what is free, where GPU data and a memory need exist; else null. */
  memory: PlanMemory | null;
}

/** The memory a model's backend holds: GPU memory where measured, else its RAM (CPU-only machines). */
export function modelMemory(m: Pick<ModelView, 'vram_bytes' | 'ram_bytes'>): { bytes: number; kind: 'VRAM' | 'RAM' } | null {
  if (m.vram_bytes !== null) return { bytes: m.vram_bytes, kind: 'VRAM' };
  if (m.ram_bytes !== null) return { bytes: m.ram_bytes, kind: 'RAM' };
  return null;
}

/** Seconds until a load-failure cooldown ends, or null when there is none. */
export function cooldownLeft(m: Pick<ModelView, 'cooldown_until'>, now: number): number | null {
  if (!m.cooldown_until) return null;
  const s = Math.ceil((Date.parse(m.cooldown_until) - now) / 1000);
  return s > 0 ? s : null;
}
