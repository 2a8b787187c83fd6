import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { INPUT_DIR } from '../../../shared/job-folder';
import { JOB_PATHS } from '../../../shared/protocol';
import { ingestPhoto } from '../../ingest/ingest-photo';
import { StageError } from '../../stage-error';
import type { StageRunner } from '../stage-context';

export const ingestStage: StageRunner = {
  id: 'ingest',
  async run(ctx) {
    const [inputName] = await readdir(ctx.path(INPUT_DIR));
    if (!inputName) throw new StageError('missing-input', 'The job has no input photo.');
    ctx.progress(0, 2, 'reading the photo');
    const bytes = await readFile(join(ctx.path(INPUT_DIR), inputName));
    const photo = await ingestPhoto(bytes, {
      maxInputPixels: ctx.job.settings.maxInputPixels,
      workingMaxSide: ctx.job.settings.workingMaxSide,
    });
    ctx.progress(1, 2, `${photo.original.width}×${photo.original.height} ${photo.original.format}`);
    await ctx.writeArtifact('photo', JOB_PATHS.photo, photo.png);
    ctx.progress(2, 2);
  },
};
