/**
 * The export option `topology: 'flame'`: FLAME's own mesh and UV template (written by the estimate
 * stage into prior/flame-head/, in the head's frame) textured by transfer from the studio's finished
 * head, which was registered onto that same surface.
 */
import { existsSync } from 'node:fs';
import { JOB_PATHS } from '../../shared/protocol';
import { transferTexture } from '../generate/texture-transfer';
import type { HeadModel } from '../geometry/head-model';
import { readMeshFolder } from '../geometry/mesh-file';
import type { TexturedMesh } from '../geometry/textured-mesh';
import { decodeRawImage } from '../image/raw-image';
import { StageError } from '../stage-error';
import type { StageContext } from './stage-context';

export async function flameTopologyHead(
  ctx: Pick<StageContext, 'path' | 'job'>,
  head: { mesh: TexturedMesh; model: HeadModel; positions: Float32Array; signal?: AbortSignal },
): Promise<TexturedMesh> {
  const dir = ctx.path(JOB_PATHS.flameHeadDir);
  if (!existsSync(dir)) {
    throw new StageError(
      'flame-topology-unavailable',
      ctx.job.settings.estimator === 'builtin'
        ? 'The FLAME mesh can be exported only with a FLAME estimator (RingNet, DECA or MICA).'
        : `The ${ctx.job.settings.estimator} pack has no FLAME UV template, or its surface could not be registered.`,
      'Convert the pack again with --flame-uv-template head_template.obj from your FLAME download, or export the studio topology.',
    );
  }
  const flame = await readMeshFolder(dir);
  const size = ctx.job.settings.export.textureSize >= 2048 ? 2048 : 1024;
  const { model } = head;
  const { texturePng } = await transferTexture(
    {
      positions: head.positions,
      triangles: model.triangles,
      uvs: model.uvs,
      uvTriangles: model.uvTriangles,
      triangleChart: model.triangleRegion,
      texture: await decodeRawImage(head.mesh.texturePng, 4),
    },
    flame,
    size,
    head.signal,
  );
  return {
    name: head.mesh.name,
    positions: flame.positions,
    uvs: flame.uvs,
    indices: flame.indices,
    texturePng,
  };
}
