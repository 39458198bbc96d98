import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../electron/cli/command-table.js';
import { assertBuilt, runCli } from '../../helpers/cli.js';
import { REPO_ROOT } from '../../helpers/loadout.js';

// CLI conventions (issue 10 item 10): help exits 0 everywhere, --version, wrong arguments exit 2 with
// a suggestion and never start anything. Each case runs the real `node bin/loadout.js`.

beforeAll(() => assertBuilt());

const version = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
// The CLI must not find a running Loadout or create a config: point it at nothing.
const env = { LOADOUT_CONFIG: join(REPO_ROOT, 'does-not-exist', 'config.yaml') };
const cli = (...args: string[]) => runCli(args, env);

describe('loadout --help', () => {
  it.each(['--help', '-h', 'help'])('`loadout %s` prints every command and exits 0', async (flag) => {
    const r = await cli(flag);
    expect(r.code, r.stderr).toBe(0);
    for (const spec of Object.values(COMMANDS)) expect(r.stdout).toContain(spec.usage);
  });

  it.each(Object.keys(COMMANDS))('`loadout %s --help`, `-h` and `loadout help` with it print its usage and exit 0', async (cmd) => {
    for (const args of [[cmd, '--help'], [cmd, '-h'], ['help', cmd]]) {
      const r = await cli(...args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toContain(`usage: ${COMMANDS[cmd]!.usage}`);
    }
  });

  it('`loadout` alone prints the help to stderr and exits 2', async () => {
    const r = await cli();
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('usage:');
  });
});

describe('loadout --version', () => {
  it.each(['--version', '-V', 'serve --version'])('`loadout %s` prints the package version and exits 0', async (args) => {
    const r = await cli(...args.split(' '));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(`loadout ${version}`);
  });
});

describe('wrong arguments', () => {
  it('an unknown option of serve exits 2 without starting a server', async () => {
    const r = await cli('serve', '--bogus');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown option --bogus');
    expect(r.stdout).not.toContain('listening');
    expect(r.stdout).not.toContain('created');
  });

  it('a misspelt option is answered with the likely one', async () => {
    const r = await cli('serve', '--listn', '127.0.0.1:1');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown option --listn; did you mean --listen?');
    expect(r.stdout).toBe('');
  });

  it('an option of another command is refused', async () => {
    const r = await cli('ps', '--follow');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('loadout ps: unknown option --follow');
  });

  it('an unknown short option is refused', async () => {
    const r = await cli('logs', 'm', '-x');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown option -x');
  });

  it('a misspelt command is answered with the likely one', async () => {
    const r = await cli('lod', 'qwen');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "lod"; did you mean "load"?');
    const far = await cli('frobnicate');
    expect(far.code).toBe(2);
    expect(far.stderr).toContain('unknown command "frobnicate"');
    expect(far.stderr).not.toContain('did you mean');
    expect((await cli('help', 'lod')).code).toBe(2);
  });

  it('a missing or extra argument exits 2 with the usage', async () => {
    const missing = await cli('load');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('usage: loadout load NAME');
    const extra = await cli('unload', 'a', 'b');
    expect(extra.code).toBe(2);
    expect(extra.stderr).toContain('unexpected argument "b"');
  });
});
