/**
 * The manifest parts of a multi-view diffusion pack (docs/multiview-diffusion.md, "Manifest"): the
 * camera rig, the `diffusion` block, and the checks that tie them to the five networks' I/O.
 */
import { z } from 'zod';

export const DIFFUSION_ROLE = 'multiview-diffusion';

/** Every network of a diffusion pack with its inputs and outputs in order (the contract's table). */
export const DIFFUSION_NETWORKS = {
  condition: { inputs: ['image', 'view_embed'], outputs: ['context'] },
  vae_encoder: { inputs: ['image'], outputs: ['latent'] },
  volume: {
    inputs: ['x_t', 'timestep', 'view_embed', 'mesh_vertices', 'mesh_colour'],
    outputs: ['frustum_0', 'frustum_1', 'frustum_2', 'frustum_3'],
  },
  unet: {
    inputs: ['x_t', 'concat', 'timestep', 'context', 'frustum_0', 'frustum_1', 'frustum_2', 'frustum_3'],
    outputs: ['eps'],
  },
  vae_decoder: { inputs: ['latent'], outputs: ['image'] },
} as const;
export type DiffusionNetwork = keyof typeof DIFFUSION_NETWORKS;

const positive = z.number().positive();

export const RigView = z.object({ azimuth: z.number(), elevation: z.number().min(-90).max(90) }).strict();

export const CameraRig = z
  .object({
    name: z.string().min(1),
    /** Volume frame = head frame × headScale. */
    headScale: positive.default(2.5),
    /** Camera distance from the origin, volume units. */
    distance: positive,
    fx: positive,
    fy: positive,
    cx: z.number(),
    cy: z.number(),
    views: z.array(RigView).min(1),
    /** View indices per multi-view attention group; default contiguous groups of 4. */
    groups: z.array(z.array(z.number().int().nonnegative()).min(1)).min(1).optional(),
    viewEmbedding: z.enum(['relative', 'relative-negated-elevation', 'constant']).default('relative'),
  })
  .strict();
export type CameraRig = z.infer<typeof CameraRig>;

export const DiffusionSpec = z
  .object({
    config: z.string().min(1),
    views: z.number().int().positive(),
    latent: z
      .object({ channels: z.number().int().positive(), size: z.number().int().positive(), scale: positive })
      .strict(),
    schedule: z
      .object({
        betaStart: positive,
        betaEnd: positive,
        trainSteps: z.number().int().positive(),
        beta: z.enum(['scaled-linear', 'linear']).default('scaled-linear'),
        prediction: z.literal('eps').default('eps'),
      })
      .strict(),
    sampler: z
      .object({
        steps: z.number().int().positive(),
        eta: z.number().min(0).default(1),
        guidance: z.number().min(0),
      })
      .strict(),
    inputElement: z.boolean().default(true),
    /** UNet levels with transformers (latent size, heads): sizes the CPU batches by attention memory. */
    attention: z
      .array(
        z.object({ resolution: z.number().int().positive(), heads: z.number().int().positive() }).strict(),
      )
      .default([]),
    meshPhotoFeatures: z.boolean().default(false),
    conditionResolution: z.number().int().positive(),
    meshGrid: z
      .object({
        dims: z.tuple([
          z.number().int().positive(),
          z.number().int().positive(),
          z.number().int().positive(),
        ]),
        voxel: positive,
      })
      .strict(),
    /** alpha-bbox: crop to the person, longest side fill·S; none: the whole cut-out photo resized to S. */
    inputCrop: z.discriminatedUnion('mode', [
      z.object({ mode: z.literal('alpha-bbox'), fill: z.number().gt(0).max(1) }).strict(),
      z.object({ mode: z.literal('none') }).strict(),
    ]),
    /**
     * Converted parents (Morphable Diffusion): how FLAME-space vertices map to its volume frame. The
     * engine gives the studio's head in the contract's volume frame, so it refuses such a pack for now.
     */
    meshTransform: z.record(z.string(), z.unknown()).optional(),
    dtype: z.enum(['float32', 'float16']).default('float32'),
  })
  .strict();
export type DiffusionSpec = z.infer<typeof DiffusionSpec>;

interface ManifestLike {
  kind: string;
  role?: string | undefined;
  resolution?: number | undefined;
  rig?: CameraRig | undefined;
  diffusion?: DiffusionSpec | undefined;
  networks: Record<string, { inputs: { name: string }[]; outputs: { name: string }[] }>;
}

/** The contiguous groups of 4 the contract gives when a rig lists none. */
export function rigGroups(rig: CameraRig): number[][] {
  if (rig.groups) return rig.groups;
  const groups: number[][] = [];
  for (let i = 0; i < rig.views.length; i += 4) groups.push(rig.views.slice(i, i + 4).map((_, k) => i + k));
  return groups;
}

/** zod superRefine of the whole manifest: a diffusion pack has everything the engine needs. */
export function checkDiffusionPack(m: ManifestLike, ctx: z.RefinementCtx): void {
  const fail = (message: string, path: (string | number)[]): void => {
    ctx.addIssue({ code: 'custom', message, path });
  };
  if (m.role !== DIFFUSION_ROLE) {
    if (m.diffusion) fail(`a "diffusion" block needs "role": "${DIFFUSION_ROLE}"`, ['diffusion']);
    return;
  }
  if (m.kind !== 'generate') fail(`a ${DIFFUSION_ROLE} pack is of kind "generate"`, ['kind']);
  const { rig, diffusion: d } = m;
  if (!d) return fail(`a ${DIFFUSION_ROLE} pack needs a "diffusion" block`, ['diffusion']);
  if (!rig) return fail(`a ${DIFFUSION_ROLE} pack needs a "rig"`, ['rig']);
  if (!m.resolution) fail(`a ${DIFFUSION_ROLE} pack needs "resolution" (the views' size)`, ['resolution']);
  if (rig.views.length !== d.views)
    fail(`the rig has ${rig.views.length} views, diffusion.views says ${d.views}`, ['rig', 'views']);
  const groups = rigGroups(rig);
  const seen = new Set<number>();
  groups.forEach((g, gi) => {
    for (const v of g) {
      if (v >= d.views) fail(`view ${v} does not exist (${d.views} views)`, ['rig', 'groups', gi]);
      if (seen.has(v)) fail(`view ${v} is in two groups`, ['rig', 'groups', gi]);
      seen.add(v);
    }
    if (d.inputElement && g.length !== groups[0]!.length)
      fail('with an input element every group has the same number of views', ['rig', 'groups', gi]);
  });
  if (seen.size !== d.views) fail(`the groups cover ${seen.size} of ${d.views} views`, ['rig', 'groups']);
  for (const [name, io] of Object.entries(DIFFUSION_NETWORKS)) {
    const net = m.networks[name];
    if (!net) {
      fail(`a ${DIFFUSION_ROLE} pack needs the network "${name}"`, ['networks']);
      continue;
    }
    const wantIn = name === 'volume' && !d.meshPhotoFeatures ? io.inputs.slice(0, 4) : io.inputs;
    const got = net.inputs.map((t) => t.name);
    if (got.join() !== wantIn.join())
      fail(`inputs are [${got.join(', ')}], the contract says [${wantIn.join(', ')}]`, ['networks', name]);
    const gotOut = net.outputs.map((t) => t.name);
    if (gotOut.join() !== io.outputs.join())
      fail(`outputs are [${gotOut.join(', ')}], the contract says [${io.outputs.join(', ')}]`, [
        'networks',
        name,
      ]);
  }
}
