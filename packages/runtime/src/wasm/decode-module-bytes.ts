// The IC accepts canister modules gzip-compressed (dfx and icp-cli ship `.wasm.gz`); the module hash
// is that of the bytes as installed, but validation and execution work on the decompressed module.
// The size limit guards against a small archive that expands to gigabytes.
import { gunzipSync } from 'node:zlib';

/** The replica's maximum size of an uncompressed canister module (`WASM_MAX_SIZE`, 100 MiB). */
export const MAX_DECOMPRESSED_MODULE_SIZE = 100 * 1024 * 1024;

/** True when the bytes start with the gzip magic number. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The bytes could not be decompressed, or the result is too large. */
export class ModuleDecompressionError extends Error {
  override name = 'ModuleDecompressionError';
}

/** Returns the Wasm module bytes: decompressed if gzip-compressed, unchanged otherwise. */
export function decodeModuleBytes(bytes: Uint8Array, maxSize = MAX_DECOMPRESSED_MODULE_SIZE): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  let out: Buffer;
  try {
    out = gunzipSync(bytes, { maxOutputLength: maxSize });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (e instanceof RangeError || /maxOutputLength|Cannot create a Buffer larger/i.test(msg)) {
      throw new ModuleDecompressionError(`decompressed module exceeds the maximum size of ${maxSize} bytes`);
    }
    throw new ModuleDecompressionError(`failed to decompress gzip module: ${msg}`);
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
