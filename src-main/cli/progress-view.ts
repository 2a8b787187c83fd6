/**
 * Terminal view of a job's events: one line per stage with a bar that fills in place on a TTY,
 * plain lines otherwise (logs, CI), or one JSON object per line with --json.
 */
import type { StudioEvent } from '../shared/protocol';

export interface ProgressView {
  onEvent(event: StudioEvent): void;
  info(message: string): void;
}

const BAR_WIDTH = 24;

export function createProgressView(
  out: NodeJS.WriteStream,
  options: { json: boolean; label: string },
): ProgressView {
  if (options.json) {
    return {
      onEvent: (event) => out.write(`${JSON.stringify(event)}\n`),
      info: (message) => out.write(`${JSON.stringify({ type: 'info', message })}\n`),
    };
  }
  const tty = Boolean(out.isTTY);
  let open = false; // a bar line waiting for its end
  const line = (text: string, final: boolean): void => {
    if (tty) {
      out.write(`\r\x1b[2K${text}${final ? '\n' : ''}`);
      open = !final;
    } else if (final) {
      out.write(`${text}\n`);
    }
  };
  const endOpenLine = (): void => {
    if (open) out.write('\n');
    open = false;
  };
  return {
    info: (message) => {
      endOpenLine();
      out.write(`${message}\n`);
    },
    onEvent: (event) => {
      switch (event.type) {
        case 'stageStarted':
          line(`${options.label} ${event.stage.padEnd(11)} ${bar(0)}`, false);
          break;
        case 'progress':
          line(
            `${options.label} ${event.stage.padEnd(11)} ${bar(event.step / event.total)} ${event.message ?? ''}`,
            false,
          );
          break;
        case 'stageDone':
          line(
            `${options.label} ${event.stage.padEnd(11)} ${bar(1)} ${event.skipped ? `skipped: ${event.skipped}` : `${(event.ms / 1000).toFixed(1)} s`}`,
            true,
          );
          break;
        case 'error':
          endOpenLine();
          out.write(
            `${options.label} error: ${event.error.message}${event.error.hint ? `\n  hint: ${event.error.hint}` : ''}\n`,
          );
          break;
        case 'cancelled':
          endOpenLine();
          out.write(`${options.label} cancelled\n`);
          break;
        case 'engineHung':
          endOpenLine();
          out.write(
            `engine not responding (${event.kind === 'heartbeat' ? 'no heartbeat' : 'no progress'} for ${(event.silentMs / 1000).toFixed(1)} s${event.stage ? ` in ${event.stage}` : ''}); stopping it\n`,
          );
          break;
        case 'engineExited':
          endOpenLine();
          out.write(
            `engine stopped (code ${event.code}, signal ${event.signal})${event.willRestart ? '; restarting' : ''}\n`,
          );
          break;
        default:
          break;
      }
    },
  };
}

function bar(fraction: number): string {
  const filled = Math.round(Math.max(0, Math.min(1, fraction)) * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
}
