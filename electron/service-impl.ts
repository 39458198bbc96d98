import type { Service, ServiceOptions } from './service.js';

export async function startService(_opts: ServiceOptions): Promise<Service> {
  throw new Error('not yet wired');
}
