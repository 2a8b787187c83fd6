import { weldPositions } from './prepared-mesh';
import type { ExportObject } from './write-glb';
import { roughnessOf, SKIN_METALLIC } from './write-glb';

const num = (x: number) => {
  const s = x.toFixed(6);
  return s === '-0.000000' ? '0.000000' : s;
};

/**
 * OBJ text for the objects: `v` once per distinct position (vertices split only by a UV seam share it, so
 * DCC tools see one connected surface), `vt` and `vn` once per vertex, faces `v/vt/vn` counter-clockwise
 * from outside. OBJ puts the texture origin bottom-left where glTF puts it top-left, so v → 1 - v.
 */
export function buildObj(objects: ExportObject[], mtlFileName: string, header: string[]): string {
  const lines = header.map((h) => `# ${h}`);
  lines.push(`mtllib ${mtlFileName}`);
  let vBase = 1;
  let vtBase = 1;
  for (const { objectName, materialName, mesh } of objects) {
    const { ids, count } = weldPositions(mesh.positions);
    const firstOf = new Int32Array(count).fill(-1);
    for (let v = 0; v < ids.length; v++) if (firstOf[ids[v]!] === -1) firstOf[ids[v]!] = v;
    lines.push(`o ${objectName}`);
    for (const v of firstOf) {
      lines.push(
        `v ${num(mesh.positions[v * 3]!)} ${num(mesh.positions[v * 3 + 1]!)} ${num(mesh.positions[v * 3 + 2]!)}`,
      );
    }
    for (let v = 0; v < ids.length; v++)
      lines.push(`vt ${num(mesh.uvs[v * 2]!)} ${num(1 - mesh.uvs[v * 2 + 1]!)}`);
    for (let v = 0; v < ids.length; v++) {
      lines.push(
        `vn ${num(mesh.normals[v * 3]!)} ${num(mesh.normals[v * 3 + 1]!)} ${num(mesh.normals[v * 3 + 2]!)}`,
      );
    }
    lines.push(`usemtl ${materialName}`, 's 1');
    const corner = (v: number) => `${vBase + ids[v]!}/${vtBase + v}/${vtBase + v}`;
    for (let t = 0; t < mesh.indices.length; t += 3) {
      lines.push(
        `f ${corner(mesh.indices[t]!)} ${corner(mesh.indices[t + 1]!)} ${corner(mesh.indices[t + 2]!)}`,
      );
    }
    vBase += count;
    vtBase += ids.length;
  }
  lines.push('');
  return lines.join('\n');
}

/**
 * The MTL: white diffuse multiplied by `map_Kd` (a bare file name, so the texture is found next to the
 * MTL wherever the three files are moved together). `Pr`/`Pm` carry the PBR values for importers that
 * read them (Blender); `Ns` is the same roughness for those that only know Phong.
 */
export function buildMtl(objects: ExportObject[], header: string[]): string {
  const lines = header.map((h) => `# ${h}`);
  for (const object of objects) {
    const { materialName, textureFileName } = object;
    const roughness = roughnessOf(object);
    const shininess = Math.round(1000 * (1 - roughness) ** 2);
    lines.push(
      '',
      `newmtl ${materialName}`,
      'Ka 0.000000 0.000000 0.000000',
      'Kd 1.000000 1.000000 1.000000',
      'Ks 0.200000 0.200000 0.200000',
      `Ns ${shininess}`,
      `Pr ${num(roughness)}`,
      `Pm ${num(SKIN_METALLIC)}`,
      'd 1.000000',
      'illum 2',
      `map_Kd ${textureFileName}`,
    );
  }
  lines.push('');
  return lines.join('\n');
}
