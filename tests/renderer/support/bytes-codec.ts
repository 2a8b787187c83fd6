/**
 * Playwright bindings carry JSON only; byte arrays cross as `{ __bytes: base64 }`. Used on both sides
 * of the page bridge (this file has no Node or DOM imports).
 */
export interface EncodedBytes {
  __bytes: string;
}

const isEncoded = (value: unknown): value is EncodedBytes =>
  typeof value === 'object' && value !== null && typeof (value as EncodedBytes).__bytes === 'string';

export function encodeBytesDeep(value: unknown, toBase64: (bytes: Uint8Array) => string): unknown {
  if (value instanceof Uint8Array) return { __bytes: toBase64(value) };
  if (Array.isArray(value)) return value.map((v) => encodeBytesDeep(v, toBase64));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encodeBytesDeep(v, toBase64)]));
  }
  return value;
}

export function decodeBytesDeep(value: unknown, fromBase64: (text: string) => Uint8Array): unknown {
  if (isEncoded(value)) return fromBase64(value.__bytes);
  if (Array.isArray(value)) return value.map((v) => decodeBytesDeep(v, fromBase64));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decodeBytesDeep(v, fromBase64)]));
  }
  return value;
}
