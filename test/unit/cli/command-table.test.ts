import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../../electron/cli/args.js';
import { argumentError, COMMANDS } from '../../../electron/cli/command-table.js';
import { editDistance, suggest } from '../../../electron/cli/suggest.js';

const check = (...argv: string[]) => argumentError(parseArgs(argv));

describe('suggest', () => {
  it('names the closest candidate within a third of its length', () => {
    expect(suggest('listn', ['listen', 'config'])).toBe('listen');
    expect(suggest('lod', Object.keys(COMMANDS))).toBe('load');
    expect(suggest('folow', ['follow', 'force'])).toBe('follow');
  });

  it('takes a prefix of two or more characters as meaning the candidate', () => {
    expect(suggest('unp', Object.keys(COMMANDS))).toBe('unpin');
  });

  it('names nothing when no candidate is close', () => {
    expect(suggest('frobnicate', Object.keys(COMMANDS))).toBeNull();
    expect(suggest('x', ['listen'])).toBeNull();
  });

  it('counts inserts, deletes and substitutions', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });
});

describe('argumentError', () => {
  it('accepts each command with its own options, --help and --version', () => {
    expect(check('serve', '--config', 'c.yaml', '--listen', '127.0.0.1:1')).toBeNull();
    expect(check('logs', 'm', '-f', '--tail', '5', '--url', 'http://x')).toBeNull();
    expect(check('unload', 'm', '--force', '--json')).toBeNull();
    expect(check('load', '--help')).toBeNull();
    expect(check('--version')).toBeNull();
    expect(check()).toBeNull();
  });

  it('refuses an option of another command, naming the likely one', () => {
    expect(check('serve', '--force')).toBe('loadout serve: unknown option --force');
    expect(check('events', '--folow')).toBe('loadout events: unknown option --folow; did you mean --follow?');
    expect(check('ps', '-x')).toBe('loadout ps: unknown option -x');
  });

  it('refuses an unknown command, naming the likely one', () => {
    expect(check('lod', 'x')).toBe('loadout: unknown command "lod"; did you mean "load"?');
    expect(check('frobnicate')).toBe('loadout: unknown command "frobnicate"');
  });

  it('refuses a missing or an extra argument with the usage', () => {
    expect(check('pin')).toBe('loadout pin: missing argument\nusage: loadout pin NAME');
    expect(check('ps', 'extra')).toBe('loadout ps: unexpected argument "extra"\nusage: loadout ps');
    expect(check('import', 'llama-swap')).toContain('missing argument');
  });
});
