/** A real StudioBackend (real engine child process) on a temporary jobs root, for tests. */
import { join } from 'node:path';
import { nodeEngineLauncher } from '../../src-main/host/engine-process';
import { StudioBackend } from '../../src-main/host/studio-backend';
import type { StudioEvent } from '../../src-main/shared/protocol';
import { scratchDir } from './scratch-dir';

export const SAMPLE_PHOTO = join(process.cwd(), 'resources/samples/astronaut.png');

export async function startTestBackend(): Promise<{
  backend: StudioBackend;
  events: StudioEvent[];
  jobsRoot: string;
}> {
  const jobsRoot = await scratchDir('gen3d-jobs');
  const backend = new StudioBackend({ jobsRoot, launcher: nodeEngineLauncher() });
  const events: StudioEvent[] = [];
  backend.on('event', (e) => events.push(e));
  await backend.start();
  return { backend, events, jobsRoot };
}

export function nextEvent(
  backend: StudioBackend,
  match: (event: StudioEvent) => boolean,
  timeoutMs = 120_000,
): Promise<StudioEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      backend.off('event', listener);
      reject(new Error('timed out waiting for an event'));
    }, timeoutMs);
    const listener = (event: StudioEvent): void => {
      if (!match(event)) return;
      clearTimeout(timer);
      backend.off('event', listener);
      resolve(event);
    };
    backend.on('event', listener);
  });
}
