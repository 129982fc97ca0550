// jsdom only: vitest's jsdom environment replaces the global typed-array constructors (Uint8Array,
// ArrayBuffer, …) with those of jsdom's own VM context, while Node's TextEncoder, Buffer and
// crypto keep returning Node's. Bytes then fail `instanceof Uint8Array` half-way through
// @dfinity/agent's and mockic's encoding (seen as "HTTP 500 … Cannot read properties of undefined").
// Putting Node's constructors back makes every Uint8Array in the test the same class again.
// (happy-dom shares Node's realm and needs none of this.)
const NodeUint8Array = Object.getPrototypeOf(new TextEncoder().encode('')).constructor as typeof Uint8Array;
const NodeArrayBuffer = new NodeUint8Array(0).buffer.constructor as typeof ArrayBuffer;
Object.assign(globalThis, { Uint8Array: NodeUint8Array, ArrayBuffer: NodeArrayBuffer });
