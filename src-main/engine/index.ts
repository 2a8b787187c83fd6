/**
 * The engine process: validates each command from the host, runs one job at a time through the
 * pipeline, and reports everything as events. Models load lazily in this process, never in main.
 */
import { PROTOCOL_VERSION, type EngineEvent } from '../shared/protocol';
import { connectToHost } from './engine-transport';
import { parseEngineCommand } from './parse-command';
import { runJob } from './pipeline/run-job';
import { PIPELINE_STAGES } from './pipeline/stages';
import { answerInstallPack, answerRemovePack, listVerifiedPacks } from './pipeline/pack-requests';
import { listEstimators } from './pipeline/estimator-availability';
import { switchEstimator } from './pipeline/switch-estimator';
import { discardCandidate, keepCandidateAndRebuild, regenerateView } from './pipeline/regenerate-view';
import { packsDir } from './pipeline/packs-dir';
import { findSetupProblems } from './setup-check';
import { startHeartbeat } from './engine-heartbeat';
import { ENGINE_SHUTDOWN } from './stage-error';

const transport = connectToHost();
// Checked once, before any job: a missing addon is a set-up step, not a failure halfway through.
const setupProblems = findSetupProblems();
const emit = (event: EngineEvent): void => transport.send(event);

let running: { jobId: string; controller: AbortController; done: Promise<unknown> } | undefined;

transport.onMessage((raw) => {
  const parsed = parseEngineCommand(raw);
  if (!parsed.ok) {
    emit({ type: 'error', error: parsed.error });
    return;
  }
  const command = parsed.command;
  switch (command.type) {
    case 'start':
    case 'resume':
    case 'rerun':
    case 'switchEstimator': {
      if (running) {
        emit({
          type: 'error',
          jobId: command.jobId,
          error: {
            code: 'engine-busy',
            message: `job ${running.jobId} is still running`,
            hint: 'Wait for it or cancel it.',
          },
        });
        return;
      }
      const controller = new AbortController();
      const args = {
        jobDir: command.jobDir,
        stages: PIPELINE_STAGES,
        emit,
        signal: controller.signal,
        setupProblems,
      };
      const run =
        command.type === 'switchEstimator'
          ? switchEstimator({ ...args, estimator: command.estimator })
          : runJob({
              ...args,
              ...(command.type === 'rerun' ? { fromStage: command.fromStage, only: command.only } : {}),
            });
      const done = run
        .catch((error: Error) =>
          emit({
            type: 'error',
            jobId: command.jobId,
            error: { code: 'job-unreadable', message: error.message },
          }),
        )
        .finally(() => {
          running = undefined;
        });
      running = { jobId: command.jobId, controller, done };
      return;
    }
    case 'regenerateView':
    case 'keepViewCandidate': {
      const ref = { jobId: command.jobId, view: command.view, seed: command.seed };
      const fail = (code: string, message: string): void =>
        emit({ type: 'viewCandidate', ...ref, state: 'failed', error: { code, message } });
      if (running) {
        fail('engine-busy', `job ${running.jobId} is still running`);
        return;
      }
      const controller = new AbortController();
      const args = { ...command, emit, signal: controller.signal };
      const run =
        command.type === 'regenerateView'
          ? regenerateView(args)
          : keepCandidateAndRebuild({ ...args, stages: PIPELINE_STAGES, setupProblems });
      const done = run
        .catch((error: Error) => fail('job-unreadable', error.message))
        .finally(() => {
          running = undefined;
        });
      running = { jobId: command.jobId, controller, done };
      return;
    }
    case 'discardViewCandidate': {
      const ref = { jobId: command.jobId, view: command.view, seed: command.seed };
      const fail = (code: string, message: string): void =>
        emit({ type: 'viewCandidate', ...ref, state: 'failed', error: { code, message } });
      if (running?.jobId === command.jobId) fail('job-running', `job ${command.jobId} is running`);
      else
        void discardCandidate({ ...command, emit }).catch((error: Error) =>
          fail('job-unreadable', error.message),
        );
      return;
    }
    case 'cancel':
      if (running?.jobId === command.jobId) running.controller.abort();
      return;
    case 'listPacks':
      void listVerifiedPacks().then((packs) => emit({ type: 'packs', requestId: command.requestId, packs }));
      return;
    case 'installPack':
      void answerInstallPack(command.requestId, command.source, command.replace).then(emit);
      return;
    case 'removePack':
      void answerRemovePack(command.requestId, command.id).then(emit);
      return;
    case 'listEstimators':
      void listEstimators(packsDir()).then((estimators) =>
        emit({ type: 'estimators', requestId: command.requestId, estimators }),
      );
      return;
    case 'diagnose':
      // loaded on demand: nothing of it is needed to run jobs
      void import('./diagnostics')
        .then(({ gatherEngineDiagnostics }) => gatherEngineDiagnostics(packsDir()))
        .then(
          (diagnostics) => emit({ type: 'diagnostics', requestId: command.requestId, diagnostics }),
          (error: Error) =>
            emit({ type: 'error', error: { code: 'diagnostics-failed', message: error.message } }),
        );
      return;
    case 'shutdown':
      running?.controller.abort(ENGINE_SHUTDOWN);
      void Promise.resolve(running?.done).finally(() => process.exit(0));
      return;
  }
});

// The host decides when the engine stops. A terminal's Ctrl-C reaches the whole process group; the
// CLI turns it into a cancel, so the engine must not die of it first.
process.on('SIGINT', () => undefined);

process.on('unhandledRejection', (reason) => {
  emit({ type: 'log', level: 'warn', message: `unhandled rejection in the engine: ${String(reason)}` });
});

emit({ type: 'ready', protocolVersion: PROTOCOL_VERSION, pid: process.pid, setupProblems });
// The host's watchdog restarts an engine whose heartbeat stops (a blocked event loop).
startHeartbeat(emit);
