/**
 * The preload: exposes the typed StudioApi as `window.studio` and nothing else. Each function sends
 * one object to its channel; main checks it against the schema of studio-api.ts before acting.
 * Sandboxed (no Node here), so this is bundled to one CommonJS file with its few imports inlined.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC } from '../shared/ipc-channels';
import type { StudioEvent } from '../shared/protocol';
import { createStudioApi } from './studio-api-client';

const api = createStudioApi({
  invoke: (channel, args) => ipcRenderer.invoke(channel, args),
  subscribe: (listener) => {
    const wrapped = (_event: IpcRendererEvent, payload: StudioEvent): void => listener(payload);
    ipcRenderer.on(IPC.event, wrapped);
    return () => void ipcRenderer.removeListener(IPC.event, wrapped);
  },
});

contextBridge.exposeInMainWorld('studio', api);
