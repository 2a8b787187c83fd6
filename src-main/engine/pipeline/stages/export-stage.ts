import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { JOB_PATHS } from '../../../shared/protocol';
import { exportHead } from '../../export';
import { readMeshFolder } from '../../geometry/mesh-file';
import { renderPreviewPngs, turntableAzimuths, turntableFileName } from '../render-preview';
import { renderViews, viewPng } from '../render-views';
import type { StageRunner } from '../stage-context';
import { throwIfCancelled } from '../../stage-error';
import { readHairObject } from '../hair-object';
import { readHeadFitPose } from '../head-fit-file';
import { measureJobHead } from '../job-metrics';

export const exportStage: StageRunner = {
  id: 'export',
  async run(ctx) {
    const settings = ctx.job.settings.export;
    ctx.progress(0, 5, 'reading the mesh');
    const mesh = await readMeshFolder(ctx.path(JOB_PATHS.meshDir));
    const prior = settings.includePrior ? await readMeshFolder(ctx.path(JOB_PATHS.priorMeshDir)) : undefined;
    const estimate = await readEstimateSummary(ctx.path(JOB_PATHS.estimate), ctx.path(JOB_PATHS.headFit));
    const hair = await readHairObject(ctx);
    const diffusion = await readJsonIfThere(ctx.path(JOB_PATHS.diffusionReport));
    const objects = hair ? [mesh, hair.mesh] : [mesh];
    ctx.progress(1, 5, 'quality figures');
    const metrics = await measureJobHead(ctx, objects);
    throwIfCancelled(ctx.signal);
    const report = {
      photo: ctx.job.sourceName,
      ...(estimate ? { estimate } : {}),
      settings: ctx.job.settings,
      stages: Object.fromEntries(Object.entries(ctx.job.stages).map(([id, s]) => [id, { ms: s.ms }])),
      versions: { ...ctx.job.versions, node: process.versions.node },
      ...(hair ? { hair: hair.report } : {}),
      ...(diffusion ? { diffusion } : {}),
      ...(metrics ? { metrics } : {}),
    };
    ctx.progress(2, 5, 'writing files');
    const result = await exportHead(
      {
        mesh,
        ...(hair ? { hair: hair.mesh } : {}),
        ...(prior ? { prior } : {}),
        report,
        photoName: ctx.job.sourceName,
      },
      ctx.path(JOB_PATHS.exportDir),
      settings,
      ctx.signal,
    );
    for (const file of result.files)
      ctx.announce(file.kind, relative(ctx.jobDir, file.path).split('\\').join('/'));
    ctx.progress(3, 5, 'preview');
    const preview = await renderPreviewPngs(objects);
    await ctx.writeArtifact('preview', JOB_PATHS.preview, preview.strip);
    for (const view of preview.views)
      await ctx.writeArtifact('preview-view', `${JOB_PATHS.previewViewsDir}/${view.name}.png`, view.png);
    if (settings.turntableViews > 0) {
      const views = await renderViews(objects, turntableAzimuths(settings.turntableViews), { size: 512 });
      for (const view of views) {
        throwIfCancelled(ctx.signal);
        const file = `${JOB_PATHS.turntableDir}/${turntableFileName(view.azimuthDeg)}`;
        await ctx.writeArtifact('turntable-view', file, await viewPng(view));
      }
    }
    ctx.progress(4, 5, 'report');
    await ctx.writeJsonArtifact('report', JOB_PATHS.report, { ...report, mesh: result.summary });
    ctx.progress(5, 5);
  },
};

/**
 * What report.json says of the prior: estimator, confidence, expression, registration onto it, and
 * the head pose the built-in fit found in the photo (the CLI and the studio warn on a turned face).
 */
async function readEstimateSummary(
  file: string,
  headFitFile: string,
): Promise<Record<string, unknown> | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (!text) return undefined;
  const { estimator, confidence, expression, registration } = JSON.parse(text) as Record<string, unknown>;
  const pose = await readHeadFitPose(headFitFile);
  return {
    estimator,
    confidence,
    expression,
    ...(registration ? { registration } : {}),
    ...(pose ? { pose } : {}),
  };
}

/** The diffusion's report section (`views/diffusion.json`) when the job ran the diffusion generator. */
async function readJsonIfThere(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : (JSON.parse(text) as unknown);
}
