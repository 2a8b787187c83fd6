/** The once-per-job networks (condition encoder, VAE encoder) and the VAE decoder of views. */
import * as ort from 'onnxruntime-node';
import type { DiffusionRuntime } from './diffusion-runtime';

export interface Conditioning {
  inputLatent: Float32Array;
  /** [(V+1), C]; row V = the input element's. */
  context: Float32Array;
  contextSize: number;
}

/**
 * `imageS` [1,3,S,S] and `imageR` [1,3,R,R] in [−1, 1]; `conditionEmbed` [(V+1), 4] (the views' rows,
 * then the input element's).
 */
export async function encodeConditioning(
  runtime: DiffusionRuntime,
  args: { imageS: Float32Array; S: number; imageR: Float32Array; R: number; conditionEmbed: Float32Array },
): Promise<Conditioning> {
  const rows = args.conditionEmbed.length / 4;
  const c = await runtime.run('condition', {
    image: new ort.Tensor('float32', args.imageR, [1, 3, args.R, args.R]),
    view_embed: new ort.Tensor('float32', args.conditionEmbed, [rows, 4]),
  });
  const context = c.context!;
  const e = await runtime.run('vae_encoder', {
    image: new ort.Tensor('float32', args.imageS, [1, 3, args.S, args.S]),
  });
  return {
    inputLatent: Float32Array.from(e.latent!.data as Float32Array),
    context: Float32Array.from(context.data as Float32Array),
    contextSize: context.dims[context.dims.length - 1]!,
  };
}

/** Decodes V latents [V, ch, h, w] in chunks of `chunk` views → images [V, 3, S, S] in [−1, 1]. */
export async function decodeLatents(
  runtime: DiffusionRuntime,
  latents: Float32Array,
  views: number,
  channels: number,
  hw: number,
  chunk: number,
  signal?: AbortSignal,
): Promise<{ images: Float32Array; size: number }> {
  const L = channels * hw * hw;
  const parts: Float32Array[] = [];
  let size = 0;
  for (let v = 0; v < views; v += chunk) {
    if (signal?.aborted) break;
    const n = Math.min(chunk, views - v);
    const out = await runtime.run('vae_decoder', {
      latent: new ort.Tensor('float32', latents.slice(v * L, (v + n) * L), [n, channels, hw, hw]),
    });
    const image = out.image!;
    size = image.dims[3]!;
    parts.push(image.data as Float32Array);
  }
  const images = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    images.set(p, o);
    o += p.length;
  }
  return { images, size };
}
