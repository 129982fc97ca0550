// The instances of one server, numbered from 0 as PocketIC numbers them, and the server's blob
// store (set_stable_memory reads blobs uploaded to /blobstore). A deleted instance keeps its number
// and reports "Deleted" in the instance list.
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { PocketApiError } from './pocket-json.ts';
import { PocketInstance, type PocketInstanceOptions } from './pocket-instance.ts';

export interface StoredBlob {
  data: Uint8Array;
  compression: 'gzip' | 'none';
}

export class InstanceRegistry {
  /** By instance number: undefined while being created, and after deletion (then in `deleted`). */
  private readonly instances: Array<PocketInstance | undefined> = [];
  private readonly deleted = new Set<number>();
  private readonly blobs = new Map<string, StoredBlob>();

  /** Creates an instance; resolves with it once its replica exists. */
  async create(options: PocketInstanceOptions = {}): Promise<PocketInstance> {
    const id = this.instances.length;
    // Reserve the number first: instances created concurrently get distinct ids.
    this.instances.push(undefined);
    try {
      const instance = await PocketInstance.create(id, options);
      this.instances[id] = instance;
      return instance;
    } catch (e) {
      this.deleted.add(id); // a failed create leaves its number unused
      throw e;
    }
  }

  /** The live instance `id`; a 404 for an unknown one, a 410 for a deleted one. */
  get(id: number): PocketInstance {
    const instance = Number.isInteger(id) ? this.instances[id] : undefined;
    if (instance) return instance;
    if (this.deleted.has(id)) throw new PocketApiError(410, `Instance ${id} was deleted`);
    throw new PocketApiError(404, `Instance ${id} not found`);
  }

  /** Deletes instance `id`; false when there is no such live instance. */
  delete(id: number): boolean {
    const instance = this.instances[id];
    if (!instance) return false;
    instance.close();
    this.instances[id] = undefined;
    this.deleted.add(id);
    return true;
  }

  /** "Available" or "Deleted" per instance number, as GET /instances lists them. */
  list(): string[] {
    return this.instances.map((_, id) => (this.deleted.has(id) ? 'Deleted' : 'Available'));
  }

  /** Every live instance. */
  live(): PocketInstance[] {
    return this.instances.filter((i): i is PocketInstance => i !== undefined);
  }

  close(): void {
    for (const instance of this.live()) this.delete(instance.id);
  }

  // ------------------------------------------------------------------ blobs

  /** Stores a blob; its id is the SHA-256 of its (possibly compressed) bytes. */
  putBlob(data: Uint8Array, compression: 'gzip' | 'none'): Uint8Array {
    const id = new Uint8Array(createHash('sha256').update(data).digest());
    this.blobs.set(Buffer.from(id).toString('hex'), { data, compression });
    return id;
  }

  getBlob(id: Uint8Array): StoredBlob | undefined {
    return this.blobs.get(Buffer.from(id).toString('hex'));
  }

  /** The blob's content, decompressed; a 400 when there is no such blob. */
  blobContent(id: Uint8Array): Uint8Array {
    const blob = this.getBlob(id);
    if (!blob) throw new PocketApiError(400, `BlobNotFound(${Buffer.from(id).toString('hex')})`);
    return blob.compression === 'gzip' ? new Uint8Array(gunzipSync(blob.data)) : blob.data;
  }
}
