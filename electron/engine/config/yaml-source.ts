import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair } from 'yaml';
import type { ConfigError } from './types.js';

export type YamlPath = readonly (string | number)[];

/** A located node: the pair's key (when the path ends in a map key) and its value. */
interface Located {
  key: Node | null;
  value: Node | null;
}

/**
 * One parsed YAML file that can say where any dotted path sits (CONTRACT §1: errors name file,
 * line, column and key). The Document keeps source ranges, so the same object also drives
 * comment-preserving write-back.
 */
export class YamlSource {
  readonly doc: Document.Parsed;
  private readonly lines = new LineCounter();

  constructor(readonly file: string, readonly text: string) {
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, keepSourceTokens: false });
  }

  /** The first syntax error (YAML parse errors, duplicate keys), located, or null. */
  syntaxError(): ConfigError | null {
    const err = this.doc.errors[0];
    if (!err) return null;
    // An error "at the end of input" (an unclosed quote or bracket) is shown on the last written
    // line rather than on an empty line past it.
    const offset = Math.min(err.pos[0], Math.max(0, this.text.trimEnd().length - 1));
    const pos = this.position(offset);
    return { file: this.file, ...pos, key: formatPath(this.pathAtOffset(offset)), message: err.message };
  }

  warnings(): string[] {
    return this.doc.warnings.map((w) => {
      const pos = this.position(w.pos[0]);
      return `${this.file}:${pos.line}:${pos.column}: ${w.message}`;
    });
  }

  /** The plain JS value of the document; an empty file is an empty map. */
  value(): unknown {
    return this.doc.toJS({ maxAliasCount: 100 }) ?? {};
  }

  /** A ConfigError at `path`; where the path does not exist (a missing key), at its nearest ancestor. */
  errorAt(path: YamlPath, message: string, at: 'key' | 'value' = 'value'): ConfigError {
    let found: Located | null = null;
    for (let n = path.length; n >= 0 && !found; n--) found = this.locate(path.slice(0, n));
    const node = (at === 'key' ? found?.key ?? found?.value : found?.value ?? found?.key) ?? null;
    const pos = node?.range ? this.position(node.range[0]) : { line: null, column: null };
    return { file: this.file, ...pos, key: formatPath(path), message };
  }

  /** The value node and key node at `path`, or null when some segment is missing. */
  locate(path: YamlPath): Located | null {
    let current: Located = { key: null, value: (this.doc.contents as Node | null) ?? null };
    for (const seg of path) {
      const node = current.value;
      if (isMap(node)) {
        const pair = (node.items as Pair<unknown, unknown>[]).find((p) => keyText(p.key) === String(seg));
        if (!pair) return null;
        current = { key: (pair.key as Node | null) ?? null, value: (pair.value as Node | null) ?? null };
      } else if (isSeq(node) && typeof seg === 'number') {
        const item = node.items[seg] as Node | undefined;
        if (item === undefined) return null;
        current = { key: null, value: item };
      } else {
        return null;
      }
    }
    return current;
  }

  position(offset: number): { line: number; column: number } {
    const { line, col } = this.lines.linePos(offset);
    return { line: Math.max(line, 1), column: col };
  }

  /** The deepest key path whose node covers `offset`, so a syntax error still names a key. */
  pathAtOffset(offset: number): (string | number)[] {
    const path: (string | number)[] = [];
    let node = (this.doc.contents as Node | null) ?? null;
    for (;;) {
      let next: Node | null = null;
      if (isMap(node)) {
        for (const p of node.items as Pair<unknown, unknown>[]) {
          const k = p.key as Node | null;
          const v = p.value as Node | null;
          const start = k?.range?.[0] ?? v?.range?.[0];
          const end = v?.range?.[2] ?? k?.range?.[2];
          if (start !== undefined && end !== undefined && offset >= start && offset <= end) {
            path.push(keyText(k));
            next = v;
            break;
          }
        }
      } else if (isSeq(node)) {
        node.items.forEach((item, i) => {
          const r = (item as Node | null)?.range;
          if (!next && r && offset >= r[0] && offset <= r[2]) {
            path.push(i);
            next = item as Node;
          }
        });
      }
      if (!next) return path;
      node = next;
    }
  }
}

function keyText(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  if (isPair(key)) return keyText(key.key);
  return String(key);
}

/** `models.qwen3-8b.aliases[1]`; an empty path is the document itself (null key). */
export function formatPath(path: YamlPath): string | null {
  if (path.length === 0) return null;
  return path.reduce<string>((acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '');
}
