import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { INPUT_DIR } from '../../../shared/job-folder';
import { JOB_PATHS } from '../../../shared/protocol';
import type { IngestReport } from '../../../shared/ingest-report';
import { writeJsonAtomic } from '../../../shared/atomic-file';
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
      ...(ctx.job.settings.crop ? { crop: ctx.job.settings.crop } : {}),
    });
    const cropped = photo.crop ? `, cropped to ${photo.crop.width}×${photo.crop.height}` : '';
    ctx.progress(1, 2, `${photo.original.width}×${photo.original.height} ${photo.original.format}${cropped}`);
    const report: IngestReport = {
      original: photo.original,
      ...(photo.crop ? { crop: photo.crop } : {}),
      working: { width: photo.width, height: photo.height },
    };
    await writeJsonAtomic(ctx.path(JOB_PATHS.ingestReport), report);
    await ctx.writeArtifact('photo', JOB_PATHS.photo, photo.png);
    ctx.progress(2, 2);
  },
};
