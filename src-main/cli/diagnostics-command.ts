/**
 * `gen3dface diagnostics`: one JSON file to attach to a bug report. The engine reports what its own
 * process loaded (that is what runs the jobs, under Electron's Node in the app); this face adds the
 * app's version and the end of the log. Nothing of any photo or job goes in.
 */
import { resolve } from 'node:path';
import { EngineHost } from '../host/engine-host';
import { nodeEngineLauncher } from '../host/engine-process';
import { defaultLogPath, readLogTail } from '../host/studio-log';
import { writeJsonAtomic } from '../shared/atomic-file';
import { DiagnosticsReport, type EngineDiagnostics } from '../shared/diagnostics';

export interface DiagnosticsOptions {
  out: string;
  /** How many of the log's last lines to include. */
  logLines: number;
  packsDir?: string;
  appVersion: string;
}

export async function writeDiagnostics(options: DiagnosticsOptions): Promise<DiagnosticsReport> {
  const engine = new EngineHost({
    launcher: nodeEngineLauncher(
      options.packsDir ? { env: { GEN3D_PACKS_DIR: resolve(options.packsDir) } } : {},
    ),
  });
  let engineReport: EngineDiagnostics;
  try {
    engineReport = await engine.diagnose();
  } finally {
    await engine.stop();
  }
  const logPath = defaultLogPath();
  const report = DiagnosticsReport.parse({
    kind: 'gen3dface-diagnostics',
    createdAt: new Date().toISOString(),
    app: { version: options.appVersion, face: 'cli' },
    engine: engineReport,
    log: { path: logPath, lines: await readLogTail(logPath, options.logLines) },
  });
  await writeJsonAtomic(options.out, report);
  return report;
}

/** The few lines the terminal shows; the file has the rest. */
export function summarizeDiagnostics(report: DiagnosticsReport, out: string): string {
  const e = report.engine;
  const packs = e.packs.filter((p) => !p.builtIn);
  const bad = packs.filter((p) => !p.verified);
  return [
    `wrote ${out}`,
    `  gen3dface ${report.app.version}, Node ${e.versions.node}${e.versions.electron ? `, Electron ${e.versions.electron}` : ''}, onnxruntime-node ${e.versions.onnxruntimeNode}`,
    `  ONNX Runtime providers (auto order): ${e.onnxRuntime.autoOrder.join(', ')}`,
    `  native addon: ${e.nativeAddon.loaded ? `${e.nativeAddon.backend} (${e.nativeAddon.backendReason})` : `not loaded: ${e.nativeAddon.problem}`}`,
    `  packs in ${e.packsDir}: ${packs.length}${bad.length ? `, ${bad.length} failing verification (${bad.map((p) => p.id).join(', ')})` : ''}`,
    `  log: ${report.log.lines.length} lines from ${report.log.path}`,
  ].join('\n');
}
