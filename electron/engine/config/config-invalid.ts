import { formatConfigError, type ConfigError } from './types.js';

/**
 * Thrown only inside the config layer so deep validation can stop at the first problem;
 * `loadConfig` turns it back into a `{ ok: false, error }` value at its boundary.
 */
export class ConfigInvalid extends Error {
  constructor(readonly error: ConfigError) {
    super(formatConfigError(error));
    this.name = 'ConfigInvalid';
  }
}
