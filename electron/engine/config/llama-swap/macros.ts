// llama-swap's macros (proxy/config/config.go): `${env.VAR}` first, then per model `${MODEL_ID}`,
// the global macros and the model's own (which override globals of the same name), substituted
// last-defined first so a macro may use any macro defined before it. Anything left is an error.

export type MacroValue = string | number | boolean;
export interface Macro {
  name: string;
  value: MacroValue;
}

const NAME = /^[a-zA-Z0-9_-]+$/;
const ENV = /\$\{env\.([A-Za-z_][A-Za-z0-9_]*)\}/g;
const ANY = /\$\{([^}]*)\}/g;

/** Why a macro definition is refused, or null (the rules llama-swap applies). */
export function macroProblem(name: string, value: unknown): string | null {
  if (name.length >= 64) return `macro name "${name}" is longer than 63 characters`;
  if (!NAME.test(name)) return `macro name "${name}" may only use letters, digits, _ and -`;
  if (name === 'PORT' || name === 'MODEL_ID' || name === 'PID') return `macro name "${name}" is reserved`;
  if (typeof value === 'string') {
    if (value.length >= 1024) return `the value of macro "${name}" is longer than 1023 characters`;
    if (value.includes(`\${${name}}`)) return `macro "${name}" refers to itself`;
    return null;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return null;
  return `macro "${name}" must be a string, number or boolean`;
}

/** `${MODEL_ID}`, then the globals, then the model's own: a model macro replaces a global one in place. */
export function mergeMacros(modelId: string, global: Macro[], own: Macro[]): Macro[] {
  const merged: Macro[] = [{ name: 'MODEL_ID', value: modelId }, ...global];
  for (const m of own) {
    const i = merged.findIndex((x) => x.name === m.name);
    if (i >= 0) merged[i] = m;
    else merged.push(m);
  }
  return merged;
}

/** Substitutes `macros` in `text`, last first. */
export function applyMacros(text: string, macros: Macro[]): string {
  let out = text;
  for (let i = macros.length - 1; i >= 0; i--) {
    const m = macros[i]!;
    out = out.replaceAll(`\${${m.name}}`, String(m.value));
  }
  return out;
}

/** Like applyMacros, but a string that is exactly one macro takes the macro's own type (llama-swap keeps types). */
export function applyMacrosToValue(value: unknown, macros: Macro[]): unknown {
  if (typeof value === 'string') {
    const whole = /^\$\{([^}]*)\}$/.exec(value)?.[1];
    const hit = whole === undefined ? undefined : [...macros].reverse().find((m) => m.name === whole);
    return hit ? hit.value : applyMacros(value, macros);
  }
  if (Array.isArray(value)) return value.map((v) => applyMacrosToValue(v, macros));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, applyMacrosToValue(v, macros)]));
  }
  return value;
}

/** The macro names still in `text`, except the ones in `allowed`. */
export function leftoverMacros(text: string, allowed: readonly string[] = []): string[] {
  return [...text.matchAll(ANY)].map((m) => m[1]!).filter((n) => !allowed.includes(n));
}

/** Every `${env.VAR}` in `text` replaced; the first unset variable is returned instead. */
export function expandEnv(text: string, env: Record<string, string | undefined>): { ok: true; text: string } | { ok: false; missing: string } {
  for (const m of text.matchAll(ENV)) if (env[m[1]!] === undefined) return { ok: false, missing: m[1]! };
  return { ok: true, text: text.replace(ENV, (_all, v: string) => env[v]!) };
}
