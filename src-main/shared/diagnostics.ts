/**
 * What `gen3dface diagnostics` writes for a bug report: versions, ONNX Runtime providers, the native
 * addon, installed packs and the end of the log. It describes the installation only — no photo, no
 * image data, no job settings — so it can be attached to an issue as it is.
 */
import { z } from 'zod';

export const PackDiagnostics = z
  .object({
    id: z.string(),
    kind: z.string(),
    version: z.string(),
    builtIn: z.boolean(),
    /** Sum of the manifest's files (0 for built-in packs, which ship inside the app). */
    bytes: z.number().int().nonnegative(),
    /** User packs: every file matches its manifest entry, size and sha256. Built-in packs ship inside
     * the app (npm packages) and are not hashed here. */
    verified: z.boolean(),
    problem: z.string().optional(),
  })
  .strict();
export type PackDiagnostics = z.infer<typeof PackDiagnostics>;

/** The engine's half: what its process (Node or Electron's utility process) has loaded. */
export const EngineDiagnostics = z
  .object({
    versions: z
      .object({
        node: z.string(),
        electron: z.string().optional(),
        napi: z.string().optional(),
        onnxruntimeNode: z.string(),
      })
      .strict(),
    platform: z
      .object({
        os: z.string(),
        release: z.string(),
        arch: z.string(),
        cpus: z.number().int(),
        cpuModel: z.string(),
        memoryBytes: z.number(),
      })
      .strict(),
    onnxRuntime: z
      .object({
        /** onnxruntime-node's own list; `bundled: false` = listed but not installed. */
        backends: z.array(z.object({ name: z.string(), bundled: z.boolean() }).strict()),
        /** The providers 'auto' tries, in order, and why the others are passed over. */
        autoOrder: z.array(z.string()),
        skipped: z.array(z.object({ provider: z.string(), reason: z.string() }).strict()),
      })
      .strict(),
    nativeAddon: z
      .object({
        loaded: z.boolean(),
        path: z.string().optional(),
        bytes: z.number().int().optional(),
        /** The addon has no version of its own: its file's hash names the build exactly. */
        sha256: z.string().optional(),
        backend: z.string().optional(),
        backendReason: z.string().optional(),
        cudaCompiled: z.boolean().optional(),
        problem: z.string().optional(),
      })
      .strict(),
    packsDir: z.string(),
    packs: z.array(PackDiagnostics),
  })
  .strict();
export type EngineDiagnostics = z.infer<typeof EngineDiagnostics>;

/** The whole file: the face's half (app version, log) around the engine's. */
export const DiagnosticsReport = z
  .object({
    kind: z.literal('gen3dface-diagnostics'),
    createdAt: z.string(),
    app: z.object({ version: z.string(), face: z.enum(['cli', 'studio']) }).strict(),
    engine: EngineDiagnostics,
    log: z
      .object({
        path: z.string(),
        /** The last lines, oldest first; empty when there is no log yet. */
        lines: z.array(z.string()),
      })
      .strict(),
  })
  .strict();
export type DiagnosticsReport = z.infer<typeof DiagnosticsReport>;
