// The Candid types of the management canister (aaaaa-aa) methods this layer serves, as ic.did of the
// IC interface specification declares them, built with @dfinity/candid's IDL. Decoding a request
// with these types is also the payload check: a payload that does not decode is refused with IC0408.
import { IDL } from '@dfinity/candid';

export const CanisterId = IDL.Principal;
export const Blob = IDL.Vec(IDL.Nat8);
export const SnapshotId = Blob;

export const LogVisibility = IDL.Variant({
  controllers: IDL.Null,
  public: IDL.Null,
  allowed_viewers: IDL.Vec(IDL.Principal),
});

export const EnvironmentVariable = IDL.Record({ name: IDL.Text, value: IDL.Text });

export const CanisterSettings = IDL.Record({
  controllers: IDL.Opt(IDL.Vec(IDL.Principal)),
  compute_allocation: IDL.Opt(IDL.Nat),
  memory_allocation: IDL.Opt(IDL.Nat),
  freezing_threshold: IDL.Opt(IDL.Nat),
  reserved_cycles_limit: IDL.Opt(IDL.Nat),
  log_visibility: IDL.Opt(LogVisibility),
  wasm_memory_limit: IDL.Opt(IDL.Nat),
  wasm_memory_threshold: IDL.Opt(IDL.Nat),
  environment_variables: IDL.Opt(IDL.Vec(EnvironmentVariable)),
});

export const DefiniteCanisterSettings = IDL.Record({
  controllers: IDL.Vec(IDL.Principal),
  compute_allocation: IDL.Nat,
  memory_allocation: IDL.Nat,
  freezing_threshold: IDL.Nat,
  reserved_cycles_limit: IDL.Nat,
  log_visibility: LogVisibility,
  wasm_memory_limit: IDL.Nat,
  wasm_memory_threshold: IDL.Nat,
  environment_variables: IDL.Vec(EnvironmentVariable),
});

export const ChangeOrigin = IDL.Variant({
  from_user: IDL.Record({ user_id: IDL.Principal }),
  from_canister: IDL.Record({ canister_id: IDL.Principal, canister_version: IDL.Opt(IDL.Nat64) }),
});

export const SnapshotSource = IDL.Variant({ taken_from_canister: IDL.Reserved, metadata_upload: IDL.Reserved });

export const ChangeDetails = IDL.Variant({
  creation: IDL.Record({ controllers: IDL.Vec(IDL.Principal), environment_variables_hash: IDL.Opt(Blob) }),
  code_uninstall: IDL.Null,
  code_deployment: IDL.Record({
    mode: IDL.Variant({ install: IDL.Null, reinstall: IDL.Null, upgrade: IDL.Null }),
    module_hash: Blob,
  }),
  load_snapshot: IDL.Record({
    canister_version: IDL.Nat64,
    snapshot_id: SnapshotId,
    taken_at_timestamp: IDL.Nat64,
    source: SnapshotSource,
  }),
  controllers_change: IDL.Record({ controllers: IDL.Vec(IDL.Principal) }),
});

export const Change = IDL.Record({
  timestamp_nanos: IDL.Nat64,
  canister_version: IDL.Nat64,
  origin: ChangeOrigin,
  details: ChangeDetails,
});

export const ChunkHash = IDL.Record({ hash: Blob });

export const CreateCanisterArgs = IDL.Record({
  settings: IDL.Opt(CanisterSettings),
  sender_canister_version: IDL.Opt(IDL.Nat64),
});
export const CreateCanisterResult = IDL.Record({ canister_id: CanisterId });

export const UpdateSettingsArgs = IDL.Record({
  canister_id: IDL.Principal,
  settings: CanisterSettings,
  sender_canister_version: IDL.Opt(IDL.Nat64),
});

export const UploadChunkArgs = IDL.Record({ canister_id: IDL.Principal, chunk: Blob });
export const UploadChunkResult = ChunkHash;
export const ClearChunkStoreArgs = IDL.Record({ canister_id: CanisterId });
export const StoredChunksArgs = IDL.Record({ canister_id: CanisterId });
export const StoredChunksResult = IDL.Vec(ChunkHash);

export const CanisterInstallMode = IDL.Variant({
  install: IDL.Null,
  reinstall: IDL.Null,
  upgrade: IDL.Opt(
    IDL.Record({
      skip_pre_upgrade: IDL.Opt(IDL.Bool),
      wasm_memory_persistence: IDL.Opt(IDL.Variant({ keep: IDL.Null, replace: IDL.Null })),
    }),
  ),
});

export const InstallCodeArgs = IDL.Record({
  mode: CanisterInstallMode,
  canister_id: CanisterId,
  wasm_module: Blob,
  arg: Blob,
  sender_canister_version: IDL.Opt(IDL.Nat64),
});

export const InstallChunkedCodeArgs = IDL.Record({
  mode: CanisterInstallMode,
  target_canister: CanisterId,
  store_canister: IDL.Opt(CanisterId),
  chunk_hashes_list: IDL.Vec(ChunkHash),
  wasm_module_hash: Blob,
  arg: Blob,
  sender_canister_version: IDL.Opt(IDL.Nat64),
});

export const UninstallCodeArgs = IDL.Record({ canister_id: CanisterId, sender_canister_version: IDL.Opt(IDL.Nat64) });
export const CanisterIdRecord = IDL.Record({ canister_id: CanisterId });

export const CanisterStatusResult = IDL.Record({
  status: IDL.Variant({ running: IDL.Null, stopping: IDL.Null, stopped: IDL.Null }),
  ready_for_migration: IDL.Bool,
  version: IDL.Nat64,
  settings: DefiniteCanisterSettings,
  module_hash: IDL.Opt(Blob),
  memory_size: IDL.Nat,
  memory_metrics: IDL.Record({
    wasm_memory_size: IDL.Nat,
    stable_memory_size: IDL.Nat,
    global_memory_size: IDL.Nat,
    wasm_binary_size: IDL.Nat,
    custom_sections_size: IDL.Nat,
    canister_history_size: IDL.Nat,
    wasm_chunk_store_size: IDL.Nat,
    snapshots_size: IDL.Nat,
  }),
  cycles: IDL.Nat,
  reserved_cycles: IDL.Nat,
  idle_cycles_burned_per_day: IDL.Nat,
  query_stats: IDL.Record({
    num_calls_total: IDL.Nat,
    num_instructions_total: IDL.Nat,
    request_payload_bytes_total: IDL.Nat,
    response_payload_bytes_total: IDL.Nat,
  }),
});

export const CanisterInfoArgs = IDL.Record({ canister_id: CanisterId, num_requested_changes: IDL.Opt(IDL.Nat64) });
export const CanisterInfoResult = IDL.Record({
  total_num_changes: IDL.Nat64,
  recent_changes: IDL.Vec(Change),
  module_hash: IDL.Opt(Blob),
  controllers: IDL.Vec(IDL.Principal),
});

export const ProvisionalCreateCanisterWithCyclesArgs = IDL.Record({
  amount: IDL.Opt(IDL.Nat),
  settings: IDL.Opt(CanisterSettings),
  specified_id: IDL.Opt(CanisterId),
  sender_canister_version: IDL.Opt(IDL.Nat64),
});
export const ProvisionalCreateCanisterWithCyclesResult = IDL.Record({ canister_id: CanisterId });
export const ProvisionalTopUpCanisterArgs = IDL.Record({ canister_id: CanisterId, amount: IDL.Nat });

export const RawRandResult = Blob;

export const Snapshot = IDL.Record({ id: SnapshotId, taken_at_timestamp: IDL.Nat64, total_size: IDL.Nat64 });
export const TakeCanisterSnapshotArgs = IDL.Record({ canister_id: CanisterId, replace_snapshot: IDL.Opt(SnapshotId) });
export const LoadCanisterSnapshotArgs = IDL.Record({
  canister_id: CanisterId,
  snapshot_id: SnapshotId,
  sender_canister_version: IDL.Opt(IDL.Nat64),
});
export const ListCanisterSnapshotsArgs = IDL.Record({ canister_id: CanisterId });
export const ListCanisterSnapshotsResult = IDL.Vec(Snapshot);
export const DeleteCanisterSnapshotArgs = IDL.Record({ canister_id: CanisterId, snapshot_id: SnapshotId });

export const FetchCanisterLogsArgs = IDL.Record({ canister_id: CanisterId });
export const CanisterLogRecord = IDL.Record({ idx: IDL.Nat64, timestamp_nanos: IDL.Nat64, content: Blob });
export const FetchCanisterLogsResult = IDL.Record({ canister_log_records: IDL.Vec(CanisterLogRecord) });

/** Argument and result types of each method this layer implements (a method takes one record or nothing). */
export const managementMethods = {
  create_canister: { arg: [CreateCanisterArgs], ret: [CreateCanisterResult] },
  update_settings: { arg: [UpdateSettingsArgs], ret: [] },
  upload_chunk: { arg: [UploadChunkArgs], ret: [UploadChunkResult] },
  clear_chunk_store: { arg: [ClearChunkStoreArgs], ret: [] },
  stored_chunks: { arg: [StoredChunksArgs], ret: [StoredChunksResult] },
  install_code: { arg: [InstallCodeArgs], ret: [] },
  install_chunked_code: { arg: [InstallChunkedCodeArgs], ret: [] },
  uninstall_code: { arg: [UninstallCodeArgs], ret: [] },
  start_canister: { arg: [CanisterIdRecord], ret: [] },
  stop_canister: { arg: [CanisterIdRecord], ret: [] },
  canister_status: { arg: [CanisterIdRecord], ret: [CanisterStatusResult] },
  canister_info: { arg: [CanisterInfoArgs], ret: [CanisterInfoResult] },
  delete_canister: { arg: [CanisterIdRecord], ret: [] },
  deposit_cycles: { arg: [CanisterIdRecord], ret: [] },
  raw_rand: { arg: [], ret: [RawRandResult] },
  provisional_create_canister_with_cycles: {
    arg: [ProvisionalCreateCanisterWithCyclesArgs],
    ret: [ProvisionalCreateCanisterWithCyclesResult],
  },
  provisional_top_up_canister: { arg: [ProvisionalTopUpCanisterArgs], ret: [] },
  take_canister_snapshot: { arg: [TakeCanisterSnapshotArgs], ret: [Snapshot] },
  load_canister_snapshot: { arg: [LoadCanisterSnapshotArgs], ret: [] },
  list_canister_snapshots: { arg: [ListCanisterSnapshotsArgs], ret: [ListCanisterSnapshotsResult] },
  delete_canister_snapshot: { arg: [DeleteCanisterSnapshotArgs], ret: [] },
  fetch_canister_logs: { arg: [FetchCanisterLogsArgs], ret: [FetchCanisterLogsResult] },
} satisfies Record<string, { arg: IDL.Type[]; ret: IDL.Type[] }>;

export type ManagementMethodName = keyof typeof managementMethods;

// ------------------------------------------------------------------ decoded shapes

export type Opt<T> = [] | [T];
export type LogVisibilityArg = { controllers: null } | { public: null } | { allowed_viewers: unknown[] };
export interface CanisterSettingsArg {
  controllers: Opt<unknown[]>;
  compute_allocation: Opt<bigint>;
  memory_allocation: Opt<bigint>;
  freezing_threshold: Opt<bigint>;
  reserved_cycles_limit: Opt<bigint>;
  log_visibility: Opt<LogVisibilityArg>;
  wasm_memory_limit: Opt<bigint>;
  wasm_memory_threshold: Opt<bigint>;
  environment_variables: Opt<Array<{ name: string; value: string }>>;
}
export type InstallModeArg =
  | { install: null }
  | { reinstall: null }
  | { upgrade: Opt<{ skip_pre_upgrade: Opt<boolean>; wasm_memory_persistence: Opt<{ keep: null } | { replace: null }> }> };

/** The value of an `opt`, or undefined. */
export function opt<T>(o: Opt<T> | undefined): T | undefined {
  return o && o.length > 0 ? (o[0] as T) : undefined;
}

/** Encodes a reply with the method's result types. */
export function encodeReply(types: IDL.Type[], values: unknown[]): Uint8Array {
  return new Uint8Array(IDL.encode(types, values));
}
