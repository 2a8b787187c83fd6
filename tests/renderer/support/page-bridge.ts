/**
 * Runs in the test page in place of the Electron preload: the same createStudioApi as the preload,
 * over a Playwright binding (`__studioInvoke`, answered by main's real IPC handler table in Node)
 * and an event hook (`__studioEmit`, called by the test for each backend event).
 */
import { createStudioApi } from '../../../src-main/preload/studio-api-client';
import type { StudioEvent } from '../../../src-main/shared/protocol';
import { decodeBytesDeep, encodeBytesDeep } from './bytes-codec';

interface BridgeGlobals {
  __studioInvoke(channel: string, args: unknown): Promise<unknown>;
  __studioEmit?: (event: StudioEvent) => void;
  studio?: unknown;
  btoa(text: string): string;
  atob(text: string): string;
}

const page = globalThis as unknown as BridgeGlobals;

function toBase64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return page.btoa(text);
}

function fromBase64(text: string): Uint8Array {
  const binary = page.atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const listeners = new Set<(event: StudioEvent) => void>();
page.__studioEmit = (event) => listeners.forEach((listener) => listener(event));
page.studio = createStudioApi({
  invoke: async (channel, args) =>
    decodeBytesDeep(await page.__studioInvoke(channel, encodeBytesDeep(args, toBase64)), fromBase64),
  subscribe: (listener) => {
    listeners.add(listener);
    return () => void listeners.delete(listener);
  },
});
