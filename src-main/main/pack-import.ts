/**
 * A pack import the renderer asks for: main shows the folder or zip dialog and hands the chosen path
 * straight to the backend, so the renderer never names a path on disk.
 */
import type { PackInfo } from '../shared/protocol';
import type { StudioBackend } from '../host/studio-backend';
import type { StudioDialogs } from './studio-dialogs';

export async function importPackFromDialog(
  backend: Pick<StudioBackend, 'installPack'>,
  dialogs: Pick<StudioDialogs, 'choosePackFolder' | 'choosePackZip'>,
  args: { kind: 'folder' | 'zip'; replace?: boolean | undefined },
): Promise<PackInfo | null> {
  const source = args.kind === 'folder' ? await dialogs.choosePackFolder() : await dialogs.choosePackZip();
  if (source === null) return null;
  return backend.installPack(source, args.replace ?? false);
}
