// One error type for every reason a module cannot be installed, so the execution layer can map it to
// the IC's reject (CanisterInvalidWasm) without parsing messages. The message uses the replica's
// wording, which is what a developer would see on mainnet.

/** Which rule a canister module broke. */
export type InvalidModuleReason =
  | 'decompression'
  | 'module-too-large'
  | 'decode'
  | 'code-section-too-large'
  | 'import'
  | 'function-signature'
  | 'export'
  | 'duplicate-export'
  | 'too-many-exports'
  | 'exported-names-too-long'
  | 'memory'
  | 'table'
  | 'data'
  | 'global'
  | 'too-many-globals'
  | 'too-many-functions'
  | 'custom-section'
  | 'too-many-custom-sections'
  | 'function-too-large'
  | 'unsupported-instruction';

/** The module breaks one of the IC's rules for canister modules (or is not valid Wasm). */
export class InvalidCanisterModuleError extends Error {
  override name = 'InvalidCanisterModuleError';
  readonly reason: InvalidModuleReason;
  constructor(reason: InvalidModuleReason, message: string) {
    super(message);
    this.reason = reason;
  }
}
