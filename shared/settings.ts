import { z } from 'zod';
import { MAX_DURATION_MESSAGE, MAX_DURATION_MS, parseDuration, parseSize } from './units.js';

/** The watchdog settings as the config file and `GET /api/settings` spell them (CONTRACT §2, §4). */
export interface WatchdogSettingsView {
  interval: string;
  idle_check: boolean;
  idle_timeout: string;
  busy_check: boolean;
  busy_timeout: string;
  max_active: number;
  memory_reclaimer: boolean;
  memory_threshold: number;
  vram_headroom: string;
  force_eviction_when_busy: boolean;
  eviction_retries: number;
  eviction_retry_interval: string;
  stop_timeout: string;
  health_timeout: string;
  max_turn: string;
  load_failure_cooldown: string;
  load_failure_cooldown_max: string;
  health_check_interval: string;
  drain_timeout: string;
}

export const WATCHDOG_KEYS = [
  'interval', 'idle_check', 'idle_timeout', 'busy_check', 'busy_timeout', 'max_active', 'memory_reclaimer',
  'memory_threshold', 'vram_headroom', 'force_eviction_when_busy', 'eviction_retries', 'eviction_retry_interval',
  'stop_timeout', 'health_timeout', 'max_turn', 'load_failure_cooldown', 'load_failure_cooldown_max', 'health_check_interval',
  'drain_timeout',
] as const satisfies readonly (keyof WatchdogSettingsView)[];

/** A duration in the config file or an API body: well formed and at most MAX_DURATION_MS. */
export const durationSchema = z
  .union([z.string(), z.number()])
  .refine((v) => parseDuration(v) !== null, { message: 'expected a duration such as 500ms, 10s, 15m, 1h or a number of seconds', abort: true })
  .refine((v) => (parseDuration(v) ?? 0) <= MAX_DURATION_MS, { message: MAX_DURATION_MESSAGE });
export const sizeSchema = z.union([z.string(), z.number()]).refine((v) => parseSize(v) !== null, {
  message: 'expected a size such as 512MiB, 6GiB, 6GB or a number of bytes',
});

/** One schema for the YAML `watchdog:` map and the body of `PATCH /api/settings`. */
export const watchdogPatchSchema = z.strictObject({
  interval: durationSchema.refine((v) => (parseDuration(v) ?? 0) >= 50, { message: 'interval must be at least 50ms' }),
  idle_check: z.boolean(),
  idle_timeout: durationSchema,
  busy_check: z.boolean(),
  busy_timeout: durationSchema,
  max_active: z.number().int().min(0),
  memory_reclaimer: z.boolean(),
  memory_threshold: z.number().gt(0).max(1),
  vram_headroom: sizeSchema,
  force_eviction_when_busy: z.boolean(),
  eviction_retries: z.number().int().min(0).max(100_000),
  eviction_retry_interval: durationSchema,
  stop_timeout: durationSchema,
  health_timeout: durationSchema,
  max_turn: durationSchema,
  load_failure_cooldown: durationSchema,
  load_failure_cooldown_max: durationSchema,
  health_check_interval: durationSchema,
  drain_timeout: durationSchema,
}).partial();

export type WatchdogPatch = z.infer<typeof watchdogPatchSchema>;
