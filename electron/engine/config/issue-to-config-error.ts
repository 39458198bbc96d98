import type { z } from 'zod';
import type { ConfigError } from './types.js';
import type { YamlPath, YamlSource } from './yaml-source.js';

/** The first zod issue as a located ConfigError; an unknown key is pointed at by its own name. */
export function issueToConfigError(source: YamlSource, error: z.ZodError, prefix: YamlPath = []): ConfigError {
  const issue = error.issues[0];
  if (!issue) return source.errorAt(prefix, 'invalid');
  const path = [...prefix, ...issue.path.map((p) => (typeof p === 'number' ? p : String(p)))];
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const extra = issue.keys.length > 1 ? ` (also: ${issue.keys.slice(1).join(', ')})` : '';
    return source.errorAt([...path, key], `unknown key "${key}"${extra}`, 'key');
  }
  const missing = issue.code === 'invalid_type' && source.locate(path) === null;
  return source.errorAt(path, missing ? 'required' : issue.message, missing ? 'key' : 'value');
}
