import type { ModelConfig, WatchdogSettings } from '../config/types.js';

export interface ExitInfo {
  exitCode: number | null;
  signal: string | null;
}

export interface StartFailure {
  /** `model_file_invalid`: the model's file cannot be loaded (checked before anything is spawned). */
  code: 'spawn_failed' | 'exited' | 'health_timeout' | 'aborted' | 'model_file_invalid';
  message: string;
  exitCode: number | null;
  signal: string | null;
  logTail: string[];
}

export type StartResult = { ok: true; loadMs: number } | { ok: false; failure: StartFailure };

/** One started backend process as the loader sees it (a BackendProcess in production, a fake in unit tests). */
export interface BackendHandle {
  readonly pid: number | null;
  readonly port: number;
  start(signal?: AbortSignal): Promise<StartResult>;
  stop(opts?: { force?: boolean }): Promise<ExitInfo>;
  onExit(listener: (info: ExitInfo) => void): () => void;
  /** One health probe of a running backend: ok, or why not. */
  probe(): Promise<{ ok: boolean; reason: string }>;
}

/** Thrown by `Launcher.create` when the model's file cannot be loaded (missing, not GGUF, truncated…). */
export class ModelFileInvalid extends Error {
  override name = 'ModelFileInvalid';
}

/**
 * Creates the backend for one start of a model (chooses the port, expands the command); throws
 * `ModelFileInvalid` for a model file that cannot be loaded.
 */
export interface Launcher {
  create(model: ModelConfig, instance: number, settings: WatchdogSettings): Promise<BackendHandle>;
}
