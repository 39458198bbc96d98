import type { BackendTemplate } from '../config/types.js';

/**
 * The built-in template, available even when `backends:` does not define it (a definition there
 * replaces it). llama-server answers /health with 503 while the model loads and 200 once ready,
 * which is exactly the readiness signal the supervisor polls for.
 */
export const LLAMA_SERVER_TEMPLATE_NAME = 'llama-server';

export const LLAMA_SERVER_TEMPLATE: Readonly<BackendTemplate> = Object.freeze({
  // --alias: responses carry the model's name, not the GGUF path.
  cmd: 'llama-server --host 127.0.0.1 --port ${PORT} -m ${MODEL} --alias ${NAME} ${ARGS}',
  health: '/health',
  env: Object.freeze({}) as Record<string, string>,
  protocol: 'http',
});
