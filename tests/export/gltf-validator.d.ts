/** The part of the Khronos validator's API the export tests use (the package ships no types). */
declare module 'gltf-validator' {
  export interface ValidatorMessage {
    code: string;
    message: string;
    severity: number;
    pointer?: string;
  }
  export interface ValidatorReport {
    issues: {
      numErrors: number;
      numWarnings: number;
      numInfos: number;
      numHints: number;
      messages: ValidatorMessage[];
    };
  }
  export function validateBytes(
    data: Uint8Array,
    options?: { maxIssues?: number; uri?: string },
  ): Promise<ValidatorReport>;
  const validator: { validateBytes: typeof validateBytes; version: () => string };
  export default validator;
}
