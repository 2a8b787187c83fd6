/**
 * The synthetic multi-view head dataset (issue 11): identities [start, start + count) of a seed, each
 * in its own folder — photo.png, views/NN.png + cameras.json (the training targets), identity.json
 * (what was drawn, the estimator's fit) and the networks' inputs as .npy (input view, prior vertices
 * in the volume frame, their photo colours). Same seed and index → the same bytes.
 *
 *   npx tsx training/data/make-synthetic-heads.ts --out DIR [--seed 1] [--start 0] [--count 100]
 *       [--rig training/data/head360-rig.json] [--view-size 256] [--photo-size 512] [--no-prior]
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadHeadModel } from '../../src-main/engine/geometry/head-model';
import { CameraRig } from '../../src-main/engine/packs/diffusion-manifest';
import { npyBytes } from './npy';
import { makeSyntheticHead, pngOf, type SyntheticHeadOptions } from './synthetic-head';

const here = resolve(import.meta.dirname);

export async function writeSyntheticHeads(opts: {
  out: string;
  seed: number;
  start: number;
  count: number;
  options: SyntheticHeadOptions;
  withPrior: boolean;
  log?: (line: string) => void;
}): Promise<{ written: number; withoutPrior: number }> {
  const model = await loadHeadModel();
  let withoutPrior = 0;
  for (let index = opts.start; index < opts.start + opts.count; index++) {
    const t0 = performance.now();
    const head = await makeSyntheticHead(model, opts.seed, index, opts.options, opts.withPrior);
    const dir = join(opts.out, `id-${String(index).padStart(6, '0')}`);
    await mkdir(join(dir, 'views'), { recursive: true });
    await writeFile(join(dir, 'photo.png'), await pngOf(head.photo, false));
    for (const [i, view] of head.views.entries())
      await writeFile(join(dir, 'views', head.cameras.views[i]!.file), await pngOf(view, false));
    await writeFile(join(dir, 'views', 'cameras.json'), `${JSON.stringify(head.cameras, null, 2)}\n`);
    const S = opts.options.viewSize;
    const views = new Uint8Array(head.views.length * S * S * 3);
    head.views.forEach((v, i) => views.set(v.rgb, i * S * S * 3));
    await writeFile(join(dir, 'views.npy'), npyBytes(views, [head.views.length, S, S, 3]));
    const prior = head.prior;
    if (prior) {
      await writeFile(join(dir, 'input.npy'), npyBytes(prior.inputView, [S, S, 3]));
      if (prior.conditionView) {
        const R = opts.options.conditionSize!;
        await writeFile(join(dir, 'condition.npy'), npyBytes(prior.conditionView, [R, R, 3]));
      }
      await writeFile(
        join(dir, 'mesh_vertices.npy'),
        npyBytes(prior.meshVertices, [prior.meshVertices.length / 3, 3]),
      );
      await writeFile(
        join(dir, 'mesh_colour.npy'),
        npyBytes(prior.meshColour, [prior.meshColour.length / 4, 4]),
      );
    } else if (opts.withPrior) withoutPrior++;
    const record = {
      seed: opts.seed,
      index,
      identity: head.identity,
      photoCamera: head.photoCamera,
      prior: prior ? { fit: prior.fit, inputElevationDeg: prior.inputElevationDeg } : null,
      ...(head.priorProblem ? { priorProblem: head.priorProblem } : {}),
    };
    await writeFile(join(dir, 'identity.json'), `${JSON.stringify(record, null, 2)}\n`);
    opts.log?.(
      `id ${index}: ${head.identity.hair.params.style}, yaw ${head.identity.input.yawDeg.toFixed(0)}°, ` +
        `${prior ? `fit yaw ${prior.fit.yawDeg.toFixed(0)}°` : `no prior (${head.priorProblem ?? 'off'})`}, ` +
        `${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
  }
  return { written: opts.count, withoutPrior };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      seed: { type: 'string', default: '1' },
      start: { type: 'string', default: '0' },
      count: { type: 'string', default: '100' },
      rig: { type: 'string', default: join(here, 'head360-rig.json') },
      'view-size': { type: 'string', default: '256' },
      'photo-size': { type: 'string', default: '512' },
      'condition-size': { type: 'string' },
      'input-fill': { type: 'string', default: '0.78' },
      'no-prior': { type: 'boolean', default: false },
    },
  });
  if (!values.out) throw new Error('--out DIR is required');
  const rig = CameraRig.parse(JSON.parse(await readFile(values.rig, 'utf8')));
  const viewSize = Number(values['view-size']);
  const options: SyntheticHeadOptions = {
    rig,
    viewSize,
    photoSize: Number(values['photo-size']),
    skinTextureSize: 1024,
    hairTextureSize: 512,
    inputFill: Number(values['input-fill']),
    ...(values['condition-size'] ? { conditionSize: Number(values['condition-size']) } : {}),
  };
  const result = await writeSyntheticHeads({
    out: values.out,
    seed: Number(values.seed),
    start: Number(values.start),
    count: Number(values.count),
    options,
    withPrior: !values['no-prior'],
    log: (line) => console.log(line),
  });
  console.log(
    `${result.written} identities written to ${values.out} (${result.withoutPrior} without a prior)`,
  );
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
