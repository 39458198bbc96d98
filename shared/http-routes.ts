import type { CommandName } from './commands.js';

/**
 * How each command is reached over HTTP. The server builds its control API from this table and the
 * browser transport calls it, so the two cannot drift. `:name` is a path parameter; for GET the rest
 * of the payload comes from the query string, otherwise from the JSON body.
 */
export interface HttpRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  path: string;
}

export type HttpCommandName = Exclude<CommandName, 'logs.follow'>;

export const HTTP_ROUTES: Record<HttpCommandName, HttpRoute> = {
  'snapshot.get': { method: 'GET', path: '/api/snapshot' },
  'models.list': { method: 'GET', path: '/api/models' },
  'models.get': { method: 'GET', path: '/api/models/:name' },
  'models.load': { method: 'POST', path: '/api/models/:name/load' },
  'models.plan': { method: 'GET', path: '/api/models/:name/plan' },
  'models.unload': { method: 'POST', path: '/api/models/:name/unload' },
  'models.setPinned': { method: 'PUT', path: '/api/models/:name/pinned' },
  'models.add': { method: 'POST', path: '/api/models/:name/add' },
  'models.addFile': { method: 'POST', path: '/api/models' },
  'events.list': { method: 'GET', path: '/api/events' },
  'logs.tail': { method: 'GET', path: '/api/models/:name/logs' },
  'gpu.get': { method: 'GET', path: '/api/gpu' },
  'settings.get': { method: 'GET', path: '/api/settings' },
  'settings.update': { method: 'PATCH', path: '/api/settings' },
};

/** Streams (SSE). `events` is the contract stream; `dashboard` carries every Push. */
export const STREAM_PATHS = {
  events: '/api/events/stream',
  dashboard: '/api/stream',
  logs: '/api/models/:name/logs/stream',
} as const;

/** Fills `:name` (URL-encoded) in a route path. */
export function fillPath(path: string, params: Record<string, string>): string {
  return path.replace(/:([a-z]+)/g, (_, key: string) => encodeURIComponent(params[key] ?? ''));
}

/** IPC channel names; the preload exposes exactly these two verbs. */
export const IPC_CHANNELS = { invoke: 'loadout:invoke', event: 'loadout:event', ready: 'loadout:ready' } as const;
