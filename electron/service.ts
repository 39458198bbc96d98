import type { CommandHandlers } from '../shared/commands.js';
import type { Push } from '../shared/push.js';
import type { LogLine } from '../shared/commands.js';
import type { Logger } from './engine/platform/logger.js';

/**
 * The running product without a face: engine + HTTP API. `loadout serve` and the Electron main process
 * both call `startService`; the desktop app adds the tray and window on top.
 */
export interface ServiceOptions {
  configFile: string;
  /** Overrides the config's `listen` (HOST:PORT; port 0 picks a free one). */
  listen?: string;
  /** Overrides the config's `ollama_listen` (HOST:PORT; port 0 picks a free one). */
  ollamaListen?: string;
  logger?: Logger;
  /** Folder of the built dashboard (index.html + assets) served at `/`. */
  rendererDir?: string;
}

export interface Service {
  /** One implementation behind HTTP and IPC. */
  commands: CommandHandlers;
  /** Every push after the snapshot: numbered events and view updates. */
  onPush(listener: (push: Push) => void): () => void;
  /** Live backend output for one model. */
  onLog(model: string, listener: (line: LogLine) => void): () => void;
  /** `http://HOST:PORT` the API listens on. */
  url: string;
  /** `http://HOST:PORT` of the `ollama_listen` listener, or null. */
  ollamaUrl: string | null;
  /** A key the listeners accept (`api_key`, else the first of `apiKeys`), or null; the desktop app's own requests send it. */
  apiKey: string | null;
  configFile: string;
  /** Stops every backend (graceful, then forced) and closes the server. Idempotent. */
  stop(): Promise<void>;
}

export { startService } from './service-impl.js';
