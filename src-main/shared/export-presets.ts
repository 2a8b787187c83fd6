import { ExportSettings } from './protocol';

export type ExportPresetId = Exclude<ExportSettings['preset'], 'custom'>;

/**
 * One ExportSettings value per target tool. What the axes mean for each:
 * - The GLB is always metres and +Y up: glTF defines both, and every importer (Blender, Unity's glTFast,
 *   Unreal's Interchange, Babylon) converts from them itself. A centimetre or Z-up GLB would be scaled or
 *   turned twice on import, which is exactly the 100× error users report. `units` and `upAxis` therefore
 *   apply to the OBJ, which has no units and no axis convention of its own.
 * - Blender: Z-up OBJ (import it with Forward = Y, Up = Z, i.e. no conversion); its glTF importer turns
 *   the Y-up GLB into Z-up itself. Either way the face looks along Blender's -Y (its "front" view).
 * - Unreal: centimetres, Z-up OBJ (Unreal works in cm, Z up).
 * - Unity: metres, Y-up. Maya: centimetres (its default working unit), Y-up.
 * - web: GLB only, 1k JPEG texture to keep the download small.
 */
export const EXPORT_PRESETS: Record<ExportPresetId, ExportSettings> = {
  blender: ExportSettings.parse({
    preset: 'blender',
    formats: ['glb', 'obj'],
    units: 'm',
    upAxis: 'Z',
    textureSize: 2048,
    textureFormat: 'png',
  }),
  unity: ExportSettings.parse({
    preset: 'unity',
    formats: ['glb', 'obj'],
    units: 'm',
    upAxis: 'Y',
    textureSize: 2048,
    textureFormat: 'png',
  }),
  unreal: ExportSettings.parse({
    preset: 'unreal',
    formats: ['glb', 'obj'],
    units: 'cm',
    upAxis: 'Z',
    textureSize: 2048,
    textureFormat: 'png',
  }),
  maya: ExportSettings.parse({
    preset: 'maya',
    formats: ['glb', 'obj'],
    units: 'cm',
    upAxis: 'Y',
    textureSize: 2048,
    textureFormat: 'png',
  }),
  web: ExportSettings.parse({
    preset: 'web',
    formats: ['glb'],
    units: 'm',
    upAxis: 'Y',
    textureSize: 1024,
    textureFormat: 'jpeg',
  }),
};

export const EXPORT_PRESET_IDS = Object.keys(EXPORT_PRESETS) as ExportPresetId[];
