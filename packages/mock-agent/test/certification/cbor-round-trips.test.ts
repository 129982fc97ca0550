// The CBOR codec round-trips what the IC exchanges (bigints, bytes, nested maps, the self-describe
// tag) and reads what the agents' encoders write, and their decoders read what it writes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { agents } from './agents.ts';
import { Principal } from '@dfinity/principal';
import { CborError, CborTag, SelfDescribed, decodeCbor, encodeCbor, encodeSelfDescribed, type CborValue } from '../../src/certification/index.ts';

const isCborError = (e: unknown) => e instanceof CborError;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));

test('integers take the shortest head; bigints beyond 2^53 stay bigints', () => {
  assert.is(hex(encodeCbor(0)), '00');
  assert.is(hex(encodeCbor(23)), '17');
  assert.is(hex(encodeCbor(24)), '1818');
  assert.is(hex(encodeCbor(1000)), '1903e8');
  assert.is(hex(encodeCbor(1_000_000)), '1a000f4240');
  assert.is(hex(encodeCbor(-1)), '20');
  assert.is(hex(encodeCbor(-1000)), '3903e7');
  assert.is(hex(encodeCbor(2n ** 64n - 1n)), '1bffffffffffffffff');
  assert.is(hex(encodeCbor(-(2n ** 64n))), '3bffffffffffffffff');
  for (const v of [0, 1, 23, 24, 255, 256, 65535, 65536, 2 ** 32, Number.MAX_SAFE_INTEGER, -1, -24, -25, -(2 ** 40)]) {
    assert.is(decodeCbor(encodeCbor(v)), v, String(v));
  }
  for (const v of [2n ** 53n, 1_700_000_000_000_000_000n, 2n ** 64n - 1n, -(2n ** 63n), 2n ** 100n, -(2n ** 100n)]) {
    assert.is(decodeCbor(encodeCbor(v)), v, String(v));
  }
  // Bignum tags (2 and 3) beyond 64 bits
  assert.is(hex(encodeCbor(2n ** 64n)), 'c249010000000000000000');
  assert.is(decodeCbor(encodeCbor(5), { bigints: true }), 5n);
});

test('strings, bytes, arrays, maps, simple values and floats round-trip', () => {
  const value: CborValue = {
    text: 'héllo ✓',
    empty: '',
    bytes: new Uint8Array([0, 1, 2, 255]),
    list: [1, 'two', [3n ** 40n], { nested: true }],
    flags: [true, false, null],
    float: 1.5,
    big: new Uint8Array(70_000).fill(9),
  };
  const decoded = decodeCbor(encodeCbor(value));
  assert.equal(decoded, value);
  const m = new Map<CborValue, CborValue>([
    [1, 'one'],
    [new Uint8Array([7]), 'bytes key'],
  ]);
  assert.equal(decodeCbor(encodeCbor(m)), m);
  assert.instance(decodeCbor(encodeCbor({ a: 1 }), { maps: true }), Map);
  assert.is(hex(encodeCbor(undefined)), 'f7');
  assert.ok(Number.isNaN(decodeCbor(bytes('f97e00'))));
  assert.is(decodeCbor(bytes('f93c00')), 1);
});

test('the self-describe tag is written in front and dropped on reading (or kept on request)', () => {
  const enc = encodeSelfDescribed([1, 2]);
  assert.is(hex(enc), 'd9d9f7820102');
  assert.equal(decodeCbor(enc), [1, 2]);
  const kept = decodeCbor(enc, { keepSelfDescribe: true });
  assert.instance(kept, SelfDescribed);
  assert.is(hex(encodeCbor(new SelfDescribed('x'))), 'd9d9f76178');
  const other = decodeCbor(encodeCbor(new CborTag(42, 'x')));
  assert.instance(other, CborTag);
  assert.is((other as CborTag).tag, 42);
});

test('indefinite lengths are accepted', () => {
  // [_ 1, [2, 3]], {_ "a": 1}, (_ h'01', h'02'), (_ "ab", "c")
  assert.equal(decodeCbor(bytes('9f018202 03ff'.replace(/ /g, ''))), [1, [2, 3]]);
  assert.equal(decodeCbor(bytes('bf616101ff')), { a: 1 });
  assert.equal(decodeCbor(bytes('5f41014102ff')), new Uint8Array([1, 2]));
  assert.is(decodeCbor(bytes('7f62616261 63ff'.replace(/ /g, ''))), 'abc');
});

test('malformed input throws CborError', () => {
  assert.throws(() => decodeCbor(bytes('')), isCborError);
  assert.throws(() => decodeCbor(bytes('1a0000')), isCborError);
  assert.throws(() => decodeCbor(bytes('0000')), isCborError);
  assert.throws(() => decodeCbor(bytes('ff')), isCborError);
  assert.throws(() => decodeCbor(bytes('5f01ff')), isCborError);
});

test('a __proto__ key is data, not a prototype', () => {
  const decoded = decodeCbor(bytes('a1695f5f70726f746f5f5fa0')) as Record<string, unknown>;
  assert.equal(Object.keys(decoded), ['__proto__']);
  assert.is(Object.getPrototypeOf(decoded), Object.prototype);
});

for (const { name, lib } of agents) {
test(`reads what ${name}'s encoder writes (a call envelope) and the agent reads ours`, () => {
  const { Cbor } = lib;
  const sender = Principal.fromText('2vxsx-fae');
  const canister = Principal.fromText('bkyz2-fmaaa-aaaaa-qaaaq-cai');
  const expiry = 1_750_000_000_000_000_000n;
  const envelope = {
    content: {
      request_type: 'call',
      canister_id: canister,
      method_name: 'greet',
      arg: new Uint8Array([0x44, 0x49, 0x44, 0x4c, 0, 0]),
      sender,
      ingress_expiry: expiry,
      nonce: new Uint8Array(16).fill(3),
    },
  };
  const agentBytes = Cbor.encode(envelope as never);
  assert.is(hex(agentBytes.slice(0, 3)), 'd9d9f7');
  const decoded = decodeCbor(agentBytes) as { content: Record<string, CborValue> };
  assert.is(decoded.content.request_type, 'call');
  assert.is(decoded.content.method_name, 'greet');
  assert.is(decoded.content.ingress_expiry, expiry);
  assert.equal(decoded.content.canister_id, canister.toUint8Array());
  assert.equal(decoded.content.sender, sender.toUint8Array());
  assert.equal(decoded.content.nonce, new Uint8Array(16).fill(3));

  const ours = encodeSelfDescribed({ status: 'replied', reply: { arg: new Uint8Array([1, 2]) }, n: 2n ** 60n, small: 7 });
  const theirs = Cbor.decode(ours) as Record<string, unknown>;
  assert.is(theirs.status, 'replied');
  assert.equal((theirs.reply as { arg: Uint8Array }).arg, new Uint8Array([1, 2]));
  assert.is(theirs.n, 2n ** 60n);
  assert.is(theirs.small, 7);
});
}

test.run();
