import type { ModelConfig } from '../config/types.js';

// How a model's `cmd` becomes argv (CONTRACT §2): split like a shell would, never run through one,
// so quoting works as users expect but nothing is globbed, piped or interpolated by a shell.

/** Thrown for a command line that cannot be split or expanded; the message says why. */
export class CommandLineError extends Error {
  override name = 'CommandLineError';
}

/**
 * Shell-like splitting: whitespace separates words; '…' is literal; "…" honours \" \\ \$ \`;
 * a backslash outside quotes escapes the next character (backslash-newline joins lines); an
 * unquoted `#` starting a word comments out the rest of the line, so multi-line YAML `cmd: |`
 * blocks may carry comments.
 */
export function splitCommandLine(s: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  const push = () => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  while (i < s.length) {
    const c = s[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      push();
      i++;
    } else if (c === '#' && !inWord) {
      while (i < s.length && s[i] !== '\n') i++;
    } else if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) throw new CommandLineError(`unterminated ' quote at character ${i + 1}`);
      word += s.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      inWord = true;
      i++;
      for (;;) {
        if (i >= s.length) throw new CommandLineError('unterminated " quote');
        const d = s[i] as string;
        if (d === '"') break;
        if (d === '\\' && i + 1 < s.length && '"\\$`\n'.includes(s[i + 1] as string)) {
          if (s[i + 1] !== '\n') word += s[i + 1];
          i += 2;
        } else {
          word += d;
          i++;
        }
      }
      i++;
    } else if (c === '\\') {
      if (i + 1 >= s.length) throw new CommandLineError('a trailing backslash escapes nothing');
      if (s[i + 1] !== '\n') {
        word += s[i + 1];
        inWord = true;
      }
      i += 2;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  push();
  return words;
}

const MACRO = /\$\{([^}]*)\}/g;
const ENV_MACRO = /^env\.([A-Za-z_][A-Za-z0-9_]*)$/;
const PLAIN_MACROS = new Set(['PORT', 'MODEL', 'ARGS', 'NAME']);

/** Every `${…}` name in `text` that is not a known macro (empty when all are known). */
export function unknownMacros(text: string): string[] {
  return [...text.matchAll(MACRO)].map((m) => m[1] as string).filter((n) => !PLAIN_MACROS.has(n) && !ENV_MACRO.test(n));
}

/** The macro names used in `text`, e.g. `MODEL`, `env.HOME`. */
export function usedMacros(text: string): string[] {
  return [...text.matchAll(MACRO)].map((m) => m[1] as string);
}

/** Why `cmd` cannot be used as a command template, or null: quoting, emptiness, unknown macros. */
export function commandTemplateProblem(cmd: string): string | null {
  let words: string[];
  try {
    words = splitCommandLine(cmd);
  } catch (e) {
    if (e instanceof CommandLineError) return e.message;
    throw e;
  }
  if (words.length === 0) return 'the command is empty';
  const unknown = unknownMacros(cmd);
  if (unknown.length > 0) {
    return `unknown macro \${${unknown[0]}}; known: \${PORT}, \${MODEL}, \${ARGS}, \${NAME}, \${env.VAR}`;
  }
  return null;
}

export interface ExpandVars {
  port: number;
  /** The environment `${env.VAR}` reads; the model's own `env` takes precedence, as in the child. */
  env: Record<string, string | undefined>;
}

/**
 * `cmd` with its macros substituted. Splitting happens before substitution, so a model path with
 * spaces stays one argument; a word that is exactly `${ARGS}` becomes the split args (zero or more
 * words). Throws CommandLineError for an unknown macro or an unset `${env.VAR}`; `loadConfig`
 * checks both ahead, so at start time this only fails when the environment changed since.
 */
export function expandCommand(model: ModelConfig, vars: ExpandVars): { file: string; args: string[] } {
  const sub = (word: string) =>
    word.replace(MACRO, (_all, name: string) => {
      if (name === 'PORT') return String(vars.port);
      if (name === 'MODEL') return model.model ?? '';
      if (name === 'NAME') return model.name;
      if (name === 'ARGS') return model.args;
      const env = ENV_MACRO.exec(name);
      if (!env) throw new CommandLineError(`unknown macro \${${name}}`);
      const v = model.env[env[1] as string] ?? vars.env[env[1] as string];
      if (v === undefined) throw new CommandLineError(`\${${name}}: environment variable ${env[1]} is not set`);
      return v;
    });
  const argv: string[] = [];
  for (const word of splitCommandLine(model.cmd)) {
    if (word === '${ARGS}') {
      // Macros inside args (e.g. `--alias ${NAME}`) expand too; ${ARGS} there is rejected at load.
      for (const a of splitCommandLine(model.args)) argv.push(sub(a));
    } else {
      argv.push(sub(word));
    }
  }
  const [file, ...args] = argv;
  if (!file) throw new CommandLineError('the command is empty');
  return { file, args };
}

/** The loopback URL polled for readiness. */
export function healthUrl(port: number, path: string): string {
  return `http://127.0.0.1:${port}${path.startsWith('/') ? path : `/${path}`}`;
}

/** One argument quoted so that `splitCommandLine` gives it back unchanged. */
export function quoteArg(arg: string): string {
  if (arg !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}
