import { EngineCommand, parseMessage, type ErrorInfo } from '../shared/protocol';

/**
 * The engine's gate for whatever arrives from the host: a valid command, or the `invalid-command`
 * error the engine answers with instead of acting on any part of the message.
 */
export function parseEngineCommand(
  raw: unknown,
): { ok: true; command: EngineCommand } | { ok: false; error: ErrorInfo } {
  const parsed = parseMessage(EngineCommand, raw);
  if (parsed.ok) return { ok: true, command: parsed.value };
  return {
    ok: false,
    error: { code: 'invalid-command', message: `the engine refused a command: ${parsed.error}` },
  };
}
