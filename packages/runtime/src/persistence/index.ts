// Persistence of a whole replica in a state directory: incremental, atomic checkpoints after every
// round and the restore that rebuilds the canisters from them (the dev server's restart).
export {
  ReplicaCheckpointer,
  RecordingCompilationCache,
  restoreReplica,
  type ReplicaCheckpointerOptions,
  type RestoreReplicaOptions,
  type RestoredReplica,
  type ReplicaManifest,
  type CanisterManifestEntry,
} from './replica-checkpointer.ts';
export { CheckpointLog, CHECKPOINT_PAGE, type CheckpointRecord, type CheckpointOp, type CheckpointStep } from './checkpoint-log.ts';
