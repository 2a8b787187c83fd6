/**
 * Why the engine process ended, from its exit and the last lines it wrote to stderr. Out of memory is
 * told apart from other crashes because the studio can do something about it (retry with a smaller
 * working photo) and the user can too (close programs, lower settings); a plain crash they cannot.
 */
export type EngineExitCause = 'out-of-memory' | 'crashed';

/** What V8, the C++ runtime, libvips/sharp and ONNX Runtime print when an allocation fails. */
const OUT_OF_MEMORY = [
  /JavaScript heap out of memory/i,
  /Reached heap limit/i,
  /FATAL ERROR:.*Allocation failed/i,
  /std::bad_alloc/,
  /Cannot allocate memory/i,
  /\bENOMEM\b/,
  /Failed to allocate memory/i,
  /out of memory/i,
];

/** Keeps the last `limit` characters of a stream: enough to find the fatal line without holding logs. */
export class StderrTail {
  private text = '';
  constructor(private readonly limit = 8192) {}

  push(chunk: string): void {
    this.text = (this.text + chunk).slice(-this.limit);
  }

  get value(): string {
    return this.text;
  }
}

export function classifyEngineExit(stderrTail: string): { cause: EngineExitCause; line?: string } {
  const lines = stderrTail.split('\n').map((l) => l.trim());
  const line = lines.reverse().find((l) => OUT_OF_MEMORY.some((pattern) => pattern.test(l)));
  return line ? { cause: 'out-of-memory', line: line.slice(0, 200) } : { cause: 'crashed' };
}
