/**
 * The quality figures of one generated head, as the paper measures them: the exported head rendered
 * around its vertical axis, the face descriptor run on the photo and on every render (and on the
 * diffusion's generated views when there are some), then
 * - input-to-output identity at 0°, +45° and −45° (distance to the photo, match below 0.6);
 * - output-to-output identity: mean pairwise distance of the views where a face is found;
 * - Janus: a face found in a view of the back of the head (azimuth 135–225°);
 * - flatness of each unlit render (flat-colour share, generate/prior-projection/flatness.ts);
 * - SSIM/PSNR of each render against a ground truth's render from the same camera, when given.
 */
import { performance } from 'node:perf_hooks';
import type {
  HeadMetrics,
  IdentityAt,
  MetricsLevel as ProtocolMetricsLevel,
  ViewFace,
  ViewMetrics,
} from '../../shared/protocol';
import { measureFlatness } from '../generate/prior-projection/flatness';
import type { RawImage } from '../image/raw-image';
import { renderViews, type RenderableObject, type RenderedView } from '../pipeline/render-views';
import { crossViewIdentity, isBackView, nearestAzimuthView } from './view-identity';
import {
  describeFaces,
  descriptorDistance,
  faceDescriptorProblem,
  SAME_PERSON_DISTANCE,
} from './face-descriptor';
import { psnr, ssim } from './image-similarity';

/** Eight views around the head: the front, both 3/4 views, both profiles and three of the back. */
export const METRIC_AZIMUTHS = [0, 45, 90, 135, 180, 225, 270, 315] as const;
/** Flatness was calibrated on 512 px unlit renders; the descriptor sees the same size, lit. */
export const METRIC_RENDER_SIZE = 512;
const PSNR_CAP_DB = 100;

/** 'flatness': unlit renders only; 'full': also the lit renders and the face descriptor. */
export type MetricsLevel = Exclude<ProtocolMetricsLevel, 'off'>;

export interface HeadMetricsInput {
  /** Head first (it frames the views), then hair and the rest, as the turntable renders them. */
  objects: readonly RenderableObject[];
  /** The input photo (encoded). */
  photo: Buffer;
  /** The diffusion generator's views (encoded), with their rig azimuths. */
  generatedViews?: readonly { azimuthDeg: number; png: Buffer }[];
  /**
   * A ground truth rendered with renderViews at METRIC_RENDER_SIZE, lit, from some of
   * METRIC_AZIMUTHS (a held-out synthetic identity's own head).
   */
  groundTruth?: readonly { azimuthDeg: number; image: RawImage }[];
  level: MetricsLevel;
  size?: number;
}

export interface HeadMetricsResult {
  metrics: HeadMetrics;
  /** The lit renders the figures were made on (empty at level 'flatness' without a ground truth). */
  renders: RenderedView[];
}

export async function measureHead(input: HeadMetricsInput): Promise<HeadMetricsResult> {
  const started = performance.now();
  const size = input.size ?? METRIC_RENDER_SIZE;
  const azimuths = [...METRIC_AZIMUTHS];
  const needsLit = input.level === 'full' || Boolean(input.groundTruth?.length);
  const lit = needsLit ? await renderViews(input.objects, azimuths, { size }) : [];
  const unlit = await renderViews(input.objects, azimuths, { size, shading: 'none' });
  const views: ViewMetrics[] = unlit.map((v) => ({
    source: 'render',
    azimuthDeg: v.azimuthDeg,
    back: isBackView(v.azimuthDeg),
    flatShare: round(measureFlatness(v.image, v.covered).flatShare),
  }));
  const flat = views.map((v) => v.flatShare!);
  const metrics: HeadMetrics = {
    version: 1,
    ms: 0,
    renderSize: size,
    sameIdentityBelow: SAME_PERSON_DISTANCE,
    views,
    flatness: {
      maxShare: round(Math.max(...flat)),
      meanShare: round(flat.reduce((a, b) => a + b, 0) / flat.length),
    },
  };
  if (input.groundTruth?.length) metrics.groundTruth = compareToGroundTruth(lit, input.groundTruth);
  if (input.level === 'full') await addFaceFigures(metrics, input, lit);
  metrics.ms = Math.round(performance.now() - started);
  return { metrics, renders: lit };
}

async function addFaceFigures(
  metrics: HeadMetrics,
  input: HeadMetricsInput,
  lit: readonly RenderedView[],
): Promise<void> {
  const problem = await faceDescriptorProblem();
  if (problem) {
    metrics.descriptorProblem = problem;
    return;
  }
  const reference = (await describeFaces(input.photo))[0]?.descriptor;
  metrics.photoFace = reference !== undefined;
  const descriptors: (Float32Array | undefined)[] = [];
  const describe = async (image: Buffer | RawImage): Promise<ViewFace | null> => {
    const face = (await describeFaces(image))[0];
    descriptors.push(face?.descriptor);
    if (!face) return null;
    const out: ViewFace = { score: round(face.score) };
    if (reference) {
      out.distanceToPhoto = round(descriptorDistance(reference, face.descriptor));
      out.match = out.distanceToPhoto < SAME_PERSON_DISTANCE;
    }
    return out;
  };
  for (const [i, view] of lit.entries()) metrics.views[i]!.face = await describe(view.image);
  const renderDescriptors = descriptors.splice(0);
  for (const g of input.generatedViews ?? []) {
    metrics.views.push({
      source: 'generated',
      azimuthDeg: g.azimuthDeg,
      back: isBackView(g.azimuthDeg),
      face: await describe(g.png),
    });
  }
  const generatedDescriptors = descriptors.splice(0);
  const renders = metrics.views.filter((v) => v.source === 'render');
  const generated = metrics.views.filter((v) => v.source === 'generated');

  if (reference) {
    const at = (azimuthDeg: number): IdentityAt => {
      const d = nearestAzimuthView(renders, azimuthDeg)?.face?.distanceToPhoto;
      return { distance: d ?? null, match: d !== undefined && d < SAME_PERSON_DISTANCE };
    };
    metrics.identity = { at0: at(0), at45: at(45), atMinus45: at(315) };
    if (generated.length) {
      const d = generated.flatMap((v) =>
        v.face?.distanceToPhoto !== undefined ? [v.face.distanceToPhoto] : [],
      );
      metrics.generatedIdentity = {
        facesFound: d.length,
        meanDistance: d.length ? round(d.reduce((a, b) => a + b, 0) / d.length) : null,
        matches: d.filter((x) => x < SAME_PERSON_DISTANCE).length,
      };
    }
  }
  metrics.crossView = {
    renders: crossViewIdentity(renderDescriptors),
    ...(generated.length ? { generated: crossViewIdentity(generatedDescriptors) } : {}),
  };
  const facesAtBack = metrics.views
    .filter((v) => v.back && v.face)
    .map((v) => ({ source: v.source, azimuthDeg: v.azimuthDeg }));
  metrics.janus = { facesAtBack, flagged: facesAtBack.length > 0 };
}

function compareToGroundTruth(
  lit: readonly RenderedView[],
  truth: NonNullable<HeadMetricsInput['groundTruth']>,
): NonNullable<HeadMetrics['groundTruth']> {
  const views = truth.map((t) => {
    const view = lit.find((v) => v.azimuthDeg === t.azimuthDeg);
    if (!view)
      throw new Error(`ground truth at ${t.azimuthDeg}°: no render there (${METRIC_AZIMUTHS.join(', ')})`);
    return {
      azimuthDeg: t.azimuthDeg,
      ssim: round(ssim(view.image, t.image)),
      psnrDb: round(Math.min(PSNR_CAP_DB, psnr(view.image, t.image))),
    };
  });
  const mean = (xs: number[]): number => round(xs.reduce((a, b) => a + b, 0) / xs.length);
  return { views, ssim: mean(views.map((v) => v.ssim)), psnrDb: mean(views.map((v) => v.psnrDb)) };
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
