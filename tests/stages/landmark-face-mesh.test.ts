import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import sharp from 'sharp';
import { buildLandmarkFaceMesh, NOSE_TIP } from '../../src-main/engine/estimate/landmark-face-mesh';
import {
  detectFaces,
  faceMeshTopology,
  type DetectedFace,
} from '../../src-main/engine/estimate/landmarks/detect-faces';
import { meshBounds, type TexturedMesh } from '../../src-main/engine/geometry/textured-mesh';
import { ASTRONAUT, loadPhoto, type Photo } from './support/photos';

const OUT = path.resolve(import.meta.dirname, '../../test-output/stages');
const NOSE_TIP_BELOW = 4;

function triangleNormal(mesh: TexturedMesh, t: number): [number, number, number, number] {
  const p = mesh.positions;
  const [a, b, c] = [mesh.indices[t]! * 3, mesh.indices[t + 1]! * 3, mesh.indices[t + 2]! * 3];
  const e1 = [p[b]! - p[a]!, p[b + 1]! - p[a + 1]!, p[b + 2]! - p[a + 2]!];
  const e2 = [p[c]! - p[a]!, p[c + 1]! - p[a + 1]!, p[c + 2]! - p[a + 2]!];
  const n: [number, number, number] = [
    e1[1]! * e2[2]! - e1[2]! * e2[1]!,
    e1[2]! * e2[0]! - e1[0]! * e2[2]!,
    e1[0]! * e2[1]! - e1[1]! * e2[0]!,
  ];
  const len = Math.hypot(...n);
  return [n[0] / len, n[1] / len, n[2] / len, len / 2];
}

describe('buildLandmarkFaceMesh on astronaut.png', () => {
  let photo: Photo;
  let face: DetectedFace;
  let mesh: TexturedMesh;
  let crop: { x: number; y: number; w: number; h: number };
  let triangulation: Uint32Array;

  before(async () => {
    photo = await loadPhoto(ASTRONAUT);
    [face] = (await detectFaces(photo)) as [DetectedFace];
    triangulation = (await faceMeshTopology()).triangles;
    const t = performance.now();
    ({ mesh, crop } = await buildLandmarkFaceMesh(face, photo, triangulation, 'astronaut-face'));
    console.log(`[timing] buildLandmarkFaceMesh ${(performance.now() - t).toFixed(0)} ms`);
    await mkdir(OUT, { recursive: true });
    await writeFile(path.join(OUT, 'astronaut-face-texture.png'), mesh.texturePng);
  });

  it('has one vertex per landmark, the triangulation and a name', () => {
    assert.equal(mesh.name, 'astronaut-face');
    assert.equal(mesh.positions.length, 468 * 3);
    assert.equal(mesh.uvs.length, 468 * 2);
    assert.equal(mesh.indices.length, triangulation.length);
    assert.ok(mesh.positions.every(Number.isFinite));
  });

  it('is head-sized and centred at the origin', () => {
    const { min, max } = meshBounds(mesh.positions);
    const size = [0, 1, 2].map((a) => max[a]! - min[a]!);
    assert.ok(size[0]! > 0.12 && size[0]! < 0.25, `width ${size[0]} m`);
    assert.ok(size[1]! > 0.12 && size[1]! < 0.25, `height ${size[1]} m`);
    assert.ok(size[2]! > 0.04 && size[2]! < 0.15, `depth ${size[2]} m`);
    for (let a = 0; a < 3; a++) assert.ok(Math.abs(min[a]! + max[a]!) < 1e-6, `axis ${a} not centred`);
  });

  it('has +Y up and the nose tip as the most forward (+Z) point', () => {
    const y = (i: number): number => mesh.positions[i * 3 + 1]!;
    const z = (i: number): number => mesh.positions[i * 3 + 2]!;
    assert.ok(y(10) > y(NOSE_TIP) && y(NOSE_TIP) > y(152), 'forehead above nose above chin');
    const { max } = meshBounds(mesh.positions);
    const noseZ = Math.max(z(NOSE_TIP), z(NOSE_TIP_BELOW));
    assert.ok(max[2]! - noseZ < 0.003, `nose tip ${noseZ} m, most forward ${max[2]} m`);
    // the subject's left eye (263) is on +X as seen from the front
    assert.ok(mesh.positions[263 * 3]! > mesh.positions[33 * 3]!);
  });

  it('winds front triangles counter-clockwise seen from +Z (normals point at the viewer)', () => {
    let frontArea = 0;
    let facingArea = 0;
    let noseTris = 0;
    for (let t = 0; t < mesh.indices.length; t += 3) {
      const [, , nz, area] = triangleNormal(mesh, t);
      const tri = [mesh.indices[t], mesh.indices[t + 1], mesh.indices[t + 2]];
      if (tri.includes(NOSE_TIP)) {
        noseTris++;
        assert.ok(nz > 0.3, `triangle ${t / 3} at the nose tip faces z ${nz.toFixed(2)}`);
      }
      // the central face (within ±4 cm of the mid-line) faces the camera in a frontal portrait
      const cx =
        (mesh.positions[tri[0]! * 3]! + mesh.positions[tri[1]! * 3]! + mesh.positions[tri[2]! * 3]!) / 3;
      if (Math.abs(cx) < 0.04) {
        frontArea += area;
        if (nz > 0) facingArea += area;
      }
    }
    assert.ok(noseTris >= 4);
    assert.ok(
      facingArea / frontArea > 0.95,
      `${((100 * facingArea) / frontArea).toFixed(1)} % of the central face faces +Z`,
    );
  });

  it('gives the same front-facing winding whichever way the triangulation is wound', async () => {
    const reversed = Uint32Array.from(triangulation);
    for (let t = 0; t < reversed.length; t += 3)
      [reversed[t + 1], reversed[t + 2]] = [reversed[t + 2]!, reversed[t + 1]!];
    const other = await buildLandmarkFaceMesh(face, photo, reversed, 'reversed');
    let facing = 0;
    for (let t = 0; t < other.mesh.indices.length; t += 3) if (triangleNormal(other.mesh, t)[2] > 0) facing++;
    assert.ok(
      facing / (other.mesh.indices.length / 3) > 0.8,
      `${facing} of ${other.mesh.indices.length / 3} face +Z`,
    );
  });

  it('maps UVs into the square face crop, and the texture shows the photo there', async () => {
    assert.equal(crop.w, crop.h);
    const [bx, by, bw, bh] = face.box;
    assert.ok(
      crop.x <= bx + 5 &&
        crop.y <= by + 5 &&
        crop.x + crop.w >= bx + bw - 5 &&
        crop.y + crop.h >= by + bh - 5,
      'crop holds the face',
    );
    for (const v of mesh.uvs) assert.ok(v >= 0 && v <= 1, `uv ${v}`);
    const meta = await sharp(mesh.texturePng).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['png', 1024, 1024]);
    // sample texture and photo at several landmarks: colours must match (UVs, crop and texture agree)
    const tex = await sharp(mesh.texturePng).removeAlpha().raw().toBuffer();
    const src = await sharp(photo.png).removeAlpha().raw().toBuffer();
    let diff = 0;
    const probes = [1, 4, 10, 33, 61, 152, 168, 199, 234, 263, 291, 454];
    for (const i of probes) {
      const u = Math.min(1023, Math.floor(mesh.uvs[i * 2]! * 1024));
      const v = Math.min(1023, Math.floor(mesh.uvs[i * 2 + 1]! * 1024));
      const x = Math.floor(face.landmarks[i * 3]!);
      const y = Math.floor(face.landmarks[i * 3 + 1]!);
      for (let c = 0; c < 3; c++)
        diff += Math.abs(tex[(v * 1024 + u) * 3 + c]! - src[(y * photo.width + x) * 3 + c]!);
    }
    const mean = diff / (probes.length * 3);
    assert.ok(mean < 15, `texture vs photo at landmarks: mean difference ${mean.toFixed(1)}`);
    // and a flipped V would not match
    let flipped = 0;
    for (const i of probes) {
      const u = Math.min(1023, Math.floor(mesh.uvs[i * 2]! * 1024));
      const v = Math.min(1023, Math.floor((1 - mesh.uvs[i * 2 + 1]!) * 1024));
      const x = Math.floor(face.landmarks[i * 3]!);
      const y = Math.floor(face.landmarks[i * 3 + 1]!);
      for (let c = 0; c < 3; c++)
        flipped += Math.abs(tex[(v * 1024 + u) * 3 + c]! - src[(y * photo.width + x) * 3 + c]!);
    }
    assert.ok(flipped / (probes.length * 3) > 2 * mean, 'the probe would not notice a flipped texture');
  });

  it('pads the crop with white where the face is at the photo’s edge', async () => {
    // cut the photo so the face touches its left edge
    const cut = await sharp(photo.png)
      .extract({ left: 180, top: 0, width: 332, height: 512 })
      .png()
      .toBuffer();
    const cutPhoto = { png: cut, width: 332, height: 512 };
    const [edgeFace] = await detectFaces(cutPhoto);
    assert.ok(edgeFace, 'the half face is still found');
    const result = await buildLandmarkFaceMesh(edgeFace, cutPhoto, triangulation, 'edge');
    assert.ok(result.crop.x < 0, `crop x ${result.crop.x}`);
    const corner = await sharp(result.mesh.texturePng)
      .extract({ left: 0, top: 500, width: 8, height: 8 })
      .raw()
      .toBuffer();
    assert.ok(
      corner.every((v) => v === 255),
      'outside the photo is white',
    );
    for (const v of result.mesh.uvs) assert.ok(v >= 0 && v <= 1);
  });
});
