import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configJsonSchema, configJsonSchemaText, SCHEMA_MODELINE } from '../../../electron/engine/config/config-json-schema.js';
import { mainConfigSchema, modelEntrySchema } from '../../../electron/engine/config/config-schema.js';
import { DEFAULT_CONFIG_TEXT } from '../../../electron/engine/config/default-config.js';

type Node = { type?: string | string[]; properties?: Record<string, Node>; additionalProperties?: boolean | Node; anyOf?: Node[]; enum?: unknown[] };

/** The object form of a node (`nullish` fields are `anyOf: [object, null]`). */
function objectNode(n: Node): Node | null {
  if (n.properties || typeof n.additionalProperties === 'object') return n;
  for (const alt of n.anyOf ?? []) {
    const o = objectNode(alt);
    if (o) return o;
  }
  return null;
}

/** Every key of a YAML document the schema would reject as unknown, as dotted paths. */
function unknownKeys(value: unknown, node: Node, at: string[] = []): string[] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [];
  const obj = objectNode(node);
  if (!obj) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    const child = obj.properties?.[k] ?? (typeof obj.additionalProperties === 'object' ? obj.additionalProperties : undefined);
    if (!child) out.push([...at, k].join('.'));
    else out.push(...unknownKeys(v, child, [...at, k]));
  }
  return out;
}

const schema = configJsonSchema() as Node & Record<string, unknown>;

describe('config JSON Schema', () => {
  it('is generated from the loader\'s schema: every top-level and model key, nothing else', () => {
    expect(Object.keys(schema.properties!).sort()).toEqual(Object.keys(mainConfigSchema.shape).sort());
    expect(schema.additionalProperties).toBe(false);
    const model = objectNode(schema.properties!.models!)!.additionalProperties as Node;
    expect(Object.keys(model.properties!).sort()).toEqual(Object.keys(modelEntrySchema.shape).sort());
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
  });

  it('knows the Ollama keys and their values', () => {
    const ollama = objectNode(schema.properties!.ollama!)!;
    expect(ollama.properties!.keep_alive!.anyOf!.find((a) => a.enum)?.enum).toEqual(['honour', 'ignore']);
    expect(schema.properties!.ollama_listen).toBeDefined();
  });

  it('accepts every key of the default config, and flags an unknown one', () => {
    // Commented examples: a `# key:` heading followed by indented `#   ` lines, or `#   ` lines under a live key.
    const uncommented = DEFAULT_CONFIG_TEXT.split('\n')
      .map((l, i, all) => (l.startsWith('#   ') || (/^# [a-z_]+:\s*$/.test(l) && all[i + 1]?.startsWith('#   ')) ? l.slice(2) : l))
      .join('\n');
    expect(unknownKeys(parse(uncommented), schema)).toEqual([]);
    expect(unknownKeys({ watchdog: { idle_timeot: '5m' }, models: { m: { cmd: 'x', pined: true } } }, schema)).toEqual(['watchdog.idle_timeot', 'models.m.pined']);
  });

  it('matches the copy in docs/ (regenerate it with `loadout config schema > docs/config.schema.json`)', () => {
    const committed = readFileSync(fileURLToPath(new URL('../../../docs/config.schema.json', import.meta.url)), 'utf8');
    expect(committed).toBe(configJsonSchemaText());
  });

  it('is named by the default config\'s first line, for yaml-language-server', () => {
    expect(DEFAULT_CONFIG_TEXT.split('\n')[0]).toBe(SCHEMA_MODELINE);
    expect(SCHEMA_MODELINE).toBe('# yaml-language-server: $schema=./config.schema.json');
  });
});
