import { fileURLToPath } from 'node:url';
import type { BackendTemplate } from '../config/types.js';
import { quoteArg } from './command-line.js';

export const BUILTIN_TEMPLATE_NAME = 'builtin';

/**
 * The built-in backend's entry point, next to this file once compiled (dist/electron/engine/backends/builtin/).
 * In the packaged app it is unpacked from app.asar (electron-builder.yml), and run from there.
 */
export const BUILTIN_SERVER_SCRIPT = fileURLToPath(new URL('./builtin/server.js', import.meta.url)).replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');

/**
 * The `builtin` template: Loadout's own Node runs the built-in backend (node-llama-cpp) as a child
 * process. In the desktop app `execPath` is Electron, which `ELECTRON_RUN_AS_NODE` turns into plain
 * Node, so no system Node is needed. It takes llama-server's flags, so `args` carry over.
 */
export function builtinTemplate(execPath: string, script = BUILTIN_SERVER_SCRIPT): BackendTemplate {
  return {
    cmd: `${quoteArg(execPath)} ${quoteArg(script)} --host 127.0.0.1 --port \${PORT} -m \${MODEL} --alias \${NAME} \${ARGS}`,
    health: '/health',
    env: { ELECTRON_RUN_AS_NODE: '1' },
    protocol: 'http',
  };
}
