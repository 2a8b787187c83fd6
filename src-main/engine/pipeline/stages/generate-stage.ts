import { JOB_PATHS } from '../../../shared/protocol';
import { buildLandmarkFaceMesh } from '../../estimate/landmark-face-mesh';
import { faceMeshTopology } from '../../estimate/landmarks/detect-faces';
import { writeMeshFolder } from '../../geometry/mesh-file';
import { photoBaseName, readJobPhoto } from '../job-photo';
import { readLandmarksFile } from '../landmarks-file';
import type { StageRunner } from '../stage-context';

/** Textures the estimated surface from the photo and stores it in `mesh/` for export. */
export const generateStage: StageRunner = {
  id: 'generate',
  async run(ctx) {
    ctx.progress(0, 2, 'texturing the face from the photo');
    const photo = await readJobPhoto(ctx);
    const landmarks = await readLandmarksFile(ctx);
    const { triangles } = await faceMeshTopology();
    const { mesh } = await buildLandmarkFaceMesh(
      { landmarks: Float32Array.from(landmarks.landmarks), count: landmarks.count },
      photo,
      triangles,
      photoBaseName(ctx.job.sourceName),
    );
    ctx.progress(1, 2, `${mesh.positions.length / 3} vertices`);
    await writeMeshFolder(ctx.path(JOB_PATHS.meshDir), mesh);
    ctx.announce('mesh', `${JOB_PATHS.meshDir}/mesh.json`);
    ctx.announce('texture', `${JOB_PATHS.meshDir}/texture.png`);
    ctx.progress(2, 2);
  },
};
