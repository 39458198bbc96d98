import { isMap, isScalar, stringify, type Node, type Pair, type YAMLMap } from 'yaml';
import { formatConfigError } from './types.js';
import { YamlSource, type YamlPath } from './yaml-source.js';

/**
 * `text` with `key: value` set in the map at `mapPath` (the map is created if missing).
 *
 * The common cases are edited as text at the node's source range, so every other byte (comments,
 * blank lines, quoting, flow-collection spacing) stays exactly as the user wrote it; re-printing
 * the whole Document would normalise `[big]` to `[ big ]` and the like. Unusual shapes (flow maps,
 * a null or empty parent) fall back to the Document API, which still keeps comments and order.
 * Throws when the file is not valid YAML: writing into a broken file could lose the user's edit.
 */
export function setYamlScalar(file: string, text: string, mapPath: YamlPath, key: string, value: string | number | boolean): string {
  const source = new YamlSource(file, text);
  const syntax = source.syntaxError();
  if (syntax) throw new Error(`cannot edit ${formatConfigError(syntax)}`);
  const next = spliced(source, mapPath, key, value) ?? viaDocument(source, mapPath, key, value);
  const check = new YamlSource(file, next);
  if (check.syntaxError() || check.doc.getIn([...mapPath, key]) !== value) {
    throw new Error(`cannot set ${[...mapPath, key].join('.')} in ${file} without changing its structure`);
  }
  return next;
}

/**
 * `text` with a new map `key:` holding `entries` added to the map at `mapPath` (e.g. a model under
 * `models:`), written as a block after the last existing entry so the rest of the file is untouched.
 * Throws when `key` already exists there or the file is not valid YAML.
 */
export function addYamlMap(file: string, text: string, mapPath: YamlPath, key: string, entries: Record<string, string | number | boolean>): string {
  const source = new YamlSource(file, text);
  const syntax = source.syntaxError();
  if (syntax) throw new Error(`cannot edit ${formatConfigError(syntax)}`);
  if (source.locate([...mapPath, key]) !== null) throw new Error(`${[...mapPath, key].join('.')} already exists in ${file}`);
  const located = source.locate(mapPath);
  const map = located?.value;
  const lines = [`${formatScalar(key)}:`, ...Object.entries(entries).map(([k, v]) => `  ${k}: ${formatScalar(v)}`)];
  let next = isMap(map) ? insertPair(source, map, lines) : emptyParent(source, located?.key ?? null, map ?? null, lines);
  if (next === null) {
    const doc = source.doc;
    if (!isMap(map)) doc.setIn(mapPath, doc.createNode({}));
    doc.setIn([...mapPath, key], doc.createNode(entries));
    next = doc.toString();
  }
  const check = new YamlSource(file, next);
  if (check.syntaxError() || Object.entries(entries).some(([k, v]) => check.doc.getIn([...mapPath, key, k]) !== v)) {
    throw new Error(`cannot add ${[...mapPath, key].join('.')} to ${file} without changing its structure`);
  }
  return next;
}

/**
 * `lines` as the first entries of a map that is still empty (`models:` followed only by comments,
 * as in the default config): right after the key's line, indented one step, so the comments
 * below stay where they are.
 */
function emptyParent(source: YamlSource, key: Node | null, value: Node | null, lines: string[]): string | null {
  const empty = value === null || (isScalar(value) && (value.value === null || value.value === ''));
  if (!empty || !key?.range) return null;
  const { text } = source;
  const lineStart = text.lastIndexOf('\n', key.range[0] - 1) + 1;
  const indent = text.slice(lineStart, key.range[0]);
  if (!/^[ ]*$/.test(indent)) return null;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lineEnd = text.indexOf('\n', key.range[1]);
  const at = lineEnd < 0 ? text.length : lineEnd + 1;
  const head = lineEnd < 0 ? text + eol : text.slice(0, at);
  return head + lines.map((l) => `${indent}  ${l}${eol}`).join('') + text.slice(at);
}

function spliced(source: YamlSource, mapPath: YamlPath, key: string, value: string | number | boolean): string | null {
  const scalar = formatScalar(value);
  const map = source.locate(mapPath)?.value;
  if (map === undefined && mapPath.length > 0) {
    // The map itself is missing (no `watchdog:` yet): add it with its one key to the parent.
    const parent = source.locate(mapPath.slice(0, -1))?.value;
    return isMap(parent) ? insertPair(source, parent, [`${String(mapPath[mapPath.length - 1])}:`, `  ${key}: ${scalar}`]) : null;
  }
  if (!isMap(map)) return null;
  const existing = (map.items as Pair<Node | null, Node | null>[]).find((p) => isScalar(p.key) && String(p.key.value) === key);
  if (!existing) return insertPair(source, map, [`${key}: ${scalar}`]);
  const v = existing.value;
  if (!isScalar(v) || !v.range || v.range[0] === v.range[1]) return null;
  return source.text.slice(0, v.range[0]) + scalar + source.text.slice(v.range[1]);
}

/** `lines` added after the last pair of a non-empty block map, at the indentation of its keys. */
function insertPair(source: YamlSource, map: YAMLMap, lines: string[]): string | null {
  const { text } = source;
  const pairs = map.items as Pair<Node | null, Node | null>[];
  if (map.flow || pairs.length === 0) return null;
  const firstKey = pairs[0]?.key;
  const last = pairs[pairs.length - 1];
  const end = last?.value?.range?.[1] ?? last?.key?.range?.[1];
  if (!firstKey?.range || end === undefined) return null;
  const lineStart = text.lastIndexOf('\n', firstKey.range[0] - 1) + 1;
  const prefix = text.slice(lineStart, firstKey.range[0]);
  const indent = /^[ ]*$/.test(prefix) ? prefix : ' '.repeat(prefix.length);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  // After the last pair's line, trailing comment included; a nested block value may already end in a newline.
  let at = text[end - 1] === '\n' ? end : text.indexOf('\n', end) + 1;
  let head = text;
  if (at === 0) {
    head = text + eol;
    at = head.length;
  }
  return head.slice(0, at) + lines.map((l) => `${indent}${l}${eol}`).join('') + head.slice(at);
}

function viaDocument(source: YamlSource, mapPath: YamlPath, key: string, value: string | number | boolean): string {
  const doc = source.doc;
  if (mapPath.length > 0 && !isMap(source.locate(mapPath)?.value)) doc.setIn(mapPath, doc.createNode({}));
  doc.setIn([...mapPath, key], value);
  return doc.toString();
}

function formatScalar(value: string | number | boolean): string {
  return stringify(value).trimEnd();
}
