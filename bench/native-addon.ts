/**
 * The native rasterizer through its Node-API addon (what the engine calls): a 100k-triangle textured
 * sphere rendered at 1024² and baked into a 2048² atlas, CPU vs CUDA (when a GPU answers) in the same
 * run; median of 7 after a warm-up. Run: npx tsx bench/native-addon.ts
 */
import os from 'node:os';
import {
  backendInfo,
  bakeProjectedTexture,
  renderTexturedMesh,
  type BackendRequest,
} from '../src-main/engine/native/native-addon';
import { orbitCamera } from '../src-main/engine/geometry/camera';

/** UV sphere of radius r with about 2·rings·segments triangles, uv = (longitude, latitude). */
function sphere(rings: number, segments: number, r: number) {
  const positions: number[] = [];
  const uvs: number[] = [];
  for (let i = 0; i <= rings; i++) {
    const v = i / rings;
    const theta = v * Math.PI;
    for (let j = 0; j <= segments; j++) {
      const u = j / segments;
      const phi = u * 2 * Math.PI;
      positions.push(
        r * Math.sin(theta) * Math.sin(phi),
        r * Math.cos(theta),
        r * Math.sin(theta) * Math.cos(phi),
      );
      uvs.push(u, v);
    }
  }
  const indices: number[] = [];
  for (let i = 0; i < rings; i++) {
    for (let j = 0; j < segments; j++) {
      const a = i * (segments + 1) + j;
      const b = a + segments + 1;
      indices.push(a, b, a + 1, a + 1, b, b + 1);
    }
  }
  return {
    positions: new Float32Array(positions),
    uvs: new Float32Array(uvs),
    indices: new Uint32Array(indices),
  };
}

async function median(fn: () => Promise<unknown>, runs = 7): Promise<number> {
  await fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return ms.sort((a, b) => a - b)[runs >> 1]!;
}

const mesh = sphere(200, 250, 0.1);
const texSize = 1024;
const texture = {
  width: texSize,
  height: texSize,
  data: new Uint8Array(texSize * texSize * 4).map((_, i) => (i * 37) & 255),
};
const camera = orbitCamera({
  azimuthDeg: 20,
  elevationDeg: 10,
  distance: 0.5,
  width: 1024,
  height: 1024,
  focal: 1800,
});
const info = backendInfo();
console.log(`${os.cpus().length} × ${os.cpus()[0]?.model}; addon backend ${info.backend} (${info.reason})`);
console.log(`mesh: ${mesh.indices.length / 3} triangles`);
console.log('| task | backend | median ms |');
console.log('|---|---|---|');
const backends: BackendRequest[] = info.backend === 'cuda' ? ['cpu', 'auto'] : ['cpu'];
for (const backend of backends) {
  const name = backend === 'auto' ? info.backend : 'cpu';
  const render = await median(() =>
    renderTexturedMesh({ ...mesh, texture, camera, width: 1024, height: 1024, backend, shading: 'lambert' }),
  );
  console.log(`| render 1024² | ${name} | ${render.toFixed(1)} |`);
  const bake = await median(() =>
    bakeProjectedTexture({ ...mesh, photo: texture, camera, atlasWidth: 2048, atlasHeight: 2048, backend }),
  );
  console.log(`| bake 2048² | ${name} | ${bake.toFixed(1)} |`);
}
