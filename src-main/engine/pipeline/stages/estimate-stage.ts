import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeJsonAtomic } from '../../../shared/atomic-file';
import type { FacesFile } from '../../../shared/ingest-report';
import { expressionModeOf, JOB_PATHS } from '../../../shared/protocol';
import {
  createBuiltinEstimator,
  builtinOutput,
  type BuiltinEstimator,
} from '../../estimate/builtin/builtin-estimator';
import { createEstimator } from '../../estimate/create-estimator';
import type { EstimatorInput, EstimatorOutput } from '../../estimate/estimator';
import { detectFaces, selectFace } from '../../estimate/landmarks/detect-faces';
import { landmarksWithJawLine } from '../../estimate/landmarks/jaw-line';
import { throwIfCancelled } from '../../stage-error';
import { projectPoint } from '../../geometry/camera';
import { renderTexturedMesh } from '../../native/native-addon';
import { writeHeadFit } from '../head-fit-file';
import { packsDir } from '../packs-dir';
import { decodeRawImage } from '../../image/raw-image';
import { readJobMask } from '../job-mask';
import { readJobPhoto } from '../job-photo';
import { photoBaseName, safeFileStem } from '../../../shared/file-names';
import type { LandmarksFile } from '../landmarks-file';
import { buildPriorOverlay, polygonEdges } from '../overlay';
import { priorMeshGlb, priorTexturedMesh } from '../prior-glb';
import { writeMeshFolder } from '../../geometry/mesh-file';
import { splitByUv } from '../../geometry/split-uv-mesh';
import type { StageRunner } from '../stage-context';
import {
  refusedRegistration,
  registerHeadToSurface,
  type RegistrationReport,
} from '../../estimate/register/register-head';

let builtin: Promise<BuiltinEstimator> | undefined;

export const estimateStage: StageRunner = {
  id: 'estimate',
  async run(ctx) {
    const steps = 5;
    ctx.progress(0, steps, 'finding faces');
    const photo = await readJobPhoto(ctx);
    const faces = await detectFaces(photo, ctx.signal);
    // every face, before one is chosen: the studio centres its crop box on them when there are several
    await mkdir(dirname(ctx.path(JOB_PATHS.faces)), { recursive: true });
    await writeJsonAtomic(ctx.path(JOB_PATHS.faces), {
      faces: faces.map((f) => ({ box: f.box, score: f.score })),
    } satisfies FacesFile);
    const face = selectFace(faces, ctx.job.settings.faceSelection);
    ctx.progress(1, steps, `${faces.length} face${faces.length === 1 ? '' : 's'} found`);
    const rgb = await decodeRawImage(photo.png, 3);
    const jaw = await landmarksWithJawLine(rgb, face.landmarks);
    throwIfCancelled(ctx.signal);
    const landmarks: LandmarksFile = {
      faces: faces.map((f) => ({ box: f.box, score: f.score })),
      selected: faces.indexOf(face),
      box: face.box,
      score: face.score,
      meshScore: face.meshScore,
      count: face.count,
      landmarks: Array.from(jaw.landmarks, (v) => Math.round(v * 100) / 100),
      jaw: jaw.report,
    };
    await ctx.writeJsonArtifact('landmarks', JOB_PATHS.landmarks, landmarks);

    const mask = await readJobMask(ctx);
    const expression = expressionModeOf(ctx.job.settings);
    const input: EstimatorInput = {
      photo: rgb,
      mask: mask.data,
      cropBox: { x: face.box[0], y: face.box[1], width: face.box[2], height: face.box[3] },
      landmarks: { layout: 'mediapipe468', points: jaw.landmarks, dims: 3 },
      expression,
    };
    ctx.progress(2, steps, 'fitting the head model');
    builtin ??= createBuiltinEstimator();
    const headModel = await builtin;
    let fit = headModel.fit(input);

    const estimatorId = ctx.job.settings.estimator;
    let prior: EstimatorOutput;
    if (estimatorId === 'builtin') {
      prior = builtinOutput(fit, headModel.model);
    } else {
      ctx.progress(3, steps, `running ${estimatorId}`);
      const estimator = await createEstimator(estimatorId, packsDir(), ctx.signal);
      try {
        // The built-in fit's focal length and principal point stand in for the networks' own.
        prior = await estimator.estimate({ ...input, camera: fit.camera }, ctx.signal);
      } finally {
        await estimator.dispose();
      }
    }
    // The chosen estimator shapes the exported head: the built-in head registered onto its surface.
    let registration: RegistrationReport | undefined;
    await rm(ctx.path(JOB_PATHS.flameHeadDir), { recursive: true, force: true });
    if (estimatorId !== 'builtin') {
      const target = prior.registrationTargets?.[expression];
      const result = target ? registerHeadToSurface(headModel.model, fit.positions, target) : undefined;
      registration =
        result?.report ?? refusedRegistration(`the ${estimatorId} pack has no MediaPipe landmark embedding`);
      if (result?.report.applied) fit = { ...fit, positions: result.positions };
      if (result?.placedTarget && target?.uvLayout) {
        // FLAME itself, in the head's frame, for the export option `topology: 'flame'`.
        const split = splitByUv(
          result.placedTarget,
          target.indices,
          target.uvLayout.coords,
          target.uvLayout.faces,
          true,
        );
        await writeMeshFolder(ctx.path(JOB_PATHS.flameHeadDir), {
          ...(await priorTexturedMesh({ positions: split.positions, indices: split.indices }, 'flame')),
          name: `${safeFileStem(photoBaseName(ctx.job.sourceName))}_flame`,
          uvs: split.uvs,
        });
      } else
        ctx.progress(3, steps, `${estimatorId}: the head keeps the built-in shape: ${registration.reason}`);
    }
    await writeHeadFit(ctx, fit);
    ctx.progress(4, steps, 'overlay');
    await ctx.writeJsonArtifact('camera', JOB_PATHS.camera, prior.camera);
    await ctx.writeJsonArtifact('prior-mesh', JOB_PATHS.estimate, {
      estimator: prior.estimatorId,
      confidence: prior.confidence,
      vertexCount: prior.mesh.positions.length / 3,
      params: prior.params ?? {},
      expression,
      ...(registration ? { registration: finiteOrNull(registration) } : {}),
    });
    const priorMesh = await priorTexturedMesh(prior.mesh, safeFileStem(photoBaseName(ctx.job.sourceName)));
    await ctx.writeArtifact('prior-mesh', JOB_PATHS.priorMesh, await priorMeshGlb(priorMesh));
    await writeMeshFolder(ctx.path(JOB_PATHS.priorMeshDir), priorMesh);

    // Only what the camera sees goes into the overlay: edges of front-facing, unoccluded polygons.
    const { triangleId } = await renderTexturedMesh({
      positions: prior.mesh.positions,
      indices: prior.mesh.indices,
      camera: prior.camera,
      width: photo.width,
      height: photo.height,
      cullBackFaces: true,
    });
    const seen = new Uint8Array(prior.mesh.indices.length / 3);
    for (const t of triangleId) if (t >= 0) seen[t] = 1;
    const quads = estimatorId === 'builtin' ? headModel.model.quads : undefined;
    const visiblePolygons: number[] = [];
    if (quads) {
      // the model's triangulation is two triangles per quad, in quad order
      for (let q = 0; q < quads.length / 4; q++) {
        if (seen[q * 2] || seen[q * 2 + 1]) visiblePolygons.push(...quads.subarray(q * 4, q * 4 + 4));
      }
    } else {
      for (let t = 0; t < seen.length; t++)
        if (seen[t]) visiblePolygons.push(...prior.mesh.indices.subarray(t * 3, t * 3 + 3));
    }
    const vertices2d = new Float32Array((prior.mesh.positions.length / 3) * 2);
    for (let v = 0; v < vertices2d.length / 2; v++) {
      const p = prior.mesh.positions;
      const [u, w] = projectPoint(prior.camera, p[v * 3]!, p[v * 3 + 1]!, p[v * 3 + 2]!);
      vertices2d[v * 2] = u;
      vertices2d[v * 2 + 1] = w;
    }
    const overlay = buildPriorOverlay({
      width: photo.width,
      height: photo.height,
      box: face.box,
      landmarks2d: prior.landmarks2d.length > 0 ? prior.landmarks2d : fit.landmarks2d,
      vertices2d,
      edges: polygonEdges(visiblePolygons, quads ? 4 : 3),
      confidence: prior.confidence,
      estimator: prior.estimatorId,
      pose: fit.pose,
    });
    await ctx.writeJsonArtifact('overlay', JOB_PATHS.overlay, overlay);
    ctx.progress(steps, steps);
  },
};

/** JSON has no NaN: unmeasured numbers become null. */
function finiteOrNull(report: RegistrationReport): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(report).map(([k, v]) => [k, typeof v === 'number' && !Number.isFinite(v) ? null : v]),
  );
}
