// The threshold-key methods of the management canister: ecdsa_public_key, sign_with_ecdsa,
// schnorr_public_key and sign_with_schnorr, served by a ThresholdSigner. Each request is decoded with
// the Candid types of ic.did (threshold-candid.ts; a payload that does not decode is refused with
// IC0408), the key is looked up (an unknown key gets the replica's routing error), and the reply is
// encoded as ic.did says. Only canisters may call these methods (the ingress filter refuses users).
//
// Cycles, as the replica charges them (rs/execution_environment, sign_with_threshold):
//   public keys are free: all attached cycles are refunded;
//   a signature costs fees.signWithEcdsa(keyName) / fees.signWithSchnorr(keyName) (a key the fee table
//   does not list costs the test-key price, 10 B cycles scaled to the subnet); with fewer cycles
//   attached the call is rejected, everything refunded, with the replica's words
//     "sign_with_ecdsa request sent with N cycles, but F cycles are required."   (IC0406, CANISTER_REJECT)
//   otherwise the fee is kept and the rest refunded with the reply.
// canister_id of the public-key methods defaults to the caller; signatures are always by the caller's key.
//
// API:
//   registerThresholdMethods(management, signer, fees)   fees: a FeeSchedule or caller → FeeSchedule | undefined (free)
//   callerFeesOf(replica) → the caller's subnet's fees (undefined when it charges no cycles)
//   thresholdSeedOf(seed) → the ThresholdSigner seed for a ReplicaOptions.seed (undefined: the default)
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import { sha256 } from '@noble/hashes/sha2.js';
import type { FeeSchedule } from '../cycles/fee-schedule.ts';
import { ErrorCode } from '../errors/error-code.ts';
import { UserError } from '../errors/user-error.ts';
import type { Replica } from '../replica/replica.ts';
import type { ThresholdSigner, SchnorrAlgorithm } from '../threshold/threshold-signer.ts';
import type { ManagementCall, ManagementCanister } from './management-canister.ts';
import { errors } from './management-errors.ts';
import { opt } from './management-candid.ts';
import {
  externalMethods,
  type EcdsaPublicKeyArg,
  type ExternalMethodName,
  type SchnorrKeyIdArg,
  type SchnorrPublicKeyArg,
  type SignWithEcdsaArg,
  type SignWithSchnorrArg,
} from './threshold-candid.ts';

/** The price of a signature with a key the fee table does not list (the 13-node test-key price). */
const DEFAULT_SIGNATURE_FEE = 10_000_000_000n;

/** The fees a caller pays: one schedule for all, or the caller's (undefined: its subnet charges nothing). */
export type CallerFees = FeeSchedule | ((caller: Principal) => FeeSchedule | undefined);

/** The calling canister's subnet's fee schedule; undefined when that subnet charges no cycles. */
export function callerFeesOf(replica: Replica): (caller: Principal) => FeeSchedule | undefined {
  return (caller) => {
    const subnet = replica.subnetOf(caller);
    if (!subnet) return replica.fees;
    return subnet.chargesCycles ? subnet.fees : undefined;
  };
}

/** The schedule `caller` pays by (undefined: free). */
export function feesFor(fees: CallerFees, caller: Principal): FeeSchedule | undefined {
  return typeof fees === 'function' ? fees(caller) : fees;
}

/** Serves the four threshold-key methods on `management` with `signer`, charging `fees`. */
export function registerThresholdMethods(management: ManagementCanister, signer: ThresholdSigner, fees: CallerFees): void {
  const signatureFee = (caller: Principal, kind: 'ecdsa' | 'schnorr', keyName: string): bigint => {
    const f = feesFor(fees, caller);
    if (!f) return 0n;
    return (kind === 'ecdsa' ? f.signWithEcdsa(keyName) : f.signWithSchnorr(keyName)) ?? f.scale(DEFAULT_SIGNATURE_FEE);
  };
  management.register('ecdsa_public_key', (call) =>
    serve(call, 'ecdsa_public_key', (a: EcdsaPublicKeyArg) => {
      const r = signer.ecdsaPublicKey({
        canisterId: opt(a.canister_id) ?? call.sender,
        derivationPath: a.derivation_path,
        keyName: a.key_id.name,
      });
      return { value: { public_key: r.publicKey, chain_code: r.chainCode }, fee: 0n };
    }),
  );

  management.register('sign_with_ecdsa', (call) =>
    serve(call, 'sign_with_ecdsa', (a: SignWithEcdsaArg) => {
      const signature = signer.signWithEcdsa({
        canisterId: call.sender,
        messageHash: a.message_hash,
        derivationPath: a.derivation_path,
        keyName: a.key_id.name,
      });
      return { value: { signature }, fee: signatureFee(call.sender, 'ecdsa', a.key_id.name) };
    }),
  );

  management.register('schnorr_public_key', (call) =>
    serve(call, 'schnorr_public_key', (a: SchnorrPublicKeyArg) => {
      const r = signer.schnorrPublicKey({
        canisterId: opt(a.canister_id) ?? call.sender,
        derivationPath: a.derivation_path,
        keyName: a.key_id.name,
        algorithm: algorithmOf(a.key_id),
      });
      return { value: { public_key: r.publicKey, chain_code: r.chainCode }, fee: 0n };
    }),
  );

  management.register('sign_with_schnorr', (call) =>
    serve(call, 'sign_with_schnorr', (a: SignWithSchnorrArg) => {
      const signature = signer.signWithSchnorr({
        canisterId: call.sender,
        message: a.message,
        derivationPath: a.derivation_path,
        keyName: a.key_id.name,
        algorithm: algorithmOf(a.key_id),
        aux: opt(a.aux) ?? null,
      });
      return { value: { signature }, fee: signatureFee(call.sender, 'schnorr', a.key_id.name) };
    }),
  );
}

/**
 * Decodes the call, runs `work` (which throws UserError for what the replica refuses), checks that the
 * attached cycles cover the fee, and replies keeping the fee. The work comes first so that routing and
 * argument errors win over the fee error, as in the replica (fees are checked last, in
 * sign_with_threshold); the signature is pure, so computing one that is then refused changes nothing.
 */
function serve<A>(call: ManagementCall, method: ExternalMethodName, work: (arg: A) => { value: unknown; fee: bigint }): void {
  try {
    const types = externalMethods[method].arg as IDL.Type[];
    let arg: A;
    try {
      arg = IDL.decode(types, call.arg)[0] as A;
    } catch (e) {
      throw errors.decode(method, e);
    }
    const { value, fee } = work(arg);
    if (call.cycles < fee) throw notEnoughCycles(method, call.cycles, fee);
    const reply = new Uint8Array(IDL.encode(externalMethods[method].ret as IDL.Type[], [value]));
    call.reply(reply, call.cycles - fee);
  } catch (e) {
    call.reject(asUserError(e));
  }
}

/** The replica's words for a call that attaches fewer cycles than the method costs. */
export function notEnoughCycles(method: string, attached: bigint, required: bigint): UserError {
  return new UserError(
    ErrorCode.CanisterRejectedMessage,
    `${method} request sent with ${attached} cycles, but ${required} cycles are required.`,
  );
}

function algorithmOf(keyId: SchnorrKeyIdArg): SchnorrAlgorithm {
  return 'ed25519' in keyId.algorithm ? 'ed25519' : 'bip340secp256k1';
}

function asUserError(e: unknown): UserError {
  if (e instanceof UserError) return e;
  return new UserError(ErrorCode.CanisterRejectedMessage, e instanceof Error ? e.message : String(e));
}

const SEED_DOMAIN = new TextEncoder().encode('mockic threshold seed v1\0');

/**
 * The ThresholdSigner seed for a replica seed: undefined stays undefined (the signer's default keys);
 * anything else is hashed with a domain of its own, so raw_rand and the master keys never share bytes.
 */
export function thresholdSeedOf(seed: Uint8Array | string | bigint | number | undefined): Uint8Array | undefined {
  if (seed === undefined) return undefined;
  let bytes: Uint8Array;
  if (seed instanceof Uint8Array) bytes = seed;
  else if (typeof seed === 'string') bytes = new TextEncoder().encode(seed);
  else {
    bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setBigUint64(0, BigInt.asUintN(64, BigInt(seed)));
  }
  const input = new Uint8Array(SEED_DOMAIN.length + bytes.length);
  input.set(SEED_DOMAIN);
  input.set(bytes, SEED_DOMAIN.length);
  return sha256(input);
}
