/**
 * The engine's half of `gen3dface diagnostics`: what this process has loaded and can use. Packs are
 * fully verified (sha256 of every file), as a job would before using them: "present" is not enough
 * for a bug report about a pack.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { cpus, release, totalmem } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { EngineDiagnostics, PackDiagnostics } from '../shared/diagnostics';
import { installedBackends, providerCandidates } from './generate/multiview-diffusion/providers';
import { backendInfo, nativeAddonCandidates, nativeAddonProblem } from './native/native-addon';
import { MANIFEST_FILE } from './packs/pack-manifest';
import { verifyPack } from './packs/verify-pack';
import { listPacks } from './pipeline/list-packs';

export async function gatherEngineDiagnostics(packsDir: string): Promise<EngineDiagnostics> {
  const { candidates, skipped } = providerCandidates('auto', installedBackends());
  const list = (ort as unknown as { listSupportedBackends?: () => { name: string; bundled?: boolean }[] })
    .listSupportedBackends;
  return {
    versions: {
      node: process.versions.node,
      ...(process.versions.electron ? { electron: process.versions.electron } : {}),
      ...(process.versions.napi ? { napi: process.versions.napi } : {}),
      onnxruntimeNode: ort.env.versions.node ?? ort.env.versions.common,
    },
    platform: {
      os: process.platform,
      release: release(),
      arch: process.arch,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? '?',
      memoryBytes: totalmem(),
    },
    onnxRuntime: {
      backends: (typeof list === 'function' ? list() : [{ name: 'cpu' }]).map((b) => ({
        name: b.name,
        bundled: b.bundled !== false,
      })),
      autoOrder: candidates,
      skipped,
    },
    nativeAddon: await describeNativeAddon(),
    packsDir,
    packs: [...builtInPacks(await listPacks(packsDir)), ...(await describeUserPacks(packsDir))],
  };
}

async function describeNativeAddon(): Promise<EngineDiagnostics['nativeAddon']> {
  const problem = nativeAddonProblem();
  const path = nativeAddonCandidates().find((p) => existsSync(p)); // the one addon() loads
  const file = path ? { path, bytes: (await stat(path)).size, sha256: await sha256File(path) } : {};
  if (problem) return { loaded: false, ...file, problem };
  const info = backendInfo();
  return {
    loaded: true,
    ...file,
    backend: info.backend,
    backendReason: info.reason,
    cudaCompiled: info.cudaCompiled,
  };
}

function builtInPacks(packs: Awaited<ReturnType<typeof listPacks>>): PackDiagnostics[] {
  return packs
    .filter((p) => p.builtIn)
    .map((p) => ({ id: p.id, kind: p.kind, version: p.version, builtIn: true, bytes: 0, verified: p.ok }));
}

async function describeUserPacks(packsDir: string): Promise<PackDiagnostics[]> {
  const names = (await readdir(packsDir).catch(() => [] as string[]))
    .filter((n) => !n.startsWith('.'))
    .sort();
  const packs: PackDiagnostics[] = [];
  for (const name of names) {
    const dir = join(packsDir, name);
    if (!(await stat(dir).catch(() => undefined))?.isDirectory()) continue;
    try {
      const { manifest } = await verifyPack(dir);
      const bytes = manifest.files.reduce((sum, f) => sum + f.bytes, 0);
      packs.push({
        id: manifest.id,
        kind: manifest.kind,
        version: manifest.version,
        builtIn: false,
        bytes,
        verified: true,
      });
    } catch (error) {
      packs.push({
        ...(await looseManifest(dir, name)),
        builtIn: false,
        verified: false,
        problem: (error as Error).message,
      });
    }
  }
  return packs;
}

/** What a pack that fails verification says about itself, as far as its manifest can be read. */
async function looseManifest(
  dir: string,
  name: string,
): Promise<Pick<PackDiagnostics, 'id' | 'kind' | 'version' | 'bytes'>> {
  const raw = (await readFile(join(dir, MANIFEST_FILE), 'utf8')
    .then((t) => JSON.parse(t) as unknown)
    .catch(() => undefined)) as
    { id?: unknown; kind?: unknown; version?: unknown; files?: { bytes?: unknown }[] } | undefined;
  const text = (v: unknown, fallback: string): string => (typeof v === 'string' ? v : fallback);
  const files = Array.isArray(raw?.files) ? raw.files : [];
  return {
    id: text(raw?.id, name),
    kind: text(raw?.kind, '?'),
    version: text(raw?.version, '?'),
    bytes: files.reduce(
      (sum, f) => sum + (typeof f?.bytes === 'number' && f.bytes >= 0 ? Math.floor(f.bytes) : 0),
      0,
    ),
  };
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
