/** The OS dialogs behind StudioDialogs, with Electron's `dialog`. */
import { dialog, shell, type BrowserWindow } from 'electron';
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
    async chooseExportFolder(defaultPath) {
      const options = {
        title: 'Export to folder',
        buttonLabel: 'Export here',
        properties: ['openDirectory' as const, 'createDirectory' as const],
        ...(defaultPath ? { defaultPath } : {}),
      };
      const window = parent();
      const result = window
        ? await dialog.showOpenDialog(window, options)
        : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    async reveal(path) {
      shell.showItemInFolder(path);
    },
  };
}
