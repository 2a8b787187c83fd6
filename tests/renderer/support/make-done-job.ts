/**
 * Makes the done job of done-job.ts: the sample photo imported the way the studio imports it (a real
 * StudioBackend and engine child, the engine environment of studio-session.ts, the generation
 * panel's default settings). The folder given becomes a jobs folder holding that one job (made in a
 * temporary sibling, then renamed). Run under flock by done-job.ts: `node --import tsx
 * make-done-job.ts <dir>`.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { nodeEngineLauncher } from '../../../src-main/host/engine-process';
import { StudioBackend } from '../../../src-main/host/studio-backend';
import { jobSettingsOf, readSavedChoice } from '../../../src-renderer/stores/generation-choice';
import { ASTRONAUT } from '../../support/photos';
import { STUDIO_ENGINE_ENV } from './studio-engine-env';

const target = process.argv[2];
if (!target) throw new Error('usage: make-done-job.ts <dir>');
if (!existsSync(target)) {
  const jobsRoot = await mkdtemp(`${target}-making-`);
  const packsDir = await mkdtemp(`${target}-packs-`);
  const backend = new StudioBackend({
    jobsRoot,
    launcher: nodeEngineLauncher({ env: { GEN3D_PACKS_DIR: packsDir, ...STUDIO_ENGINE_ENV } }),
  });
  try {
    await backend.start();
    // the settings a studio with no saved defaults sends (stores/generation-settings.ts)
    const job = await backend.importPhoto(ASTRONAUT, jobSettingsOf(readSavedChoice(null)));
    const outcome = await backend.waitForJob(job.id);
    if (outcome.state !== 'done') throw new Error(`the sample photo's job ended ${outcome.state}`);
  } finally {
    await backend.stop();
  }
  await rename(jobsRoot, target);
  await rm(packsDir, { recursive: true, force: true });
}
