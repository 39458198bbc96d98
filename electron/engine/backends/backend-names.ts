/** The embedded llama.cpp backend's template name: the default where llama-server is not on PATH. */
export const BUILTIN_BACKEND_NAME = 'builtin';
