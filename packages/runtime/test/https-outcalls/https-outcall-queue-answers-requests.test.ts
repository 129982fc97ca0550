// HttpsOutcallQueue: a submitted request is listed as pending and answered later by the test; a
// handler answers automatically (sync or async, also requests already waiting); answers over
// max_response_bytes are rejected SYS_FATAL with the replica's wording; requests the replica refuses
// (max_response_bytes, url size, headers, transform principal) throw its UserError; a url the adapter
// cannot use settles at once as a SYS_FATAL reject; the transform is kept for the dispatcher.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Principal } from '@dfinity/principal';
import { IDL } from '@dfinity/candid';
import { ErrorCode, RejectCode, UserError } from '@mockic/runtime';
import {
  HttpsOutcallQueue,
  httpRequestArgsFromCandid,
  type HttpRequestArgs,
  type SettledHttpOutcall,
} from '../../src/https-outcalls/index.ts';

const CANISTER = Principal.fromText('rwlgt-iiaaa-aaaaa-aaaaa-cai');
const OTHER = Principal.fromText('rrkah-fqaaa-aaaaa-aaaaq-cai');
const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const GET: HttpRequestArgs = { url: 'https://example.com/price?coin=icp', method: 'get' };

function userError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (e) {
    assert.instance(e, UserError);
    return e as UserError;
  }
  throw new Error('expected a UserError');
}

test('a submitted request is listed as pending and answered later', () => {
  const queue = new HttpsOutcallQueue<string>();
  const outcall = queue.submit(
    CANISTER,
    {
      ...GET,
      headers: [{ name: 'Accept', value: 'application/json' }],
      maxResponseBytes: 1000n,
      transform: { principal: CANISTER.toUint8Array(), method: 'transform', context: Uint8Array.of(7) },
    },
    'callback-1',
  );
  const pending = queue.pending();
  assert.is(pending.length, 1);
  const [p] = pending;
  assert.is(p!.id, outcall.id);
  assert.is(p!.tag, 'callback-1');
  assert.equal(p!.canisterId, CANISTER.toUint8Array());
  assert.is(p!.request.url, 'https://example.com/price?coin=icp');
  assert.is(p!.request.method, 'get');
  assert.equal(p!.request.headers, [{ name: 'Accept', value: 'application/json' }]);
  assert.is(p!.request.maxResponseBytes, 1000n);
  assert.is(p!.request.effectiveMaxResponseBytes, 1000n);
  assert.is(p!.request.transform!.method, 'transform');
  assert.equal(p!.request.transform!.context, Uint8Array.of(7));
  assert.equal(queue.takeSettled(), []);

  const settled = queue.respond(outcall.id, {
    status: 200,
    headers: [{ name: 'content-type', value: 'application/json' }],
    body: '{"icp":12.5}',
  });
  assert.equal(queue.pending(), []);
  assert.is(settled.outcome.kind, 'reply');
  if (settled.outcome.kind === 'reply') {
    assert.is(settled.outcome.response.status, 200n);
    assert.is(text(settled.outcome.response.body), '{"icp":12.5}');
  }
  const taken = queue.takeSettled();
  assert.is(taken.length, 1);
  assert.is(taken[0]!.tag, 'callback-1');
  assert.is(taken[0]!.request.transform!.method, 'transform', 'transform kept for the dispatcher');
  assert.equal(queue.takeSettled(), []);
  assert.throws(() => queue.respond(outcall.id, { status: 200 }), /no pending HTTPS outcall/);
});

test('a reject answer reaches the canister as given', () => {
  const seen: SettledHttpOutcall[] = [];
  const queue = new HttpsOutcallQueue({ onSettled: (s) => seen.push(s) });
  const { id } = queue.submit(CANISTER, GET);
  queue.respond(id, { reject: { code: RejectCode.SYS_TRANSIENT, message: 'Connecting to example.com failed' } });
  assert.is(seen.length, 1);
  assert.equal(seen[0]!.outcome, {
    kind: 'reject',
    code: RejectCode.SYS_TRANSIENT,
    message: 'Connecting to example.com failed',
  });
  assert.equal(queue.takeSettled(), [], 'onSettled receives them instead');
});

test('a handler answers automatically, including requests already pending', () => {
  const seen: SettledHttpOutcall[] = [];
  const queue = new HttpsOutcallQueue({ onSettled: (s) => seen.push(s) });
  const early = queue.submit(CANISTER, { ...GET, url: 'https://early.example' });
  queue.setHandler((o) => (o.request.url.includes('skip') ? undefined : { status: 201, body: `echo ${o.request.url}` }));
  assert.is(seen.length, 1);
  assert.is(seen[0]!.id, early.id);
  queue.submit(CANISTER, { ...GET, url: 'https://late.example' });
  const skipped = queue.submit(CANISTER, { ...GET, url: 'https://skip.example' });
  assert.is(seen.length, 2);
  const late = seen[1]!.outcome;
  assert.ok(late.kind === 'reply' && text(late.response.body) === 'echo https://late.example' && late.response.status === 201n);
  assert.equal(
    queue.pending().map((o) => o.id),
    [skipped.id],
    'undefined leaves it pending',
  );
  queue.setHandler(undefined);
  queue.submit(CANISTER, GET);
  assert.is(queue.pending().length, 2);
});

test('an async handler answers when its promise settles; a throwing one rejects SYS_TRANSIENT', async () => {
  const queue = new HttpsOutcallQueue({
    handler: async (o) => {
      await new Promise((r) => setTimeout(r, 5));
      if (o.request.url.endsWith('/fail')) throw new Error('connection refused');
      return { status: 200, body: 'late' };
    },
  });
  queue.submit(CANISTER, GET);
  queue.submit(CANISTER, { ...GET, url: 'https://example.com/fail' });
  assert.is(queue.pending().length, 2);
  await queue.whenIdle();
  assert.is(queue.pending().length, 0);
  const [ok, failed] = queue.takeSettled();
  assert.ok(ok!.outcome.kind === 'reply' && text(ok!.outcome.response.body) === 'late');
  assert.equal(failed!.outcome, { kind: 'reject', code: RejectCode.SYS_TRANSIENT, message: 'connection refused' });
});

test('a malformed answer: respond() throws; from a handler it becomes a visible SYS_FATAL reject', () => {
  const queue = new HttpsOutcallQueue();
  const { id } = queue.submit(CANISTER, GET);
  assert.throws(() => queue.respond(id, { status: -1 }), /status must be a non-negative integer/);
  assert.throws(() => queue.respond(id, { reject: { code: 9 as never, message: 'x' } }), /reject code 9/);
  assert.is(queue.pending().length, 1, 'still pending after a refused answer');
  queue.setHandler(() => ({ status: 1.5 }));
  const [settled] = queue.takeSettled();
  assert.is(settled!.outcome.kind, 'reject');
  assert.ok(settled!.outcome.kind === 'reject' && settled!.outcome.code === RejectCode.SYS_FATAL);
  assert.ok(settled!.outcome.kind === 'reject' && settled!.outcome.message.startsWith('Invalid answer from the HTTPS outcall handler'));
});

test('a response over max_response_bytes is rejected SYS_FATAL with the replica message', () => {
  const queue = new HttpsOutcallQueue();
  const small = queue.submit(CANISTER, { ...GET, maxResponseBytes: 100 });
  const s1 = queue.respond(small.id, { status: 200, body: new Uint8Array(101) });
  assert.equal(s1.outcome, { kind: 'reject', code: RejectCode.SYS_FATAL, message: 'Http body exceeds size limit of 100 bytes.' });

  const fits = queue.submit(CANISTER, { ...GET, maxResponseBytes: 100 });
  const s2 = queue.respond(fits.id, { status: 200, headers: [{ name: 'ab', value: 'cd' }], body: new Uint8Array(96) });
  assert.is(s2.outcome.kind, 'reply', 'headers + body = exactly the limit');

  const headersCount = queue.submit(CANISTER, { ...GET, maxResponseBytes: 100 });
  const s3 = queue.respond(headersCount.id, { status: 200, headers: [{ name: 'ab', value: 'cd' }], body: new Uint8Array(97) });
  assert.equal(s3.outcome, { kind: 'reject', code: RejectCode.SYS_FATAL, message: 'Http body exceeds size limit of 100 bytes.' });

  const hugeHeaders = queue.submit(CANISTER, { ...GET, maxResponseBytes: 10 });
  const s4 = queue.respond(hugeHeaders.id, { status: 200, headers: [{ name: 'x-long', value: 'y'.repeat(20) }] });
  assert.equal(s4.outcome, {
    kind: 'reject',
    code: RejectCode.SYS_FATAL,
    message: 'Header size exceeds specified response size limit 10',
  });

  const byDefault = queue.submit(CANISTER, GET);
  assert.is(byDefault.request.effectiveMaxResponseBytes, 2_000_000n);
  const s5 = queue.respond(byDefault.id, { status: 200, body: new Uint8Array(2_000_001) });
  assert.equal(s5.outcome, {
    kind: 'reject',
    code: RejectCode.SYS_FATAL,
    message: 'Http body exceeds size limit of 2000000 bytes.',
  });
});

test('max_response_bytes over 2 MB, long urls, bad headers and foreign transforms are refused at once', () => {
  const queue = new HttpsOutcallQueue();
  const e1 = userError(() => queue.submit(CANISTER, { ...GET, maxResponseBytes: 2_000_001n }));
  assert.is(e1.code, ErrorCode.CanisterRejectedMessage);
  assert.is(e1.rejectCode, RejectCode.CANISTER_REJECT);
  assert.is(e1.description, 'max_response_bytes expected to be in the range [0..2000000], got 2000001');

  const longUrl = 'https://example.com/' + 'a'.repeat(8200);
  const e2 = userError(() => queue.submit(CANISTER, { ...GET, url: longUrl }));
  assert.is(e2.description, `url size ${longUrl.length} exceeds 8192`);
  queue.submit(CANISTER, { ...GET, url: 'https://example.com/' + 'a'.repeat(8192 - 20) });

  const many = Array.from({ length: 65 }, (_, i) => ({ name: `h${i}`, value: 'v' }));
  assert.is(userError(() => queue.submit(CANISTER, { ...GET, headers: many })).description, 'number of all http headers 65 exceeds 64');
  const e4 = userError(() => queue.submit(CANISTER, { ...GET, headers: [{ name: 'x', value: 'v'.repeat(8193) }] }));
  assert.is(e4.description, 'number of bytes to represent some http header value 8193 exceeds 8192');
  const e5 = userError(() => queue.submit(CANISTER, { ...GET, method: 'post', body: new Uint8Array(2_000_001) }));
  assert.is(
    e5.description,
    'total number of bytes to represent all http header names and values and http body 2000001 exceeds 2000000',
  );

  const e6 = userError(() =>
    queue.submit(CANISTER, {
      ...GET,
      transform: { principal: OTHER.toUint8Array(), method: 'transform', context: new Uint8Array(0) },
    }),
  );
  assert.is(e6.description, `transform principal id expected to be ${CANISTER.toText()}, got ${OTHER.toText()}`);
  assert.is(queue.pending().length, 1, 'only the valid request is pending');
});

test('an invalid or non-https url is rejected SYS_FATAL and never pending', () => {
  const queue = new HttpsOutcallQueue();
  const bad = queue.submit(CANISTER, { ...GET, url: 'not a url' });
  const plain = queue.submit(CANISTER, { ...GET, url: 'http://example.com' });
  assert.equal(queue.pending(), []);
  const settled = queue.takeSettled();
  assert.equal(
    settled.map((s) => [s.id, s.outcome]),
    [
      [bad.id, { kind: 'reject', code: RejectCode.SYS_FATAL, message: 'Failed to parse URL: invalid format' }],
      [plain.id, { kind: 'reject', code: RejectCode.SYS_FATAL, message: 'Url need to specify https scheme' }],
    ],
  );
  const lenient = new HttpsOutcallQueue({ allowHttp: true });
  lenient.submit(CANISTER, { ...GET, url: 'http://localhost:8080/x' });
  assert.is(lenient.pending().length, 1);
});

test('httpRequestArgsFromCandid reads the Candid decoding of http_request_args', () => {
  const header = IDL.Record({ name: IDL.Text, value: IDL.Text });
  const result = IDL.Record({ status: IDL.Nat, headers: IDL.Vec(header), body: IDL.Vec(IDL.Nat8) });
  const argsType = IDL.Record({
    url: IDL.Text,
    max_response_bytes: IDL.Opt(IDL.Nat64),
    method: IDL.Variant({ get: IDL.Null, head: IDL.Null, post: IDL.Null }),
    headers: IDL.Vec(header),
    body: IDL.Opt(IDL.Vec(IDL.Nat8)),
    transform: IDL.Opt(
      IDL.Record({
        function: IDL.Func([IDL.Record({ response: result, context: IDL.Vec(IDL.Nat8) })], [result], ['query']),
        context: IDL.Vec(IDL.Nat8),
      }),
    ),
    is_replicated: IDL.Opt(IDL.Bool),
  });
  const bytes = IDL.encode(
    [argsType],
    [
      {
        url: 'https://example.com/post',
        max_response_bytes: [5000n],
        method: { post: null },
        headers: [{ name: 'content-type', value: 'text/plain' }],
        body: [new TextEncoder().encode('hi')],
        transform: [{ function: [CANISTER, 'strip'], context: Uint8Array.of(1, 2) }],
        is_replicated: [false],
      },
    ],
  );
  const [decoded] = IDL.decode([argsType], bytes);
  const args = httpRequestArgsFromCandid(decoded as unknown as Parameters<typeof httpRequestArgsFromCandid>[0]);
  const queue = new HttpsOutcallQueue();
  const o = queue.submit(CANISTER, args);
  assert.is(o.request.method, 'post');
  assert.is(o.request.maxResponseBytes, 5000n);
  assert.is(text(o.request.body!), 'hi');
  assert.is(o.request.transform!.method, 'strip');
  assert.equal(o.request.transform!.principal, CANISTER.toUint8Array());
  assert.equal(o.request.transform!.context, Uint8Array.of(1, 2));
  assert.is(o.request.isReplicated, false);
});

test.run();
