import { Document, isMap, isScalar, isSeq, visit } from 'yaml';
import { formatPath } from './yaml-source.js';

/**
 * A config value written as commented YAML (what `loadout import` prints): `header` lines on top,
 * each note above the key at its dotted path, short lists of scalars on one line.
 */
export function renderConfig(value: Record<string, unknown>, header: string[], notes: Map<string, string>): string {
  const doc = new Document(value);
  doc.commentBefore = header.map((l) => ` ${l}`).join('\n');
  visit(doc, {
    Seq(_key, node) {
      if (node.items.every((i) => isScalar(i))) node.flow = true;
    },
    Pair(_key, pair, path) {
      if (!isScalar(pair.key)) return;
      const keys = path.filter((n) => !isMap(n) && !isSeq(n) && !(n instanceof Document)).map((n) => String((n as { key: { value: unknown } }).key.value));
      const at = formatPath([...keys, String(pair.key.value)]);
      const note = at ? notes.get(at) : undefined;
      if (note) pair.key.commentBefore = ` ${note}`;
    },
  });
  return doc.toString({ lineWidth: 0 });
}
