/** One `key = value` of an INI file, with where it was written. */
export interface IniEntry {
  key: string;
  value: string;
  line: number;
}

export interface IniSection {
  /** `*` for llama.cpp's global section; '' for keys written before any section. */
  name: string;
  line: number;
  entries: IniEntry[];
}

/** Thrown for a line that is not a section, a `key = value`, a comment or blank. */
export class IniSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
    this.name = 'IniSyntaxError';
  }
}

/** The sections of an INI file in order (llama.cpp's `--models-preset` dialect: `;` and `#` comments). */
export function parseIni(text: string): IniSection[] {
  const sections: IniSection[] = [{ name: '', line: 0, entries: [] }];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const s = raw.trim();
    if (s === '' || s.startsWith(';') || s.startsWith('#')) return;
    const section = /^\[([^\]]*)\]\s*(?:[;#].*)?$/.exec(s);
    if (section) {
      const name = section[1]!.trim();
      if (!name) throw new IniSyntaxError(line, 'a section needs a name, e.g. [my-model]');
      sections.push({ name, line, entries: [] });
      return;
    }
    const eq = s.indexOf('=');
    if (eq <= 0) throw new IniSyntaxError(line, `expected key = value, got "${s}"`);
    const value = s.slice(eq + 1).replace(/\s+[;#].*$/, '').trim();
    sections[sections.length - 1]!.entries.push({ key: s.slice(0, eq).trim(), value: unquote(value), line });
  });
  return sections;
}

function unquote(v: string): string {
  return v.length >= 2 && ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) ? v.slice(1, -1) : v;
}
