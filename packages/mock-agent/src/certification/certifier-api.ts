// The contract between the certification layer (hash trees, the state tree, BLS signatures) and
// the HTTP interface that serves read_state, call (v3/v4 certified replies) and query responses.
// Kept in one file so both sides can be built at the same time without reading each other's code.
import type { Principal } from '@dfinity/principal';

/** A node of a subnet: its id and an Ed25519 key that signs query responses. */
export interface NodeSigner {
  nodeId: Principal;
  /** DER-encoded Ed25519 public key, as the state tree publishes it under subnet/<id>/node/<node>/public_key. */
  publicKeyDer: Uint8Array;
  /** Signs `message` (already domain-separated by the caller). */
  sign(message: Uint8Array): Uint8Array;
}

export interface StateCertifier {
  /** The root public key, DER-encoded as /api/v2/status serves it (agents pass it to fetchRootKey). */
  readonly rootKeyDer: Uint8Array;
  /** Raw 96-byte BLS12-381 G2 root public key. */
  readonly rootKeyRaw: Uint8Array;
  /** Certifies the replica's current state now (normally done once per round automatically). */
  certifyNow(): void;
  /**
   * A certificate (CBOR, self-describing tag) for `paths` of the latest certified state tree: the
   * tree is pruned to the requested paths plus `time`. Paths are arrays of labels (bytes).
   *
   * `effectiveId` picks the subnet that certifies, as the IC routes the request: the effective
   * canister id of a canister endpoint (the subnet hosting it, or whose ranges hold it) or the
   * subnet id of a subnet endpoint. The root subnet signs with the root key and no delegation (also
   * when `effectiveId` is omitted or no subnet holds it); any other subnet signs with its own key
   * and the certificate carries `delegation: { subnet_id, certificate }` from the root subnet.
   */
  readState(paths: Uint8Array[][], effectiveId?: Principal): Uint8Array;
  /**
   * The certificate a query on `canisterId` returns via ic0.data_certificate_copy (certified_data +
   * time), by the canister's subnet (with a delegation off the root subnet).
   */
  dataCertificate(canisterId: Principal): Uint8Array;
  /** Nodes of the subnet hosting `canisterId` (or with that subnet id; else of the default subnet). */
  nodesFor(canisterId?: Principal): NodeSigner[];
  /** Subnet id of the subnet hosting `canisterId`. */
  subnetFor(canisterId?: Principal): Principal;
}
