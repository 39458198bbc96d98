import { probeHealthDetail } from '../../supervisor/health-probe.js';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import type { ModelConfig, WatchdogSettings } from '../../config/types.js';
import type { BackendHandle, Launcher, StartResult } from '../../loader/launcher.js';
import { sleep } from '../../platform/clock.js';
import { BackendProcess } from '../../supervisor/backend-process.js';
import { freePort } from '../../supervisor/free-port.js';
import { expandCommand } from '../command-line.js';
import { createOpenAiServer } from '../openai/openai-server.js';
import type { ProcessLauncherDeps } from '../process-launcher.js';
import { BackendClient } from './backend-client.js';
import { modelOptionsFor } from './grpc-messages.js';
import { GrpcInference } from './grpc-inference.js';

/**
 * LocalAI gRPC backends (`protocol: grpc`). Each start runs the backend binary on a free loopback
 * port (`${PORT}`, for its `--addr`) and puts an in-process HTTP bridge in front of it: the bridge's
 * port is the instance's port, so the router, health checks and in-flight accounting treat it like
 * any OpenAI-compatible backend. The bridge's /health passes once gRPC Health answered and LoadModel
 * succeeded; a LoadModel refusal fails the start at once with the backend's reason.
 */
export class GrpcLauncher implements Launcher {
  constructor(private readonly d: ProcessLauncherDeps) {}

  async create(model: ModelConfig, instance: number, settings: WatchdogSettings): Promise<BackendHandle> {
    const options = modelOptionsFor(model, os.availableParallelism());
    const grpcPort = await freePort('127.0.0.1');
    const env = { ...this.d.env, ...model.env };
    const { file, args } = expandCommand(model, { port: grpcPort, env });
    const { logs, clock } = this.d;
    const log = (line: string) => logs.append(model.name, instance, 'stderr', `${line}\n`);
    const client = new BackendClient(grpcPort);
    const inference = new GrpcInference(client, { name: model.name, options, log, pause: (ms, signal) => sleep(clock, ms, signal) });
    const bridge = createOpenAiServer(inference, { onError: (route, err) => log(`[loadout] ${route}: ${err instanceof Error ? err.message : String(err)}`) });
    await new Promise<void>((resolve, reject) => {
      bridge.once('error', reject);
      bridge.listen(0, '127.0.0.1', () => resolve());
    });
    const port = (bridge.address() as AddressInfo).port;
    const proc = new BackendProcess(
      { model: model.name, instance, file, args, env, port, healthPath: '/health', healthTimeoutMs: settings.healthTimeoutMs, stopTimeoutMs: settings.stopTimeoutMs },
      { spawner: this.d.spawner, clock, logs, records: this.d.records, logger: this.d.logger.child({ model: model.name, instance }) },
    );
    let closed = false;
    const closeBridge = () => {
      if (closed) return;
      closed = true;
      client.close();
      bridge.close();
      bridge.closeAllConnections();
    };
    proc.onExit(closeBridge);

    const start = async (signal?: AbortSignal): Promise<StartResult> => {
      const stopBringUp = new AbortController();
      const abortStart = new AbortController();
      const forward = () => abortStart.abort();
      signal?.addEventListener('abort', forward, { once: true });
      let refusal: string | null = null;
      const bringUp = inference.bringUp(AbortSignal.any([stopBringUp.signal, abortStart.signal])).then(
        (why) => {
          // LoadModel refused: no point waiting for a health check that can never pass.
          if (why) {
            refusal = why;
            log(`[loadout] ${why}`);
            abortStart.abort();
          }
        },
        () => undefined, // aborted: the process start reports why
      );
      const result = await proc.start(abortStart.signal);
      stopBringUp.abort();
      await bringUp;
      signal?.removeEventListener('abort', forward);
      if (!result.ok) {
        closeBridge();
        if (refusal) return { ok: false, failure: { ...result.failure, code: 'spawn_failed', message: refusal } };
      }
      return result;
    };

    return {
      get pid() {
        return proc.pid;
      },
      port,
      start,
      stop: async (opts) => {
        const info = await proc.stop(opts);
        closeBridge();
        return info;
      },
      onExit: (l) => proc.onExit(l),
      // The bridge's /health asks the backend's gRPC Health.
      probe: async () => {
        const r = await probeHealthDetail(port, '/health');
        return { ok: r.state === 'ok', reason: r.reason };
      },
    };
  }
}
