import { describe, expect, it } from 'vitest';
import {
  CommandLineError, commandTemplateProblem, expandCommand, healthUrl, quoteArg, splitCommandLine,
} from '../../../electron/engine/backends/command-line.js';
import { LLAMA_SERVER_TEMPLATE } from '../../../electron/engine/backends/llama-server-template.js';
import type { ModelConfig } from '../../../electron/engine/config/types.js';

function model(over: Partial<ModelConfig> = {}): ModelConfig {
  return {
    name: 'qwen3-8b', cmd: LLAMA_SERVER_TEMPLATE.cmd, health: '/health', model: '/models/Qwen 3.gguf', args: '-c 8192 -ngl 99',
    env: {}, aliases: [], pinned: false, groups: [], ttlMs: null, vramBytes: null, contextSize: 8192, backend: 'llama-server',
    unlisted: false, responseTimeoutMs: null, protocol: 'http', sourceFile: '/c.yaml', sourceKind: 'main', ...over,
  };
}

describe('splitCommandLine', () => {
  it('splits on runs of whitespace, newlines included', () => {
    expect(splitCommandLine('  a  b\tc\n d ')).toEqual(['a', 'b', 'c', 'd']);
    expect(splitCommandLine('')).toEqual([]);
  });
  it('keeps single-quoted text literal', () => {
    expect(splitCommandLine(`a 'b c' 'd\\e' '$x'`)).toEqual(['a', 'b c', 'd\\e', '$x']);
  });
  it('honours \\" \\\\ \\$ inside double quotes and keeps other backslashes', () => {
    expect(splitCommandLine('"a \\"b\\" \\\\ \\$ \\n"')).toEqual(['a "b" \\ $ \\n']);
  });
  it('escapes one character with a backslash outside quotes', () => {
    expect(splitCommandLine('a\\ b c\\"d')).toEqual(['a b', 'c"d']);
  });
  it('joins lines ended by a backslash', () => {
    expect(splitCommandLine('llama-server \\\n  --port 1')).toEqual(['llama-server', '--port', '1']);
  });
  it('joins adjacent quoted and unquoted parts into one word, empty quotes included', () => {
    expect(splitCommandLine(`--x='a b'"c" '' ""`)).toEqual(['--x=a bc', '', '']);
  });
  it('drops # comments that start a word, not # inside a word', () => {
    expect(splitCommandLine('a # comment b\nc d#e')).toEqual(['a', 'c', 'd#e']);
  });
  it('does no globbing or variable expansion', () => {
    expect(splitCommandLine('ls *.gguf $HOME ~')).toEqual(['ls', '*.gguf', '$HOME', '~']);
  });
  it('rejects unterminated quotes and a trailing backslash', () => {
    expect(() => splitCommandLine(`a 'b`)).toThrow(CommandLineError);
    expect(() => splitCommandLine('a "b')).toThrow(/unterminated/);
    expect(() => splitCommandLine('a \\')).toThrow(/backslash/);
  });
});

describe('quoteArg', () => {
  it.each(['plain', 'a b', "it's", '', '$x', 'a"b', '\\'])('round-trips %j through splitCommandLine', (arg) => {
    expect(splitCommandLine(quoteArg(arg))).toEqual([arg]);
  });
});

describe('expandCommand', () => {
  it('expands the llama-server template, keeping a path with spaces as one argument', () => {
    expect(expandCommand(model(), { port: 40123, env: {} })).toEqual({
      file: 'llama-server',
      args: ['--host', '127.0.0.1', '--port', '40123', '-m', '/models/Qwen 3.gguf', '--alias', 'qwen3-8b', '-c', '8192', '-ngl', '99'],
    });
  });
  it('turns a ${ARGS} word into zero arguments when args are empty', () => {
    expect(expandCommand(model({ args: '' }), { port: 1, env: {} }).args).toEqual(['--host', '127.0.0.1', '--port', '1', '-m', '/models/Qwen 3.gguf', '--alias', 'qwen3-8b']);
  });
  it('substitutes macros inside words, and in args', () => {
    const m = model({ cmd: 'srv --listen=127.0.0.1:${PORT} --id=${NAME} ${ARGS}', args: "--alias ${NAME} --t 'a b'" });
    expect(expandCommand(m, { port: 9, env: {} })).toEqual({ file: 'srv', args: ['--listen=127.0.0.1:9', '--id=qwen3-8b', '--alias', 'qwen3-8b', '--t', 'a b'] });
  });
  it('reads ${env.VAR} from the model env first, then the given environment', () => {
    const m = model({ cmd: 'srv ${env.A} ${env.B}', env: { A: 'model' } });
    expect(expandCommand(m, { port: 1, env: { A: 'process', B: 'process' } }).args).toEqual(['model', 'process']);
  });
  it('fails on an unset ${env.VAR} and on an unknown macro', () => {
    expect(() => expandCommand(model({ cmd: 'srv ${env.NOPE}' }), { port: 1, env: {} })).toThrow(/NOPE is not set/);
    expect(() => expandCommand(model({ cmd: 'srv ${PROT}' }), { port: 1, env: {} })).toThrow(/unknown macro \$\{PROT\}/);
  });
  it('fails on an empty command', () => {
    expect(() => expandCommand(model({ cmd: '${ARGS}', args: '' }), { port: 1, env: {} })).toThrow(/empty/);
  });
});

describe('commandTemplateProblem', () => {
  it('accepts the built-in template and every documented macro', () => {
    expect(commandTemplateProblem(LLAMA_SERVER_TEMPLATE.cmd)).toBeNull();
    expect(commandTemplateProblem('s ${NAME} ${env.HOME_DIR}')).toBeNull();
  });
  it('names an unknown macro, bad quoting and an empty command', () => {
    expect(commandTemplateProblem('s ${env.1X}')).toMatch(/unknown macro \$\{env\.1X\}/);
    expect(commandTemplateProblem('s "x')).toMatch(/unterminated/);
    expect(commandTemplateProblem('  # only a comment')).toMatch(/empty/);
  });
});

describe('healthUrl', () => {
  it('points at the loopback port and path', () => {
    expect(healthUrl(40123, '/health')).toBe('http://127.0.0.1:40123/health');
    expect(healthUrl(1, 'healthz')).toBe('http://127.0.0.1:1/healthz');
  });
});
