// The error classes of @dfinity/pic's src/error.ts that apply in-process (same messages). The ones
// about starting the PocketIC binary (BinStartError, BinNotFoundError, BinTimeoutError, …) have no
// counterpart: nothing is started or downloaded.

/** create() with no subnet at all (pic-js checks this before asking the server). */
export class TopologyValidationError extends Error {
  constructor() {
    super(
      'The provided subnet configuration is invalid. At least one subnet must be configured and the number of both application and system subnets must be at least 0 (non-negative).',
    );
  }
}

/** Declared by pic-js with this message; its client (and this class) throws `Error('Instance was deleted')` instead. */
export class InstanceDeletedError extends Error {
  constructor() {
    super('This PocketIC instance has been torn down. Please create a new instance before interacting further with PocketIC.');
  }
}
