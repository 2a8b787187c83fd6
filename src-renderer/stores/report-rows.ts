/**
 * A job's report.json turned into the rows the quality panel shows: timings per stage, the execution
 * provider, the quality figures with what they mean, and — said plainly — the figures the job did not
 * compute. Pure: the panel only renders what this returns, so the unit test checks the wording too.
 */
import { z } from 'zod';
import { HeadMetrics, PhotoPose, STAGE_IDS, type StageId } from '../../src-main/shared/protocol';
import {
  FACING_CAMERA_DEG,
  TURNED_FACE_DEG,
  describeYaw,
  turnedFaceNote,
} from '../../src-main/shared/photo-pose';
import { hairFitNote, hairIsGuessed } from '../../src-main/shared/hair-fit';

export interface ReportRow {
  /** Stable id of the row (tests and `data-row`). */
  key: string;
  label: string;
  value: string;
  /** What the figure means, or why it is missing. */
  note?: string;
  /** The job did not compute this figure. */
  missing?: boolean;
  /** Good / bad reading of the figure, for colour only. */
  tone?: 'ok' | 'bad';
}

export interface ReportSection {
  key: string;
  title: string;
  rows: ReportRow[];
}

/** The parts of report.json the panel reads; anything else in it is left alone. */
const ReportFile = z
  .object({
    stages: z.record(z.string(), z.object({ ms: z.number().optional() }).loose()).optional(),
    settings: z
      .object({ provider: z.string().optional(), generator: z.string().optional() })
      .loose()
      .optional(),
    diffusion: z
      .object({
        provider: z.string().optional(),
        fallbacks: z.array(z.object({ provider: z.string(), reason: z.string() }).loose()).optional(),
      })
      .loose()
      .optional(),
    metrics: HeadMetrics.optional(),
    mesh: z
      .object({ vertices: z.number(), triangles: z.number(), textureSize: z.number() })
      .loose()
      .optional(),
    estimate: z.object({ pose: PhotoPose.optional() }).loose().optional(),
    hair: z
      .object({
        style: z.string(),
        iou: z.number(),
        inPhoto: z.number().optional(),
        guessed: z.boolean().optional(),
        headwear: z.boolean().optional(),
        beard: z.object({ lengthM: z.number(), iou: z.number() }).loose().nullable().optional(),
      })
      .loose()
      .optional(),
  })
  .loose();

/** The same-person line of the face descriptor (face-api's paper), used when the report has none. */
export const SAME_PERSON_BELOW = 0.6;

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
export const share = (x: number): string => `${(x * 100).toFixed(1)} %`;
const distance = (x: number): string => x.toFixed(3);

/**
 * `jobStageMs`: the job record's stage times. The export stage writes report.json while it still
 * runs, so the report holds no export time (or, after a re-run, the previous run's): job.json's is used.
 */
export const JOB_TIMED_STAGES: readonly StageId[] = ['export'];

export function reportSections(
  report: unknown,
  jobStageMs: Partial<Record<StageId, number>> = {},
): ReportSection[] {
  const parsed = ReportFile.safeParse(report);
  if (!parsed.success)
    return [
      {
        key: 'invalid',
        title: 'Report',
        rows: [{ key: 'invalid', label: 'report.json', value: 'unreadable', missing: true }],
      },
    ];
  const r = parsed.data;
  return [
    photoSection(r),
    qualitySection(r.metrics),
    timingSection(r, jobStageMs),
    providerSection(r),
    outputSection(r),
  ];
}

function hairRows(r: z.infer<typeof ReportFile>): ReportRow[] {
  if (!r.hair) return [];
  const poor = hairFitNote(r.hair);
  return [
    {
      key: 'photo.hair',
      label: r.hair.headwear ? 'Hair (with headwear)' : 'Hair',
      value: hairIsGuessed(r.hair)
        ? `${r.hair.style} · guessed`
        : `${r.hair.style} · IoU ${r.hair.iou.toFixed(2)}`,
      note: poor ?? "the style's outline matches the photo's hair",
      tone: poor ? 'bad' : 'ok',
    },
    ...(r.hair.beard
      ? [
          {
            key: 'photo.beard',
            label: 'Beard',
            value: `${Math.round(r.hair.beard.lengthM * 100)} cm below the chin · IoU ${r.hair.beard.iou.toFixed(2)}`,
            note: "modelled as part of the hair object, its outline against the photo's beard",
            tone: 'ok' as const,
          },
        ]
      : []),
  ];
}

/** The photo as the head read it: the face's turn (past TURNED_FACE_DEG partly guessed) and the hair's fit. */
function photoSection(r: z.infer<typeof ReportFile>): ReportSection {
  return { key: 'photo', title: 'Photo', rows: [poseRow(r.estimate?.pose), ...hairRows(r)] };
}

function poseRow(pose: { yaw: number } | undefined): ReportRow {
  if (!pose) return { key: 'photo.pose', label: 'Face pose', value: 'not in the report', missing: true };
  const turned = Math.abs(pose.yaw);
  const note = turnedFaceNote(pose);
  return {
    key: 'photo.pose',
    label: 'Face pose',
    value: describeYaw(pose.yaw),
    note:
      note ??
      (turned <= FACING_CAMERA_DEG
        ? 'the fit is at its best within this turn'
        : `the fit holds up to ${TURNED_FACE_DEG}°`),
    ...(note ? { tone: 'bad' as const } : turned <= FACING_CAMERA_DEG ? { tone: 'ok' as const } : {}),
  };
}

function timingSection(r: z.infer<typeof ReportFile>, jobStageMs: Partial<Record<StageId, number>>) {
  const rows: ReportRow[] = [];
  let total = 0;
  for (const stage of STAGE_IDS) {
    const fromJob = JOB_TIMED_STAGES.includes(stage) ? jobStageMs[stage] : undefined;
    const ms = fromJob ?? r.stages?.[stage]?.ms ?? jobStageMs[stage];
    if (ms === undefined) {
      if (r.stages?.[stage] || stage in jobStageMs)
        rows.push({
          key: `timing.${stage}`,
          label: stage,
          value: '—',
          note: 'no time recorded',
          missing: true,
        });
      continue;
    }
    total += ms;
    rows.push({
      key: `timing.${stage}`,
      label: stage,
      value: seconds(ms),
      ...(fromJob !== undefined ? { note: 'from job.json (the report is written during this stage)' } : {}),
    });
  }
  rows.push({ key: 'timing.total', label: 'Total', value: seconds(total) });
  return { key: 'timings', title: 'Timings', rows };
}

function providerSection(r: z.infer<typeof ReportFile>): ReportSection {
  const requested = r.settings?.provider ?? 'auto';
  const rows: ReportRow[] = [{ key: 'provider.requested', label: 'Asked for', value: requested }];
  if (r.diffusion?.provider) {
    rows.push({ key: 'provider.used', label: 'Used (diffusion)', value: r.diffusion.provider });
    for (const f of r.diffusion.fallbacks ?? [])
      rows.push({
        key: `provider.fallback.${f.provider}`,
        label: `Not ${f.provider}`,
        value: 'fallback',
        note: f.reason,
      });
  } else {
    rows.push({
      key: 'provider.used',
      label: 'Used (diffusion)',
      value: 'not used',
      note: 'the provider setting applies to the diffusion generator, which this job did not run (model packs run on the CPU)',
    });
  }
  return { key: 'provider', title: 'Execution provider', rows };
}

function identityRow(
  key: string,
  label: string,
  at: { distance: number | null; match: boolean },
  line: number,
) {
  if (at.distance === null)
    return {
      key,
      label,
      value: 'no face',
      note: 'the descriptor found no face in this render',
      tone: 'bad' as const,
    };
  return {
    key,
    label,
    value: distance(at.distance),
    note: at.match ? `same person (below ${line})` : `not the same person (${line} or more)`,
    tone: at.match ? ('ok' as const) : ('bad' as const),
  };
}

function qualitySection(m: HeadMetrics | undefined): ReportSection {
  const key = 'quality';
  const title = 'Quality figures';
  if (!m)
    return {
      key,
      title,
      rows: [
        {
          key: 'metrics',
          label: 'Figures',
          value: 'not computed',
          note: 'the job ran with metrics off',
          missing: true,
        },
      ],
    };
  const line = m.sameIdentityBelow || SAME_PERSON_BELOW;
  const whyNoIdentity =
    m.descriptorProblem ??
    (m.photoFace === false
      ? 'the descriptor found no face in the photo'
      : 'this job measured flatness only; metrics "full" adds identity and Janus');
  const rows: ReportRow[] = [];
  if (m.identity) {
    rows.push(identityRow('identity.0', 'Identity at 0°', m.identity.at0, line));
    rows.push(identityRow('identity.45', 'Identity at +45°', m.identity.at45, line));
    rows.push(identityRow('identity.-45', 'Identity at −45°', m.identity.atMinus45, line));
  } else {
    rows.push({
      key: 'identity',
      label: 'Identity 0°/±45°',
      value: 'not computed',
      note: whyNoIdentity,
      missing: true,
    });
  }
  if (m.crossView)
    rows.push({
      key: 'crossview',
      label: 'Cross-view identity',
      value:
        m.crossView.renders.meanDistance === null ? 'no faces' : distance(m.crossView.renders.meanDistance),
      note: `mean distance between ${m.crossView.renders.facesFound}/${m.crossView.renders.views} renders with a face`,
    });
  else
    rows.push({
      key: 'crossview',
      label: 'Cross-view identity',
      value: 'not computed',
      missing: true,
    });
  if (m.generatedIdentity)
    rows.push({
      key: 'generated-identity',
      label: 'Generated views',
      value:
        m.generatedIdentity.meanDistance === null ? 'no faces' : distance(m.generatedIdentity.meanDistance),
      note: `${m.generatedIdentity.matches}/${m.generatedIdentity.facesFound} views with a face match the photo`,
    });
  if (m.janus)
    rows.push({
      key: 'janus',
      label: 'Janus (face at the back)',
      value: m.janus.flagged ? 'flagged' : 'none',
      note: m.janus.flagged
        ? `faces at ${m.janus.facesAtBack.map((f) => `${f.azimuthDeg}° (${f.source})`).join(', ')}`
        : 'no face found on the back views',
      tone: m.janus.flagged ? 'bad' : 'ok',
    });
  else
    rows.push({
      key: 'janus',
      label: 'Janus (face at the back)',
      value: 'not computed',
      missing: true,
    });
  if (m.flatness) {
    const meaning = 'share of flat-colour pixels in an unlit render: high means painted, no relief';
    rows.push({
      key: 'flatness.max',
      label: 'Flatness (worst view)',
      value: share(m.flatness.maxShare),
      note: meaning,
    });
    rows.push({ key: 'flatness.mean', label: 'Flatness (mean)', value: share(m.flatness.meanShare) });
    for (const v of m.views)
      if (v.flatShare !== undefined)
        rows.push({
          key: `flatness.${v.source}.${v.azimuthDeg}`,
          label: `Flatness at ${v.azimuthDeg}° (${v.source})`,
          value: share(v.flatShare),
        });
  } else rows.push({ key: 'flatness', label: 'Flatness', value: 'not computed', missing: true });
  if (m.groundTruth)
    rows.push({
      key: 'ground-truth',
      label: 'Against ground truth',
      value: `SSIM ${m.groundTruth.ssim.toFixed(3)}, ${m.groundTruth.psnrDb.toFixed(1)} dB`,
    });
  rows.push({ key: 'metrics.ms', label: 'Measuring took', value: seconds(m.ms) });
  return { key, title, rows };
}

function outputSection(r: z.infer<typeof ReportFile>): ReportSection {
  const rows: ReportRow[] = r.mesh
    ? [
        { key: 'mesh.triangles', label: 'Triangles', value: String(r.mesh.triangles) },
        { key: 'mesh.vertices', label: 'Vertices', value: String(r.mesh.vertices) },
        { key: 'mesh.textureSize', label: 'Texture', value: `${r.mesh.textureSize} px` },
      ]
    : [{ key: 'mesh', label: 'Mesh', value: 'not in the report', missing: true }];
  return { key: 'output', title: 'Exported head', rows };
}
