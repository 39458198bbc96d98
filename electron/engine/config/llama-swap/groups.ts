// llama-swap groups on Loadout's concurrency groups. In llama-swap every model belongs to one group
// (models in none form the "(default)" group: swap, exclusive). `swap`: one member loaded at a time.
// `exclusive`: loading a member unloads the other groups' models. `persistent`: other groups never
// unload its members. Loadout's rule is symmetric ("two loaded models never share a concurrency
// group"), so the conflicts are written as shared group names:
//   - a swap group's members share the group's name;
//   - two groups conflict when either is exclusive and neither is persistent; each pair of
//     conflicting "units" (a swap group as a whole, or each member of a non-swap group) shares
//     the name `A|B`.
// One difference remains: llama-swap lets a non-exclusive group load next to a running exclusive
// one (it only looks at the group being loaded, mostlygeek/llama-swap#215); here the rule holds both ways.

export const DEFAULT_GROUP = '(default)';

export interface SwapGroup {
  swap: boolean;
  exclusive: boolean;
  persistent: boolean;
  members: string[];
}

interface Unit {
  name: string;
  members: string[];
}

/** Adds the "(default)" group for models in no group, as llama-swap does. */
export function withDefaultGroup(groups: Record<string, SwapGroup>, models: string[]): Record<string, SwapGroup> {
  const grouped = new Set(Object.values(groups).flatMap((g) => g.members));
  const orphans = models.filter((m) => !grouped.has(m)).sort();
  if (orphans.length === 0) return groups;
  return { ...groups, [DEFAULT_GROUP]: { swap: true, exclusive: true, persistent: false, members: orphans } };
}

/** Each model's concurrency groups, so that Loadout evicts what llama-swap would unload. */
export function concurrencyGroupsFor(groups: Record<string, SwapGroup>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (model: string, group: string) => out.set(model, [...(out.get(model) ?? []), group]);
  const ids = Object.keys(groups).sort();
  const units = (id: string): Unit[] => {
    const g = groups[id]!;
    return g.swap ? [{ name: id, members: g.members }] : g.members.map((m) => ({ name: m, members: [m] }));
  };
  for (const id of ids) {
    const g = groups[id]!;
    if (g.swap && g.members.length > 1) for (const m of g.members) add(m, id);
  }
  for (let i = 0; i < ids.length; i++) {
    for (let j = i + 1; j < ids.length; j++) {
      const a = groups[ids[i]!]!;
      const b = groups[ids[j]!]!;
      if (!(a.exclusive || b.exclusive) || a.persistent || b.persistent) continue;
      for (const ua of units(ids[i]!)) {
        for (const ub of units(ids[j]!)) {
          const name = `${ua.name}|${ub.name}`;
          for (const m of [...ua.members, ...ub.members]) add(m, name);
        }
      }
    }
  }
  return out;
}
