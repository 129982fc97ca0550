// The replica's side of certification: checking a certificate someone hands back to it. Canister
// signatures (the scheme Internet Identity signs delegations with) carry a certificate of the signing
// canister's certified_data, so ingress validation must verify one — against the replica's root key,
// directly or through a subnet delegation whose canister ranges hold the canister (interface spec,
// "Certification" and "Delegation").
import { blsVerify, STATE_ROOT_DOMAIN } from './root-key.ts';
import { CborTag, decode as cborDecode, SelfDescribed, type CborValue } from './cbor.ts';
import { compareLabels, digest, hashTreeFromCbor, lookupPath, lookupSubtree, type HashTree } from './hash-tree.ts';

export type CertificateCheck =
  | { ok: true; tree: HashTree }
  /** `malformed`: the bytes are not a certificate at all (vs. a certificate that does not verify). */
  | { ok: false; malformed: boolean; reason: string };

/**
 * Verifies a CBOR certificate against the root key. With a delegation, the delegation certificate
 * (itself without delegation) must be signed by the root key and reveal the subnet's public key, and
 * `canisterId`, when given, must lie in the subnet's canister ranges.
 */
export function verifyCertificate(bytes: Uint8Array, rootKeyDer: Uint8Array, canisterId?: Uint8Array): CertificateCheck {
  return verify(bytes, rootKeyDer, canisterId, true);
}

function verify(bytes: Uint8Array, rootKeyDer: Uint8Array, canisterId: Uint8Array | undefined, allowDelegation: boolean): CertificateCheck {
  let tree: HashTree;
  let signature: Uint8Array;
  let delegation: { subnetId: Uint8Array; certificate: Uint8Array } | undefined;
  try {
    const cert = cborDecode(bytes);
    if (!isRecord(cert)) throw new Error('certificate is not a CBOR map');
    tree = hashTreeFromCbor(cert['tree']);
    const sig = cert['signature'];
    if (!(sig instanceof Uint8Array)) throw new Error('certificate has no signature');
    signature = sig;
    const d = cert['delegation'];
    if (d !== undefined) {
      if (!isRecord(d) || !(d['subnet_id'] instanceof Uint8Array) || !(d['certificate'] instanceof Uint8Array)) {
        throw new Error('malformed delegation');
      }
      delegation = { subnetId: d['subnet_id'], certificate: d['certificate'] };
    }
  } catch (e) {
    return { ok: false, malformed: true, reason: e instanceof Error ? e.message : String(e) };
  }

  let key = rootKeyDer;
  if (delegation) {
    if (!allowDelegation) return { ok: false, malformed: false, reason: 'a delegation certificate must not itself carry a delegation' };
    const inner = verify(delegation.certificate, rootKeyDer, undefined, false);
    if (!inner.ok) return { ok: false, malformed: inner.malformed, reason: `invalid delegation: ${inner.reason}` };
    const pk = lookupPath(['subnet', delegation.subnetId, 'public_key'], inner.tree);
    if (pk.status !== 'found') return { ok: false, malformed: false, reason: 'the delegation does not reveal the subnet public key' };
    key = pk.value;
    if (canisterId && !subnetHoldsCanister(inner.tree, delegation.subnetId, canisterId)) {
      return { ok: false, malformed: false, reason: 'the canister is not in the delegation subnet canister ranges' };
    }
  }
  const message = new Uint8Array(STATE_ROOT_DOMAIN.length + 32);
  message.set(STATE_ROOT_DOMAIN);
  message.set(digest(tree), STATE_ROOT_DOMAIN.length);
  if (!blsVerify(key, signature, message)) return { ok: false, malformed: false, reason: 'invalid BLS signature on the state root' };
  return { ok: true, tree };
}

/** The canister id lies in one of the subnet's ranges (subnet/<id>/canister_ranges, else the shards). */
function subnetHoldsCanister(tree: HashTree, subnetId: Uint8Array, canisterId: Uint8Array): boolean {
  const blobs: Uint8Array[] = [];
  const whole = lookupPath(['subnet', subnetId, 'canister_ranges'], tree);
  if (whole.status === 'found') blobs.push(whole.value);
  else {
    const shards = lookupSubtree(['canister_ranges', subnetId], tree);
    if (shards) collectLeaves(shards, blobs);
  }
  for (const blob of blobs) {
    let ranges: CborValue;
    try {
      ranges = cborDecode(blob);
    } catch {
      continue;
    }
    if (!Array.isArray(ranges)) continue;
    for (const r of ranges) {
      if (!Array.isArray(r) || !(r[0] instanceof Uint8Array) || !(r[1] instanceof Uint8Array)) continue;
      if (compareLabels(r[0], canisterId) <= 0 && compareLabels(canisterId, r[1]) <= 0) return true;
    }
  }
  return false;
}

function collectLeaves(t: HashTree, out: Uint8Array[]): void {
  if (t[0] === 3) out.push(t[1]);
  else if (t[0] === 1) {
    collectLeaves(t[1], out);
    collectLeaves(t[2], out);
  } else if (t[0] === 2) collectLeaves(t[2], out);
}

function isRecord(v: CborValue): v is { [key: string]: CborValue } {
  return (
    typeof v === 'object' &&
    v !== null &&
    !(v instanceof Uint8Array) &&
    !Array.isArray(v) &&
    !(v instanceof Map) &&
    !(v instanceof CborTag) &&
    !(v instanceof SelfDescribed)
  );
}
