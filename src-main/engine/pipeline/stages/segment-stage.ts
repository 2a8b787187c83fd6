import { JOB_PATHS } from '../../../shared/protocol';
import { segmentPerson } from '../../segment/segment-person';
import { readJobPhoto } from '../job-photo';
import type { StageRunner } from '../stage-context';

export const segmentStage: StageRunner = {
  id: 'segment',
  async run(ctx) {
    ctx.progress(0, 2, 'person segmentation');
    const photo = await readJobPhoto(ctx);
    const result = await segmentPerson(photo, ctx.signal);
    ctx.progress(1, 2, `person covers ${(result.coverage * 100).toFixed(0)} % of the photo`);
    await ctx.writeArtifact('mask', JOB_PATHS.mask, result.maskPng);
    await ctx.writeArtifact('cutout', JOB_PATHS.cutout, result.cutoutPng);
    ctx.progress(2, 2);
  },
};
