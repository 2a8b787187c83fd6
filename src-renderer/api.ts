/**
 * Typed access to the preload's API (`window.studio`), the renderer's only way out of its sandbox.
 */
import type { StudioApi } from '../src-main/shared/studio-api';

declare global {
  interface Window {
    studio?: StudioApi;
  }
}

export function studio(): StudioApi {
  if (!window.studio) throw new Error('window.studio is missing: this page runs outside the studio window');
  return window.studio;
}

/** Electron prefixes errors thrown in main ("Error invoking remote method 'x': Error: …"); drop that. */
export function errorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/^Error invoking remote method '[^']+': (?:\w*Error: )?/, '');
}

/** Bytes of a job artifact as a Blob (images, GLB). */
export async function readArtifactBlob(jobId: string, path: string, type: string): Promise<Blob> {
  const bytes = await studio().readArtifact(jobId, path);
  return new Blob([bytes as Uint8Array<ArrayBuffer>], { type });
}

export async function readArtifactJson(jobId: string, path: string): Promise<unknown> {
  const bytes = await studio().readArtifact(jobId, path);
  return JSON.parse(new TextDecoder().decode(bytes));
}
