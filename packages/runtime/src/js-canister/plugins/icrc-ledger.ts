// An ICRC-1 + ICRC-2 ledger as a JS canister, for tests and local development: balances,
// transfers with the standard's fee, minting and burning through the minting account, approvals
// and transfer_from, the standard's error variants, and deduplication of transactions that carry
// created_at_time (identical transactions within the transaction window answer Duplicate).
// Not included: ICRC-3 blocks/archives, fee collectors, index canisters. Fees are burned.
import { Principal } from '@dfinity/principal';
import { defineCanister, type JsCanister } from '../js-canister.ts';
import type { JsContext } from '../js-context.ts';
import { toHex as hex } from '../../bytes.ts';

export const ICRC_LEDGER_CANDID = `type Subaccount = blob;
type Account = record { owner : principal; subaccount : opt Subaccount };
type Value = variant { Nat : nat; Int : int; Text : text; Blob : blob };
type TransferArg = record { from_subaccount : opt Subaccount; to : Account; amount : nat; fee : opt nat; memo : opt blob; created_at_time : opt nat64 };
type TransferError = variant {
  BadFee : record { expected_fee : nat };
  BadBurn : record { min_burn_amount : nat };
  InsufficientFunds : record { balance : nat };
  TooOld;
  CreatedInFuture : record { ledger_time : nat64 };
  Duplicate : record { duplicate_of : nat };
  TemporarilyUnavailable;
  GenericError : record { error_code : nat; message : text };
};
type ApproveArgs = record { from_subaccount : opt Subaccount; spender : Account; amount : nat; expected_allowance : opt nat; expires_at : opt nat64; fee : opt nat; memo : opt blob; created_at_time : opt nat64 };
type ApproveError = variant {
  BadFee : record { expected_fee : nat };
  InsufficientFunds : record { balance : nat };
  AllowanceChanged : record { current_allowance : nat };
  Expired : record { ledger_time : nat64 };
  TooOld;
  CreatedInFuture : record { ledger_time : nat64 };
  Duplicate : record { duplicate_of : nat };
  TemporarilyUnavailable;
  GenericError : record { error_code : nat; message : text };
};
type AllowanceArgs = record { account : Account; spender : Account };
type Allowance = record { allowance : nat; expires_at : opt nat64 };
type TransferFromArgs = record { spender_subaccount : opt Subaccount; from : Account; to : Account; amount : nat; fee : opt nat; memo : opt blob; created_at_time : opt nat64 };
type TransferFromError = variant {
  BadFee : record { expected_fee : nat };
  BadBurn : record { min_burn_amount : nat };
  InsufficientFunds : record { balance : nat };
  InsufficientAllowance : record { allowance : nat };
  TooOld;
  CreatedInFuture : record { ledger_time : nat64 };
  Duplicate : record { duplicate_of : nat };
  TemporarilyUnavailable;
  GenericError : record { error_code : nat; message : text };
};
service : {
  icrc1_name : () -> (text) query;
  icrc1_symbol : () -> (text) query;
  icrc1_decimals : () -> (nat8) query;
  icrc1_fee : () -> (nat) query;
  icrc1_metadata : () -> (vec record { text; Value }) query;
  icrc1_total_supply : () -> (nat) query;
  icrc1_minting_account : () -> (opt Account) query;
  icrc1_balance_of : (Account) -> (nat) query;
  icrc1_transfer : (TransferArg) -> (variant { Ok : nat; Err : TransferError });
  icrc1_supported_standards : () -> (vec record { name : text; url : text }) query;
  icrc2_approve : (ApproveArgs) -> (variant { Ok : nat; Err : ApproveError });
  icrc2_allowance : (AllowanceArgs) -> (Allowance) query;
  icrc2_transfer_from : (TransferFromArgs) -> (variant { Ok : nat; Err : TransferFromError });
}
`;

/** An ICRC account as Candid decodes it. */
export interface IcrcAccount {
  owner: Principal;
  subaccount: [] | [Uint8Array];
}

export interface IcrcLedgerOptions {
  name?: string;
  symbol?: string;
  decimals?: number;
  /** The transfer and approve fee (default 10_000). */
  fee?: bigint;
  /** Transfers from it mint, transfers to it burn (default: the anonymous principal's default account). */
  mintingAccount?: Principal | IcrcAccount;
  /** Balances at install. */
  initialBalances?: Array<[Principal | IcrcAccount, bigint]>;
  /** Deduplication window (default 24 h) and permitted clock drift (default 60 s), in nanoseconds. */
  transactionWindowNanos?: bigint;
  permittedDriftNanos?: bigint;
}

interface Tx {
  kind: 'mint' | 'burn' | 'transfer' | 'approve';
  from?: string;
  to?: string;
  spender?: string;
  amount: bigint;
  fee: bigint;
  timestamp: bigint;
}

export interface IcrcLedgerState {
  balances: Map<string, bigint>;
  allowances: Map<string, { allowance: bigint; expires_at: bigint | undefined }>;
  totalSupply: bigint;
  transactions: Tx[];
  /** Transaction hash → [block index, created_at_time]. */
  dedup: Map<string, [bigint, bigint]>;
}

const ZERO_SUBACCOUNT = new Uint8Array(32);

function accountOf(a: Principal | IcrcAccount): IcrcAccount {
  return a instanceof Principal ? { owner: a, subaccount: [] } : a;
}


/** A canonical account key: owner and 32-byte subaccount (none = zeros). */
export function accountKey(a: Principal | IcrcAccount): string {
  const acc = accountOf(a);
  const sub = acc.subaccount[0] ?? ZERO_SUBACCOUNT;
  return `${acc.owner.toText()}.${hex(sub)}`;
}

type Opt<T> = [] | [T];
const opt = <T>(o: Opt<T> | undefined): T | undefined => (o && o.length > 0 ? o[0] : undefined);

interface Common {
  fee: Opt<bigint>;
  memo: Opt<Uint8Array>;
  created_at_time: Opt<bigint>;
}

type Err = Record<string, unknown>;
const err = (variant: string, value: unknown = null) => ({ Err: { [variant]: value } as Err });

/** A ledger canister: `replica.installJsCanister(icrcLedger({ initialBalances: [[alice, 1_000n]] }))`. */
export function icrcLedger(options: IcrcLedgerOptions = {}): JsCanister {
  const name = options.name ?? 'Mock Token';
  const symbol = options.symbol ?? 'MOCK';
  const decimals = options.decimals ?? 8;
  const fee = options.fee ?? 10_000n;
  const minting = accountOf(options.mintingAccount ?? Principal.anonymous());
  const mintingKey = accountKey(minting);
  const window = options.transactionWindowNanos ?? 24n * 3600n * 1_000_000_000n;
  const drift = options.permittedDriftNanos ?? 60n * 1_000_000_000n;

  const balanceOf = (s: IcrcLedgerState, key: string) => s.balances.get(key) ?? 0n;
  const setBalance = (s: IcrcLedgerState, key: string, v: bigint) => {
    if (v === 0n) s.balances.delete(key);
    else s.balances.set(key, v);
  };
  const record = (s: IcrcLedgerState, tx: Tx): bigint => {
    s.transactions.push(tx);
    return BigInt(s.transactions.length - 1);
  };

  /** created_at_time checks and deduplication: an error, or the dedup key to record. */
  const checkTime = (ctx: JsContext<IcrcLedgerState>, kind: string, args: Common, body: unknown): { Err: Err } | string | undefined => {
    const created = opt(args.created_at_time);
    if (created === undefined) return undefined;
    const now = ctx.time;
    if (created + window + drift < now) return err('TooOld');
    if (created > now + drift) return err('CreatedInFuture', { ledger_time: now });
    for (const [k, [, at]] of ctx.state.dedup) if (at + window + drift < now) ctx.state.dedup.delete(k);
    const key = `${kind}|${ctx.caller.toText()}|${JSON.stringify(body, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? hex(v) : v instanceof Principal ? v.toText() : v))}`;
    const seen = ctx.state.dedup.get(key);
    if (seen) return err('Duplicate', { duplicate_of: seen[0] });
    return key;
  };
  const checkFee = (args: Common, expected: bigint): { Err: Err } | undefined => {
    const given = opt(args.fee);
    if (given !== undefined && given !== expected) return err('BadFee', { expected_fee: expected });
    const memo = opt(args.memo);
    if (memo && memo.length > 32) return err('GenericError', { error_code: 0n, message: 'the memo is longer than 32 bytes' });
    return undefined;
  };

  return defineCanister({
    name: `icrc-ledger ${symbol}`,
    candid: ICRC_LEDGER_CANDID,
    state: (): IcrcLedgerState => {
      const s: IcrcLedgerState = { balances: new Map(), allowances: new Map(), totalSupply: 0n, transactions: [], dedup: new Map() };
      for (const [who, amount] of options.initialBalances ?? []) {
        const key = accountKey(who);
        setBalance(s, key, balanceOf(s, key) + amount);
        s.totalSupply += amount;
        s.transactions.push({ kind: 'mint', to: key, amount, fee: 0n, timestamp: 0n });
      }
      return s;
    },
    methods: {
      icrc1_name: () => name,
      icrc1_symbol: () => symbol,
      icrc1_decimals: () => decimals,
      icrc1_fee: () => fee,
      icrc1_metadata: () => [
        ['icrc1:name', { Text: name }],
        ['icrc1:symbol', { Text: symbol }],
        ['icrc1:decimals', { Nat: BigInt(decimals) }],
        ['icrc1:fee', { Nat: fee }],
      ],
      icrc1_total_supply: (ctx: JsContext<IcrcLedgerState>) => ctx.state.totalSupply,
      icrc1_minting_account: () => [minting],
      icrc1_supported_standards: () => [
        { name: 'ICRC-1', url: 'https://github.com/dfinity/ICRC-1/tree/main/standards/ICRC-1' },
        { name: 'ICRC-2', url: 'https://github.com/dfinity/ICRC-1/tree/main/standards/ICRC-2' },
      ],
      icrc1_balance_of: (ctx: JsContext<IcrcLedgerState>) => balanceOf(ctx.state, accountKey(ctx.args[0] as IcrcAccount)),
      icrc1_transfer: (ctx: JsContext<IcrcLedgerState>) => {
        const a = ctx.args[0] as Common & { from_subaccount: Opt<Uint8Array>; to: IcrcAccount; amount: bigint };
        const s = ctx.state;
        const from = accountKey({ owner: ctx.caller, subaccount: a.from_subaccount });
        const to = accountKey(a.to);
        const kind = from === mintingKey ? 'mint' : to === mintingKey ? 'burn' : 'transfer';
        const txFee = kind === 'transfer' ? fee : 0n;
        const bad = checkFee(a, txFee);
        if (bad) return bad;
        if (kind === 'burn' && a.amount < fee) return err('BadBurn', { min_burn_amount: fee });
        const dedup = checkTime(ctx, 'transfer', a, a);
        if (typeof dedup === 'object') return dedup;
        if (kind !== 'mint') {
          const balance = balanceOf(s, from);
          if (balance < a.amount + txFee) return err('InsufficientFunds', { balance });
          setBalance(s, from, balance - a.amount - txFee);
        }
        if (kind !== 'burn') setBalance(s, to, balanceOf(s, to) + a.amount);
        s.totalSupply += kind === 'mint' ? a.amount : kind === 'burn' ? -a.amount : -txFee;
        const index = record(s, { kind, from, to, amount: a.amount, fee: txFee, timestamp: ctx.time });
        if (dedup) s.dedup.set(dedup, [index, opt(a.created_at_time) as bigint]);
        return { Ok: index };
      },
      icrc2_approve: (ctx: JsContext<IcrcLedgerState>) => {
        const a = ctx.args[0] as Common & {
          from_subaccount: Opt<Uint8Array>;
          spender: IcrcAccount;
          amount: bigint;
          expected_allowance: Opt<bigint>;
          expires_at: Opt<bigint>;
        };
        const s = ctx.state;
        const from = accountKey({ owner: ctx.caller, subaccount: a.from_subaccount });
        const spender = accountKey(a.spender);
        if (a.spender.owner.toText() === ctx.caller.toText()) ctx.trap('self approval is not allowed');
        const bad = checkFee(a, fee);
        if (bad) return bad;
        const expires = opt(a.expires_at);
        if (expires !== undefined && expires < ctx.time) return err('Expired', { ledger_time: ctx.time });
        const dedup = checkTime(ctx, 'approve', a, a);
        if (typeof dedup === 'object') return dedup;
        const key = `${from}>${spender}`;
        const current = s.allowances.get(key);
        const currentAmount = current && (current.expires_at === undefined || current.expires_at > ctx.time) ? current.allowance : 0n;
        const expected = opt(a.expected_allowance);
        if (expected !== undefined && expected !== currentAmount) return err('AllowanceChanged', { current_allowance: currentAmount });
        const balance = balanceOf(s, from);
        if (balance < fee) return err('InsufficientFunds', { balance });
        setBalance(s, from, balance - fee);
        s.totalSupply -= fee;
        if (a.amount === 0n) s.allowances.delete(key);
        else s.allowances.set(key, { allowance: a.amount, expires_at: expires });
        const index = record(s, { kind: 'approve', from, spender, amount: a.amount, fee, timestamp: ctx.time });
        if (dedup) s.dedup.set(dedup, [index, opt(a.created_at_time) as bigint]);
        return { Ok: index };
      },
      icrc2_allowance: (ctx: JsContext<IcrcLedgerState>) => {
        const a = ctx.args[0] as { account: IcrcAccount; spender: IcrcAccount };
        const current = ctx.state.allowances.get(`${accountKey(a.account)}>${accountKey(a.spender)}`);
        if (!current || (current.expires_at !== undefined && current.expires_at <= ctx.time)) return { allowance: 0n, expires_at: [] };
        return { allowance: current.allowance, expires_at: current.expires_at === undefined ? [] : [current.expires_at] };
      },
      icrc2_transfer_from: (ctx: JsContext<IcrcLedgerState>) => {
        const a = ctx.args[0] as Common & { spender_subaccount: Opt<Uint8Array>; from: IcrcAccount; to: IcrcAccount; amount: bigint };
        const s = ctx.state;
        const spender = accountKey({ owner: ctx.caller, subaccount: a.spender_subaccount });
        const from = accountKey(a.from);
        const to = accountKey(a.to);
        const burn = to === mintingKey;
        const txFee = burn ? 0n : fee;
        const bad = checkFee(a, txFee);
        if (bad) return bad;
        if (burn && a.amount < fee) return err('BadBurn', { min_burn_amount: fee });
        const dedup = checkTime(ctx, 'transfer_from', a, a);
        if (typeof dedup === 'object') return dedup;
        const key = `${from}>${spender}`;
        const self = from === spender;
        const current = s.allowances.get(key);
        const allowance = current && (current.expires_at === undefined || current.expires_at > ctx.time) ? current.allowance : 0n;
        if (!self && allowance < a.amount + txFee) return err('InsufficientAllowance', { allowance });
        const balance = balanceOf(s, from);
        if (balance < a.amount + txFee) return err('InsufficientFunds', { balance });
        setBalance(s, from, balance - a.amount - txFee);
        if (!burn) setBalance(s, to, balanceOf(s, to) + a.amount);
        s.totalSupply -= burn ? a.amount : txFee;
        if (!self && current) {
          const left = allowance - a.amount - txFee;
          if (left === 0n) s.allowances.delete(key);
          else s.allowances.set(key, { allowance: left, expires_at: current.expires_at });
        }
        const index = record(s, { kind: burn ? 'burn' : 'transfer', from, to, spender, amount: a.amount, fee: txFee, timestamp: ctx.time });
        if (dedup) s.dedup.set(dedup, [index, opt(a.created_at_time) as bigint]);
        return { Ok: index };
      },
    },
  });
}
