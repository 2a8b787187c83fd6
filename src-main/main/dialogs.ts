/** The OS dialogs behind StudioDialogs, with Electron's `dialog`. */
import { dialog, type BrowserWindow } from 'electron';
import type { StudioDialogs } from './ipc-handlers';

export const PHOTO_EXTENSIONS = ['png', 'jpg', 'jpeg', 'webp', 'tif', 'tiff', 'avif', 'heic', 'heif'];

export function electronDialogs(parent: () => BrowserWindow | undefined): StudioDialogs {
  return {
    async openPhoto() {
      const options = {
        title: 'Import photo',
        properties: ['openFile' as const],
        filters: [{ name: 'Photos', extensions: PHOTO_EXTENSIONS }],
      };
      const window = parent();
      const result = window
        ? await dialog.showOpenDialog(window, options)
        : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    async openPhotos() {
      const options = {
        title: 'Import photos',
        properties: ['openFile' as const, 'multiSelections' as const],
        filters: [{ name: 'Photos', extensions: PHOTO_EXTENSIONS }],
      };
      const window = parent();
      const result = window
        ? await dialog.showOpenDialog(window, options)
        : await dialog.showOpenDialog(options);
      return result.canceled ? [] : result.filePaths;
    },
  };
}
