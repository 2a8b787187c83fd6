import { relative } from 'node:path';
import { JOB_PATHS, type ArtifactKind } from '../../../shared/protocol';
import { exportHead } from '../../export';
import { readMeshFolder } from '../../geometry/mesh-file';
import { renderPreviewPng } from '../render-preview';
import type { StageRunner } from '../stage-context';

const ARTIFACT_KIND: Record<string, ArtifactKind | undefined> = {
  'export-glb': 'export-glb',
  'export-obj': 'export-obj',
  'export-mtl': 'export-mtl',
  'export-texture': 'export-texture',
};

export const exportStage: StageRunner = {
  id: 'export',
  async run(ctx) {
    ctx.progress(0, 4, 'reading the mesh');
    const mesh = await readMeshFolder(ctx.path(JOB_PATHS.meshDir));
    ctx.progress(1, 4, 'writing files');
    const result = await exportHead(
      { mesh, photoName: ctx.job.sourceName },
      ctx.path(JOB_PATHS.exportDir),
      ctx.job.settings.export,
      ctx.signal,
    );
    for (const file of result.files) {
      const kind = ARTIFACT_KIND[file.kind];
      if (kind) ctx.announce(kind, relative(ctx.jobDir, file.path).split('\\').join('/'));
    }
    ctx.progress(2, 4, 'preview');
    await ctx.writeArtifact('preview', JOB_PATHS.preview, await renderPreviewPng(mesh));
    ctx.progress(3, 4, 'report');
    const report = {
      photo: ctx.job.sourceName,
      settings: ctx.job.settings,
      stages: Object.fromEntries(Object.entries(ctx.job.stages).map(([id, s]) => [id, { ms: s.ms }])),
      mesh: result.summary,
      versions: { ...ctx.job.versions, node: process.versions.node },
    };
    await ctx.writeJsonArtifact('report', JOB_PATHS.report, report);
    ctx.progress(4, 4);
  },
};
