import { mkdir } from 'node:fs/promises';
import pkg from '../../../package.json' with { type: 'json' };
import type { TexturedMesh } from '../geometry/textured-mesh';
import { ExportSettings } from '../../shared/protocol';
import { StageError, throwIfCancelled } from '../stage-error';
import { exportFileStem, photoBaseName, safeFileStem, safeObjectName } from './file-names';
import { GLTF_FRAME, placeMesh, placementOffset, type Vec3 } from './placement';
import { prepareMesh } from './prepared-mesh';
import { simplifyToBudget } from './simplify';
import { fileSystemError, StagedFiles } from './staged-files';
import { encodeTexture } from './texture';
import { validateMeshForExport } from './validate-mesh';
import { buildGlb, type ExportObject } from './write-glb';
import { buildMtl, buildObj } from './write-obj';
import { buildZip } from './zip';

export const EXPORT_GENERATOR = `Gen3D-Face Studio ${pkg.version}`;
/** Node/object name of the hair in GLB and OBJ (fixed, so scripts and DCC tools can find it). */
export const HAIR_OBJECT = 'hair';

export type ExportFileKind =
  | 'export-glb'
  | 'export-obj'
  | 'export-mtl'
  | 'export-texture'
  | 'export-zip'
  | 'export-view'
  | 'export-report';

export interface ExportInput {
  mesh: TexturedMesh;
  /** The hair (and headwear) shell: a separate object `hair` with its own material and texture. */
  hair?: TexturedMesh;
  prior?: TexturedMesh;
  views?: { name: string; png: Buffer }[];
  report?: unknown;
  /** The photo's file name; names the files (through the template) and the objects inside them. */
  photoName: string;
}

export interface ExportResult {
  /** Absolute paths, in write order. */
  files: { kind: ExportFileKind; path: string }[];
  summary: {
    vertices: number;
    triangles: number;
    /** Set when the triangle budget made the exporter simplify. */
    simplifiedFrom?: number;
    /** Side of the texture written (the setting, or the source's if smaller). */
    textureSize: number;
    /** Translation applied (metres, before unit/axis conversion) to put the origin where asked. */
    offset: Vec3;
  };
}

/**
 * Write the head as the settings ask — GLB, OBJ+MTL+texture, zip, prior, views, report — into outDir.
 * All or nothing: every file is staged under a temporary name and renamed at the end, so a failure
 * leaves no file under a final name. Throws StageError 'invalid-mesh', 'export-disk-full',
 * 'export-unwritable' or 'invalid-export-settings'.
 */
export async function exportHead(
  input: ExportInput,
  outDir: string,
  settingsIn: ExportSettings,
  signal?: AbortSignal,
): Promise<ExportResult> {
  const parsed = ExportSettings.safeParse(settingsIn);
  if (!parsed.success) {
    throw new StageError(
      'invalid-export-settings',
      `Export settings are invalid: ${parsed.error.issues[0]?.message}`,
    );
  }
  const settings = parsed.data;
  validateMeshForExport(input.mesh, 'head mesh');
  if (input.hair) validateMeshForExport(input.hair, 'hair mesh');
  const withPrior = settings.includePrior && input.prior !== undefined;
  if (withPrior) validateMeshForExport(input.prior!, 'prior mesh');
  throwIfCancelled(signal);

  let head = prepareMesh(input.mesh);
  let prior = withPrior ? prepareMesh(input.prior!) : undefined;
  let hair = input.hair ? prepareMesh(input.hair) : undefined;
  let simplifiedFrom: number | undefined;
  if (settings.triangleBudget !== undefined) {
    const result = await simplifyToBudget(head, settings.triangleBudget);
    if (result.trianglesAfter !== result.trianglesBefore) simplifiedFrom = result.trianglesBefore;
    head = result.mesh;
    if (prior) prior = (await simplifyToBudget(prior, settings.triangleBudget)).mesh;
    if (hair) hair = (await simplifyToBudget(hair, settings.triangleBudget)).mesh;
  }
  throwIfCancelled(signal);

  const stem = exportFileStem(settings, input.photoName);
  const objectName = safeObjectName(photoBaseName(input.photoName));
  const offset = placementOffset(head.positions, settings.origin);
  const size = settings.textureSize;
  const headTexture = await encodeTexture(head.texturePng, size, settings.textureFormat);
  const hairTexture = hair ? await encodeTexture(hair.texturePng, size, settings.textureFormat) : undefined;
  const priorTexture = prior
    ? await encodeTexture(prior.texturePng, size, settings.textureFormat)
    : undefined;
  throwIfCancelled(signal);

  const objectsIn = (frame: typeof GLTF_FRAME): ExportObject[] => {
    const objects: ExportObject[] = [
      {
        objectName,
        materialName: `${safeFileStem(objectName)}_skin`,
        mesh: placeMesh(head, offset, frame),
        texture: headTexture,
        textureFileName: `${stem}.${headTexture.extension}`,
      },
    ];
    if (hair && hairTexture) {
      objects.push({
        objectName: HAIR_OBJECT,
        materialName: `${safeFileStem(objectName)}_hair`,
        mesh: placeMesh(hair, offset, frame),
        texture: hairTexture,
        textureFileName: `${stem}_hair.${hairTexture.extension}`,
        kind: 'hair',
      });
    }
    if (prior && priorTexture) {
      objects.push({
        objectName: `${objectName}_prior`,
        materialName: `${safeFileStem(objectName)}_prior_skin`,
        mesh: placeMesh(prior, offset, frame),
        texture: priorTexture,
        textureFileName: `${stem}_prior.${priorTexture.extension}`,
      });
    }
    return objects;
  };

  const staged = new StagedFiles(outDir);
  const files: ExportResult['files'] = [];
  const write = async (kind: ExportFileKind, name: string, data: Uint8Array | string) => {
    throwIfCancelled(signal);
    files.push({ kind, path: await staged.write(name, data) });
  };
  try {
    await mkdir(outDir, { recursive: true });
    if (settings.formats.includes('glb')) {
      await write(
        'export-glb',
        `${stem}.glb`,
        await buildGlb(objectsIn(GLTF_FRAME), objectName, EXPORT_GENERATOR),
      );
    }
    if (settings.formats.includes('obj')) {
      const objects = objectsIn(settings);
      const header = [
        EXPORT_GENERATOR,
        `units: ${settings.units === 'cm' ? 'centimetres' : 'metres'}; up: +${settings.upAxis}; face looks ` +
          `${settings.upAxis === 'Z' ? '-Y' : '+Z'}; origin: ${settings.origin}`,
      ];
      const obj = buildObj(objects, `${stem}.mtl`, header);
      const mtl = buildMtl(objects, [EXPORT_GENERATOR]);
      await write('export-obj', `${stem}.obj`, obj);
      await write('export-mtl', `${stem}.mtl`, mtl);
      for (const o of objects) await write('export-texture', o.textureFileName, o.texture.bytes);
      if (settings.zip) {
        const entries = [
          { name: `${stem}.obj`, data: Buffer.from(obj) },
          { name: `${stem}.mtl`, data: Buffer.from(mtl) },
          ...objects.map((o) => ({ name: o.textureFileName, data: o.texture.bytes })),
        ];
        await write('export-zip', `${stem}.zip`, buildZip(entries));
      }
    }
    if (settings.includeViews) {
      for (const view of input.views ?? []) {
        const name = safeFileStem(photoBaseName(view.name));
        await write('export-view', `${stem}_views/${name}.png`, view.png);
      }
    }
    if (settings.includeReport && input.report !== undefined) {
      await write('export-report', `${stem}_report.json`, `${JSON.stringify(input.report, null, 2)}\n`);
    }
    throwIfCancelled(signal);
    await staged.commit();
  } catch (err) {
    await staged.discard();
    throw fileSystemError(err, outDir);
  }
  return {
    files,
    summary: {
      vertices: head.positions.length / 3,
      triangles: head.indices.length / 3,
      ...(simplifiedFrom !== undefined ? { simplifiedFrom } : {}),
      textureSize: headTexture.size,
      offset,
    },
  };
}
