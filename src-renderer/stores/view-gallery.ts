/**
 * What the view gallery shows, as pure functions of a job's artifacts: one tile per generated view,
 * in view order, each with the newest picture of that view (the final `views/NN.png` once written,
 * until then the latest live preview `views/preview/NN.png`) and its camera angle from
 * `views/cameras.json` (docs/multiview-diffusion.md, "Job files").
 */
import { JOB_PATHS, type Artifact, type GeneratorId } from '../../src-main/shared/protocol';

/** Every rig of the contract has 16 views; cameras.json, once written, says how many there are. */
export const DIFFUSION_VIEW_COUNT = 16;

export const VIEW_CAMERAS_PATH = `${JOB_PATHS.viewsDir}/cameras.json`;

const FINAL_VIEW = new RegExp(`^${JOB_PATHS.viewsDir}/(\\d{2})\\.png$`);
const PREVIEW_VIEW = new RegExp(`^${JOB_PATHS.viewsDir}/preview/(\\d{2})\\.png$`);

export interface ViewAngle {
  azimuth: number;
  elevation: number;
}

/** Which picture a tile shows; `key` changes whenever the file is rewritten (a newer preview). */
export interface TilePicture {
  path: string;
  key: string;
  final: boolean;
}

export interface ViewTile {
  index: number;
  /** "view 03" */
  name: string;
  /** "az 67.5° · el −5°", or undefined until cameras.json is written (at the end of sampling). */
  angle?: string;
  picture?: TilePicture;
}

/**
 * 'views': a diffusion job (tiles, possibly still empty); 'projection': a job whose generator makes no
 * views (the gallery says so instead of showing empty tiles).
 */
export type GalleryMode = 'views' | 'projection';

/** The view a path is a picture of, and whether it is the final one; undefined for any other file. */
export function viewPictureOf(path: string): { index: number; final: boolean } | undefined {
  const final = FINAL_VIEW.exec(path);
  if (final) return { index: Number(final[1]), final: true };
  const preview = PREVIEW_VIEW.exec(path);
  if (preview) return { index: Number(preview[1]), final: false };
  return undefined;
}

/** The angles of cameras.json's views, by view index; undefined when the file is not of that shape. */
export function parseViewAngles(json: unknown): ViewAngle[] | undefined {
  const views = (json as { views?: unknown } | null)?.views;
  if (!Array.isArray(views)) return undefined;
  const angles: ViewAngle[] = [];
  for (const view of views) {
    const { azimuth, elevation } = (view ?? {}) as { azimuth?: unknown; elevation?: unknown };
    if (typeof azimuth !== 'number' || typeof elevation !== 'number') return undefined;
    angles.push({ azimuth, elevation });
  }
  return angles;
}

/** Degrees with at most one decimal and a true minus sign: 22.5°, −5°, 0°. */
function degrees(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  const text = String(Math.abs(rounded));
  return `${rounded < 0 ? '\u2212' : ''}${text}°`;
}

export const angleLabel = (angle: ViewAngle): string =>
  `az ${degrees(angle.azimuth)} · el ${degrees(angle.elevation)}`;

/** Words a screen reader says for the angle (no symbols): "azimuth 67.5 degrees, elevation -5 degrees". */
export const angleSpoken = (angle: ViewAngle): string =>
  `azimuth ${Math.round(angle.azimuth * 10) / 10} degrees, elevation ${Math.round(angle.elevation * 10) / 10} degrees`;

export const viewName = (index: number): string => `view ${String(index).padStart(2, '0')}`;

export function galleryMode(generator: GeneratorId): GalleryMode {
  return generator === 'diffusion' ? 'views' : 'projection';
}

/**
 * The tiles of a diffusion job: as many as cameras.json names (else the contract's 16, or more if a
 * picture of a higher view turns up), in view order; a final view replaces the previews of its view.
 */
export function galleryTiles(
  artifacts: ReadonlyMap<string, { kind: Artifact['kind']; key: string }>,
  angles: readonly ViewAngle[] | undefined,
): ViewTile[] {
  const pictures = new Map<number, TilePicture>();
  let highest = -1;
  for (const [path, { key }] of artifacts) {
    const found = viewPictureOf(path);
    if (!found) continue;
    highest = Math.max(highest, found.index);
    const shown = pictures.get(found.index);
    if (shown?.final && !found.final) continue;
    pictures.set(found.index, { path, key, final: found.final });
  }
  const count = Math.max(angles?.length ?? DIFFUSION_VIEW_COUNT, highest + 1);
  return Array.from({ length: count }, (_, index) => {
    const angle = angles?.[index];
    const picture = pictures.get(index);
    return {
      index,
      name: viewName(index),
      ...(angle ? { angle: angleLabel(angle) } : {}),
      ...(picture ? { picture } : {}),
    };
  });
}

/** What a tile is called for assistive technology: its name, angle and whether it is final. */
export function tileDescription(tile: ViewTile, angles: readonly ViewAngle[] | undefined): string {
  const angle = angles?.[tile.index];
  const state = !tile.picture ? 'not sampled yet' : tile.picture.final ? 'final' : 'preview';
  return [tile.name, angle ? angleSpoken(angle) : undefined, state].filter(Boolean).join(', ');
}

/**
 * How far sampling is, 0…1, for the gallery's bar: the generate stage's steps while it samples; full once
 * every view is final, since the stage then goes on with steps of its own (projecting the prior).
 */
export function samplingShare(
  stage: { state: string; step?: number; total?: number } | undefined,
  tiles: readonly ViewTile[],
): number {
  if (everyViewFinal(tiles)) return 1;
  if (!stage || stage.state !== 'running' || stage.step === undefined || !stage.total) return 0;
  return Math.min(1, stage.step / stage.total);
}

/** Sampling is over: every tile shows its final view. */
export function everyViewFinal(tiles: readonly ViewTile[]): boolean {
  return tiles.length > 0 && tiles.every((t) => t.picture?.final);
}
