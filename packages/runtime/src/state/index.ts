// The state layer: canister stable memory and checkpoints as pages in files of a volume (DESIGN 6),
// with commit and rollback costing O(pages written) (DESIGN 3).
export {
  type Volume,
  type FileDescriptor,
  type OpenMode,
  MemfsVolume,
  DirectoryVolume,
  createVolume,
  writeFileAtomic,
  normalizeVolumePath,
} from './volume.ts';
export { JournaledPageFile, type PageFileCommit, PAGE_SIZE, journalPathOf } from './journaled-page-file.ts';
export {
  StablePageStore,
  type StablePageStoreOptions,
  MAX_STABLE_MEMORY_PAGES,
  WASM_PAGE_SIZE,
} from './stable-page-store.ts';
export {
  CanisterCheckpoint,
  type CheckpointGlobal,
  type CheckpointHeap,
  type CheckpointInput,
  type LoadedCheckpoint,
} from './canister-checkpoint.ts';
