// Leaves nothing behind when a benchmark is stopped early (SIGTERM, SIGINT): the engines it forked
// stop their backends, the backends it spawned itself go with their process groups, its temp dir is
// removed. Linux (/proc).
import { readdirSync, readFileSync } from 'node:fs';

const engines = new Set();
const backends = new Set();
const dirs = new Set();

/** An engine from startChild(): stopped (SIGTERM, it stops its backends) on a stop signal. */
export function trackEngine(engine) {
  engines.add(engine);
  return { ...engine, stop: () => engine.stop().finally(() => engines.delete(engine)) };
}

/** A child spawned `detached` (its own process group); forgotten once it exits. */
export function trackBackend(child) {
  backends.add(child);
  child.once('exit', () => backends.delete(child));
  return child;
}

/** A tempDir() removed on a stop signal too. */
export function trackDir(dir) {
  dirs.add(dir);
  return { ...dir, remove: () => (dirs.delete(dir), dir.remove()) };
}

/** A process's start time (clock ticks since boot, /proc/PID/stat field 22): its identity with the pid. */
function startOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces and parentheses): state, ppid, ...
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null; // gone
  }
}

/** Every process below `pid` as { pid, start }, from /proc. */
export function descendantsOf(pid) {
  const children = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const f = startOf(name);
    if (!f) continue;
    const ppid = Number(f[1]);
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid).push({ pid: Number(name), start: f[19] });
  }
  const found = [];
  for (let queue = [pid]; queue.length > 0; ) {
    const next = children.get(queue.shift()) ?? [];
    found.push(...next);
    queue.push(...next.map((p) => p.pid));
  }
  return found;
}

/** SIGKILL to the process group led by `pid` and to `pid` itself, unless the pid now names another process. */
function killGroup(pid, start) {
  if (start !== undefined && startOf(pid)?.[19] !== start) return;
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // no such process (group)
    }
  }
}

const exited = (child) => (child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', r)));

async function cleanUp() {
  // Whatever the engines started, known before they are asked to stop: what a stuck stop leaves is killed.
  const below = [...engines].flatMap((e) => descendantsOf(e.pid));
  for (const child of backends) child.kill('SIGTERM');
  const grace = new Promise((r) => setTimeout(r, 2000).unref());
  await Promise.all([
    ...[...engines].map((e) => e.stop()),
    ...[...backends].map((c) => Promise.race([exited(c), grace])),
  ]);
  for (const child of backends) killGroup(child.pid);
  for (const p of below) killGroup(p.pid, p.start);
  for (const dir of dirs) dir.remove();
}

let stopping = false;
for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]]) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal}: stopping the engines and backends of this benchmark\n`);
    cleanUp().finally(() => process.exit(code));
  });
}
