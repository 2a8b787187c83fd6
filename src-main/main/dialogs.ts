/** The OS dialogs behind StudioDialogs, with Electron's `dialog`. */
import { dialog, shell, type BrowserWindow, type OpenDialogOptions } from 'electron';
import type { StudioDialogs } from './studio-dialogs';

/** The OS open dialog, over the studio window when there is one; the chosen paths, none if cancelled. */
async function showOpen(window: BrowserWindow | undefined, options: OpenDialogOptions): Promise<string[]> {
  const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
  return result.canceled ? [] : result.filePaths;
}

async function choosePath(
  window: BrowserWindow | undefined,
  options: OpenDialogOptions,
): Promise<string | null> {
  return (await showOpen(window, options))[0] ?? null;
}

export const PHOTO_EXTENSIONS = ['png', 'jpg', 'jpeg', 'webp', 'tif', 'tiff', 'avif', 'heic', 'heif'];

export function electronDialogs(parent: () => BrowserWindow | undefined): StudioDialogs {
  return {
    openPhoto: () =>
      choosePath(parent(), {
        title: 'Import photo',
        properties: ['openFile'],
        filters: [{ name: 'Photos', extensions: PHOTO_EXTENSIONS }],
      }),
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
    openPhotos: () =>
      showOpen(parent(), {
        title: 'Import photos',
        properties: ['openFile', 'multiSelections'],
        filters: [{ name: 'Photos', extensions: PHOTO_EXTENSIONS }],
      }),
  };
}
