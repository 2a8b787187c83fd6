/**
 * The viewport as a PNG, at the canvas's own size, through Babylon's screenshot tool (it copies the
 * canvas after the next frame ends).
 */
import type { AbstractEngine } from '@babylonjs/core/Engines/abstractEngine';
import type { Camera } from '@babylonjs/core/Cameras/camera';
import { CreateScreenshotAsync } from '@babylonjs/core/Misc/screenshotTools';

/** The bytes of a base64 data URL (what the screenshot tool hands back). */
export function bytesFromDataUrl(url: string): Uint8Array {
  const comma = url.indexOf(',');
  if (!url.startsWith('data:') || comma < 0 || !url.slice(0, comma).endsWith(';base64'))
    throw new Error('not a base64 data URL');
  const text = atob(url.slice(comma + 1));
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

export async function captureViewportPng(engine: AbstractEngine, camera: Camera): Promise<Uint8Array> {
  const width = engine.getRenderWidth();
  const height = engine.getRenderHeight();
  const url = await CreateScreenshotAsync(engine, camera, { width, height }, 'image/png');
  return bytesFromDataUrl(url);
}
