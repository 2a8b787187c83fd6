/**
 * OS dialogs main shows for the renderer: Electron's `dialog` in the app (dialogs.ts), scripted
 * answers in the browser tests.
 */
export interface StudioDialogs {
  /** Resolves to the chosen photo's path, or null when the user cancels. */
  openPhoto(): Promise<string | null>;
  /** Resolves to the folder the user chose for an export (opening at `defaultPath`), or null. */
  chooseExportFolder(defaultPath?: string): Promise<string | null>;
  /** Shows the file in the OS file manager. */
  reveal(path: string): Promise<void>;
  /** Resolves to the chosen pack folder's path, or null when the user cancels. */
  choosePackFolder(): Promise<string | null>;
  /** Resolves to the chosen pack zip's path, or null when the user cancels. */
  choosePackZip(): Promise<string | null>;
  /** Several photos at once (multi-selection): their paths, none when the user cancels. */
  openPhotos(): Promise<string[]>;
}
