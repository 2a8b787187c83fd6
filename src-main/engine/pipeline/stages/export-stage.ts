import { relative } from 'node:path';
import { JOB_PATHS } from '../../../shared/protocol';
import { exportHead } from '../../export';
import { readMeshFolder } from '../../geometry/mesh-file';
import { renderPreviewPng } from '../render-preview';
import type { StageRunner } from '../stage-context';
import { readHairObject } from '../hair-object';

export const exportStage: StageRunner = {
  id: 'export',
  async run(ctx) {
    const settings = ctx.job.settings.export;
    ctx.progress(0, 4, 'reading the mesh');
    const mesh = await readMeshFolder(ctx.path(JOB_PATHS.meshDir));
    const prior = settings.includePrior ? await readMeshFolder(ctx.path(JOB_PATHS.priorMeshDir)) : undefined;
    const hair = await readHairObject(ctx);
    const report = {
      photo: ctx.job.sourceName,
      settings: ctx.job.settings,
      stages: Object.fromEntries(Object.entries(ctx.job.stages).map(([id, s]) => [id, { ms: s.ms }])),
      versions: { ...ctx.job.versions, node: process.versions.node },
      ...(hair ? { hair: hair.report } : {}),
    };
    ctx.progress(1, 4, 'writing files');
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
    ctx.progress(2, 4, 'preview');
    await ctx.writeArtifact(
      'preview',
      JOB_PATHS.preview,
      await renderPreviewPng(mesh, hair ? [hair.mesh] : []),
    );
    ctx.progress(3, 4, 'report');
    await ctx.writeJsonArtifact('report', JOB_PATHS.report, { ...report, mesh: result.summary });
    ctx.progress(4, 4);
  },
};
