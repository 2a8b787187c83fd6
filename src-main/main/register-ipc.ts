/**
 * Plugs the handler table into ipcMain (refusing calls from any page but ours) and forwards the
 * backend's events to the window on IPC.event.
 */
import type { IpcMain, WebContents } from 'electron';
import { IPC } from '../shared/studio-api';
import type { StudioEvent } from '../shared/protocol';
import type { StudioBackend } from '../host/studio-backend';
import type { IpcHandlers, InvokeChannel } from './ipc-handlers';

export function registerIpcHandlers(
  ipcMain: IpcMain,
  handlers: IpcHandlers,
  isTrusted: (senderUrl: string) => boolean,
): () => void {
  const channels = Object.keys(handlers) as InvokeChannel[];
  for (const channel of channels) {
    ipcMain.handle(channel, (event, args: unknown) => {
      const url = event.senderFrame?.url ?? '';
      if (!isTrusted(url)) throw new Error(`${channel}: refused a call from ${url || 'an unknown frame'}`);
      return handlers[channel](args);
    });
  }
  return () => channels.forEach((channel) => ipcMain.removeHandler(channel));
}

export function forwardBackendEvents(
  backend: Pick<StudioBackend, 'on' | 'off'>,
  target: () => WebContents | undefined,
): () => void {
  const listener = (event: StudioEvent): void => {
    const contents = target();
    if (contents && !contents.isDestroyed()) contents.send(IPC.event, event);
  };
  backend.on('event', listener);
  return () => backend.off('event', listener);
}
