import type { ModelConfig, WatchdogSettings } from '../config/types.js';
import { modelFileProblem } from '../gguf/model-file-problem.js';
import { ModelFileInvalid, type BackendHandle, type Launcher } from '../loader/launcher.js';
import { GrpcLauncher } from './grpc/grpc-launcher.js';
import { ProcessLauncher, type ProcessLauncherDeps } from './process-launcher.js';

/**
 * Launches each model the way its protocol needs: an HTTP backend as is, a gRPC one behind a bridge.
 * A bad model file fails the load here, before anything is spawned, with the reason.
 */
export class BackendLauncher implements Launcher {
  private readonly http: Launcher;
  private readonly grpc: Launcher;

  constructor(deps: ProcessLauncherDeps) {
    this.http = new ProcessLauncher(deps);
    this.grpc = new GrpcLauncher(deps);
  }

  async create(model: ModelConfig, instance: number, settings: WatchdogSettings): Promise<BackendHandle> {
    const problem = await modelFileProblem(model);
    if (problem) throw new ModelFileInvalid(problem);
    return (model.protocol === 'grpc' ? this.grpc : this.http).create(model, instance, settings);
  }
}
