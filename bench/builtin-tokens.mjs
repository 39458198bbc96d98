#!/usr/bin/env node
// Generation speed of the built-in backend through Loadout vs node-llama-cpp in this process, on the
// same model with the same context, threads, batch, prompt and sampling (greedy, seeded).
//   node bench/builtin-tokens.mjs [--model FILE.gguf] [--tokens 200] [--rounds 7] [--threads 1] [--ctx 1024] [--batch 512]
// Without --model a 10 M-parameter llama model is generated (bench/fixtures/bench-model.mjs).
// Every path is loaded once, then measured alternately, round after round (the order flips every
// round), so machine load hits all alike; each round's own ratios are taken and their medians shown.
// Paths: node-llama-cpp in this process; the same in a child process of its own session (how Loadout
// starts backends) driven over IPC, the control for what a separate process costs by itself; the
// built-in backend's port directly; Loadout's /v1 router.
// Tokens/s is counted the same way on every path, as a client sees it: (generated tokens − 1) over
// the time from the first piece of text to the last (generation), and generated tokens over the
// time from the request to the last piece (whole request). CPU per token of every process involved
// is read from /proc, so where any gap comes from shows.
import { fork } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join, resolve } from 'node:path';
import { benchModel } from './fixtures/bench-model.mjs';
import { BENCH_DIR, fmt, flag, httpOk, main, median, mono, requireBuild, SERVE, startChild, table, tempDir } from './lib.mjs';

const TOKENS = flag('tokens', 200);
const ROUNDS = flag('rounds', 7);
const THREADS = flag('threads', 1);
const CTX = flag('ctx', 1024);
const BATCH = flag('batch', 512);
const SEED = 1;
const PROMPT = 'Write a long story about a lighthouse keeper.';

/**
 * A timer for one generation, started when the request is made: text pieces as they arrive, the
 * generated token count at the end. `rate`: tokens/s from the first piece of text to the last
 * (generation only); `whole`: tokens/s from the request to the last piece (with prompt processing
 * and the request's way in, and immune to pieces that arrive bunched up in one read).
 */
function rateMeter() {
  const start = mono();
  let first = 0;
  let last = 0;
  return {
    text() {
      last = mono();
      if (!first) first = last;
    },
    result: (tokens) => ({ tokens, rate: (tokens - 1) / ((last - first) / 1000), whole: tokens / ((last - start) / 1000) }),
  };
}

/** CPU time (user + system, all threads) a process has used so far, in ms (Linux /proc, 100 Hz ticks). */
function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10; // utime, stime: fields 14 and 15
}

/** Runs `fn` and adds the CPU each of `pids` spent meanwhile to its result (`cpu`: { name: ms }). */
async function withCpu(pids, fn) {
  const before = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuMs(pid)]));
  const r = await fn();
  return { ...r, cpu: Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuMs(pid) - before[k]])) };
}

/** node-llama-cpp in this process, loaded once; `once()` runs one generation. */
export async function inProcess(modelPath) {
  const lib = await import('node-llama-cpp');
  const llama = await lib.getLlama({ gpu: 'auto', build: 'never', maxThreads: THREADS, progressLogs: false, logLevel: lib.LlamaLogLevel.warn });
  const model = await llama.loadModel({ modelPath });
  const context = await model.createContext({ contextSize: CTX, sequences: 1, threads: THREADS, batchSize: BATCH });
  const template = model.fileInfo.metadata.tokenizer?.chat_template;
  const wrapper = template ? new lib.JinjaTemplateChatWrapper({ template, tokenizer: model.tokenizer }) : lib.resolveChatWrapper(model);
  const sequence = context.getSequence();
  return {
    async once() {
      const meter = rateMeter();
      const chat = new lib.LlamaChat({ contextSequence: sequence, chatWrapper: wrapper });
      let tokens = 0;
      try {
        await chat.generateResponse([{ type: 'user', text: PROMPT }, { type: 'model', response: [] }], {
          maxTokens: TOKENS,
          temperature: 0,
          seed: SEED,
          onTextChunk: (t) => void (t && meter.text()),
          onToken: (t) => void (tokens += t.length),
        });
      } finally {
        chat.dispose({ disposeSequence: false });
      }
      return meter.result(tokens);
    },
    async close() {
      await context.dispose();
      await model.dispose();
    },
  };
}

/** The same in a child process of its own session and process group, as Loadout starts backends. */
async function inChild(modelPath) {
  const args = ['--model', modelPath, '--tokens', String(TOKENS), '--threads', String(THREADS), '--ctx', String(CTX), '--batch', String(BATCH)];
  const child = fork(join(BENCH_DIR, 'fixtures', 'llama-child.mjs'), args, { detached: true, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let next = 0;
  const pending = new Map();
  await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`llama-child.mjs exited (${code}) before it was ready`)));
    child.on('message', (m) => {
      if (m.ready) return resolve();
      pending.get(m.id)?.(m.result);
      pending.delete(m.id);
    });
  });
  child.removeAllListeners('exit');
  return {
    pid: child.pid,
    once: () => new Promise((resolve) => {
      const id = ++next;
      pending.set(id, resolve);
      child.send({ op: 'run', id });
    }),
    close: () => new Promise((resolve) => {
      child.once('exit', resolve);
      child.send({ op: 'close' });
    }),
  };
}

/** One streamed chat over HTTP: the same meter, fed by the SSE chunks that carry text. */
function streamOnce(url) {
  return new Promise((resolve, reject) => {
    const u = new URL('/v1/chat/completions', url);
    const body = JSON.stringify({ model: 'bench', stream: true, stream_options: { include_usage: true }, max_tokens: TOKENS, temperature: 0, seed: SEED, messages: [{ role: 'user', content: PROMPT }] });
    const meter = rateMeter();
    const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let buf = '';
      let tokens = 0;
      res.setEncoding('utf8');
      res.on('data', (c) => {
        buf += c;
        let cut;
        while ((cut = buf.indexOf('\n\n')) >= 0) {
          const data = buf.slice(6, cut);
          buf = buf.slice(cut + 2);
          if (data === '[DONE]') continue;
          const chunk = JSON.parse(data);
          if (chunk.usage) tokens = chunk.usage.completion_tokens;
          if (chunk.choices[0]?.delta?.content) meter.text();
        }
      });
      res.on('end', () => (res.statusCode === 200 ? resolve(meter.result(tokens)) : reject(new Error(`HTTP ${res.statusCode}: ${buf.slice(0, 300)}`))));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Loadout serving the same model with the built-in backend, loaded. */
async function throughLoadout(modelPath) {
  const dir = tempDir('builtin');
  const q = JSON.stringify;
  const config = join(dir.path, 'config.yaml');
  writeFileSync(config, ['listen: 127.0.0.1:0', `state_dir: ${q(join(dir.path, 'state'))}`, 'watchdog:', '  idle_check: false', '  health_timeout: 300s', 'models:', '  bench:', '    backend: builtin', `    model: ${q(modelPath)}`, `    args: ${q(`-c ${CTX} -t ${THREADS} -b ${BATCH} -np 1`)}`, ''].join('\n'));
  const engine = await startChild(SERVE, [config]);
  try {
    const view = JSON.parse((await httpOk(`${engine.url}/api/models/bench/load`, { method: 'POST', timeoutMs: 300_000 })).body);
    return { url: engine.url, port: view.port, enginePid: engine.pid, backendPid: view.pid, stop: () => engine.stop().finally(() => dir.remove()) };
  } catch (err) {
    await engine.stop();
    dir.remove();
    throw err;
  }
}

const PATHS = ['inproc', 'child', 'direct', 'loadout'];
const LABELS = { inproc: 'node-llama-cpp in-process', child: 'node-llama-cpp in a child process (IPC)', direct: 'built-in backend, direct (SSE)', loadout: 'through Loadout (router + built-in)' };

export async function run() {
  requireBuild();
  const modelPath = flag('model', '') ? resolve(flag('model', '')) : await benchModel();
  const local = await inProcess(modelPath);
  const child = await inChild(modelPath);
  const loadout = await throughLoadout(modelPath);
  // CPU of every process a path runs through: this one (the in-process model, or the client), the
  // backend, the engine. Where the time goes when the paths differ.
  const me = process.pid;
  const paths = {
    inproc: () => withCpu({ client: me }, () => local.once()),
    child: () => withCpu({ client: me, child: child.pid }, () => child.once()),
    direct: () => withCpu({ client: me, backend: loadout.backendPid }, () => streamOnce(`http://127.0.0.1:${loadout.port}`)),
    loadout: () => withCpu({ client: me, backend: loadout.backendPid, engine: loadout.enginePid }, () => streamOnce(loadout.url)),
  };
  const rounds = [];
  const tokens = new Set();
  try {
    for (const k of PATHS) await paths[k](); // warm-up: first-use costs on every side
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? PATHS : [...PATHS].reverse();
      const r = {};
      for (const k of order) {
        r[k] = await paths[k]();
        tokens.add(r[k].tokens);
      }
      rounds.push(r);
      const each = PATHS.map((k) => `${k} ${fmt(r[k].rate, 1)} (${fmt(r[k].whole, 1)})`).join(', ');
      console.log(`round ${round + 1}: tokens/s generation (whole request) ${each}; Loadout / in-process ${fmt(r.loadout.rate / r.inproc.rate, 3)} (${fmt(r.loadout.whole / r.inproc.whole, 3)})`);
    }
  } finally {
    await loadout.stop();
    await child.close();
    await local.close();
  }
  if (tokens.size !== 1) throw new Error(`the paths generated different token counts (${[...tokens].join(', ')}): not comparable`);
  const med = (k, field) => median(rounds.map((r) => r[k][field]));
  const ratio = (k, field) => median(rounds.map((r) => r[k][field] / r.inproc[field]));
  table(
    `built-in backend: ${[...tokens][0]} tokens, ${ROUNDS} alternating rounds, ${THREADS} thread(s), ctx ${CTX}, batch ${BATCH}; medians of tokens/s and of each round's ratio to in-process`,
    ['path', 'generation tok/s', 'ratio', 'whole request tok/s', 'ratio'],
    PATHS.map((k) => [LABELS[k], fmt(med(k, 'rate'), 1), fmt(ratio(k, 'rate'), 3), fmt(med(k, 'whole'), 1), fmt(ratio(k, 'whole'), 3)]),
  );
  const cpuPerToken = (k) => {
    const parts = Object.keys(rounds[0][k].cpu);
    return parts.map((p) => `${p} ${fmt(median(rounds.map((r) => r[k].cpu[p] / r[k].tokens)), 2)}`).join(', ');
  };
  console.log('\nCPU ms per generated token (median; in-process: the model runs in the "client")');
  for (const k of PATHS) console.log(`  ${LABELS[k]}: ${cpuPerToken(k)}`);
  const overChild = median(rounds.map((r) => r.loadout.rate / r.child.rate));
  const result = { ratio: ratio('loadout', 'rate'), ratioWhole: ratio('loadout', 'whole'), directRatio: ratio('direct', 'rate'), childRatio: ratio('child', 'rate'), overChild };
  console.log(`\nratio Loadout / in-process: ${fmt(result.ratio, 3)} generation, ${fmt(result.ratioWhole, 3)} whole request (goal ≥ 0.95)`);
  console.log(`ratio Loadout / node-llama-cpp in a child process: ${fmt(overChild, 3)} (what Loadout adds beyond running the model in a process of its own)`);
  return { ...result, rounds, tokens: [...tokens][0], threads: THREADS, ctx: CTX, batch: BATCH, model: modelPath };
}

await main(import.meta.url, run);
