/** The OS dialogs behind StudioDialogs, with Electron's `dialog`. */
import { dialog, shell, type BrowserWindow, type OpenDialogOptions } from 'electron';
import type { StudioDialogs } from './ipc-handlers';

async function choosePath(
  window: BrowserWindow | undefined,
  options: OpenDialogOptions,
): Promise<string | null> {
  const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
  return result.canceled ? null : (result.filePaths[0] ?? null);
}

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
    chooseExportFolder: (defaultPath) =>
      choosePath(parent(), {
        title: 'Export to folder',
        buttonLabel: 'Export here',
        properties: ['openDirectory', 'createDirectory'],
        ...(defaultPath ? { defaultPath } : {}),
      }),
    async reveal(path) {
      shell.showItemInFolder(path);
    },
    choosePackFolder: () =>
      choosePath(parent(), { title: 'Import model pack folder', properties: ['openDirectory'] }),
    choosePackZip: () =>
      choosePath(parent(), {
        title: 'Import model pack zip',
        properties: ['openFile'],
        filters: [{ name: 'Model pack zip', extensions: ['zip'] }],
      }),
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
