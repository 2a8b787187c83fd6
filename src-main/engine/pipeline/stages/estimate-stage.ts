import { JOB_PATHS } from '../../../shared/protocol';
import { detectFaces, faceMeshTopology, selectFace } from '../../estimate/landmarks/detect-faces';
import { readJobPhoto } from '../job-photo';
import type { LandmarksFile } from '../landmarks-file';
import { buildPriorOverlay } from '../overlay';
import type { StageRunner } from '../stage-context';

export const estimateStage: StageRunner = {
  id: 'estimate',
  async run(ctx) {
    ctx.progress(0, 3, 'finding faces');
    const photo = await readJobPhoto(ctx);
    const faces = await detectFaces(photo, ctx.signal);
    const face = selectFace(faces, ctx.job.settings.faceSelection);
    ctx.progress(1, 3, `${faces.length} face${faces.length === 1 ? '' : 's'} found`);
    const landmarks: LandmarksFile = {
      faces: faces.map((f) => ({ box: f.box, score: f.score })),
      selected: faces.indexOf(face),
      box: face.box,
      score: face.score,
      meshScore: face.meshScore,
      count: face.count,
      landmarks: Array.from(face.landmarks, (v) => Math.round(v * 100) / 100),
    };
    await ctx.writeJsonArtifact('landmarks', JOB_PATHS.landmarks, landmarks);
    ctx.progress(2, 3, 'overlay');
    const { triangles } = await faceMeshTopology();
    const points2d = new Float32Array(face.count * 2);
    for (let i = 0; i < face.count; i++) {
      points2d[i * 2] = face.landmarks[i * 3]!;
      points2d[i * 2 + 1] = face.landmarks[i * 3 + 1]!;
    }
    const overlay = buildPriorOverlay({
      width: photo.width,
      height: photo.height,
      box: face.box,
      landmarks2d: points2d,
      vertices2d: points2d,
      triangles,
      confidence: face.score * face.meshScore,
      estimator: 'builtin',
    });
    await ctx.writeJsonArtifact('overlay', JOB_PATHS.overlay, overlay);
    ctx.progress(3, 3);
  },
};
