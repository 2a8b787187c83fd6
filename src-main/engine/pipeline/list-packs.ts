/** The model packs this engine can use: the built-in ones (always) and, later, user-added packs. */
import type { PackInfo } from '../../shared/protocol';

export async function listPacks(): Promise<PackInfo[]> {
  return [
    {
      id: 'builtin-selfie-segmentation',
      kind: 'segment',
      version: '3.3',
      license: 'Apache-2.0',
      builtIn: true,
      ok: true,
    },
    {
      id: 'builtin-landmarks',
      kind: 'estimate',
      version: '3.3',
      license: 'Apache-2.0',
      builtIn: true,
      ok: true,
    },
  ];
}
