// The PocketIC REST API spoken directly (no client library): instance creation, listing and deletion,
// the topology and its canister ranges, exact integers in JSON, calls and their `Err` shapes, ingress
// status polling, blobs and stable memory, time rules, auto progress, and the error shapes of
// unknown instances, routes and malformed requests.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { canisterIdFromIndex, canisterIndexOf } from '@mockic/runtime';
import { startPocketIcServer, stringifyPocketJson, type PocketIcServer } from '../src/index.ts';

let server: PocketIcServer;

test.before(async () => {
  server = await startPocketIcServer();
});

test.after(async () => {
  await server.close();
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; text: string; json: any }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : stringifyPocketJson(body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const NEW = { state_config: 'New', instruction_config: 'Production' };
const anonymous = b64(Principal.anonymous().toUint8Array());
const aaaaa = b64(Principal.managementCanister().toUint8Array());

async function createInstance(config: unknown = { application: [NEW] }, extra: object = {}): Promise<number> {
  const r = await call('POST', '/instances', { subnet_config_set: config, ...extra });
  assert.is(r.status, 201, r.text);
  return r.json.Created.instance_id as number;
}

/** provisional_create_canister_with_cycles through execute_ingress_message; returns the canister id. */
async function createCanister(instance: number, amount: bigint, effective: unknown = 'None'): Promise<Principal> {
  const arg = IDL.encode(
    [IDL.Record({ amount: IDL.Opt(IDL.Nat), settings: IDL.Opt(IDL.Record({})), specified_id: IDL.Opt(IDL.Principal) })],
    [{ amount: [amount], settings: [], specified_id: [] }],
  );
  const r = await call('POST', `/instances/${instance}/update/execute_ingress_message`, {
    sender: anonymous,
    canister_id: aaaaa,
    method: 'provisional_create_canister_with_cycles',
    payload: b64(new Uint8Array(arg)),
    effective_principal: effective,
  });
  assert.ok(r.json.Ok, r.text);
  const [reply] = IDL.decode([IDL.Record({ canister_id: IDL.Principal })], new Uint8Array(Buffer.from(r.json.Ok, 'base64'))) as unknown as [{ canister_id: Principal }];
  return reply.canister_id;
}

test('create, list and delete instances; deleted and unknown instances answer with a message', async () => {
  const r = await call('POST', '/instances', { subnet_config_set: { application: [NEW] } });
  assert.is(r.status, 201);
  const id = r.json.Created.instance_id;
  assert.type(id, 'number');
  assert.equal(r.json.Created.http_gateway_info, null);
  const topology = r.json.Created.topology;
  assert.is(Object.keys(topology.subnet_configs).length, 1);
  assert.is(Principal.fromUint8Array(Buffer.from(topology.default_effective_canister_id.canister_id, 'base64')).toText(), 'lxzze-o7777-77777-aaaaa-cai');

  const listed = await call('GET', '/instances');
  assert.is(listed.json[id], 'Available');
  assert.is((await call('DELETE', `/instances/${id}`)).status, 200);
  assert.is((await call('GET', '/instances')).json[id], 'Deleted');

  const gone = await call('GET', `/instances/${id}/read/get_time`);
  assert.is(gone.status, 410);
  assert.match(gone.json.message, /deleted/);
  const unknown = await call('GET', '/instances/9999/read/get_time');
  assert.is(unknown.status, 404);
  assert.match(unknown.json.message, /not found/);
});

test('a create without subnets, or from a state directory, is a CreateInstanceResponse::Error', async () => {
  const empty = await call('POST', '/instances', { subnet_config_set: { application: [], system: [] } });
  assert.is(empty.status, 400);
  assert.match(empty.json.Error.message, /at least one subnet/);
  const fromPath = await call('POST', '/instances', { subnet_config_set: { application: [{ state_config: { FromPath: '/tmp/x' }, instruction_config: 'Production' }] } });
  assert.is(fromPath.status, 400);
  assert.match(fromPath.json.Error.message, /only new subnets/);
  const features = await call('POST', '/instances', { subnet_config_set: { application: [NEW] }, icp_features: { nns_governance: 'DefaultConfig', ii: null } });
  assert.is(features.status, 400);
  assert.match(features.json.Error.message, /ICP features nns_governance are not supported by mockic/);
});

test('topology: PocketIC canister ranges for named, system and application subnets', async () => {
  const r = await call('POST', '/instances', {
    subnet_config_set: { nns: NEW, sns: NEW, ii: NEW, fiduciary: NEW, bitcoin: NEW, system: [NEW], application: [NEW, NEW], verified_application: [] },
  });
  const id = r.json.Created.instance_id;
  const topology = (await call('GET', `/instances/${id}/_/topology`)).json;
  const subnets = Object.values(topology.subnet_configs) as Array<{ subnet_kind: string; size: number; canister_ranges: Array<{ start: { canister_id: string }; end: { canister_id: string } }> }>;
  const index = (raw: { canister_id: string }): bigint => canisterIndexOf(Principal.fromUint8Array(Buffer.from(raw.canister_id, 'base64'))) as bigint;
  const rangesOf = (kind: string) => subnets.filter((s) => s.subnet_kind === kind).map((s) => s.canister_ranges.map((x) => [index(x.start), index(x.end)]));
  assert.equal(rangesOf('NNS')[0]?.slice(0, 2), [
    [0n, 6n],
    [8n, 0xfffffn],
  ]);
  assert.equal(rangesOf('II')[0]?.slice(0, 2), [
    [7n, 7n],
    [0x2100000n, 0x21fffffn],
  ]);
  assert.equal(rangesOf('SNS')[0]?.[0], [0x2000000n, 0x20fffffn]);
  assert.equal(rangesOf('Bitcoin')[0]?.[0], [0x1a00000n, 0x1afffffn]);
  assert.equal(rangesOf('Fiduciary')[0]?.[0], [0x2300000n, 0x23fffffn]);
  // Allocation ranges from the top: NNS, SNS, II, fiduciary, bitcoin, then system, then applications.
  const top = (k: bigint): [bigint, bigint] => [0xfffffffffff00000n - k * 0x100000n, 0xfffffffffff00000n - k * 0x100000n + 0xfffffn];
  assert.equal(rangesOf('NNS')[0]?.[2], top(1n));
  assert.equal(rangesOf('Bitcoin')[0]?.[1], top(5n));
  assert.equal(rangesOf('System'), [[top(6n)]]);
  assert.equal(rangesOf('Application'), [[top(7n)], [top(8n)]]);
  assert.is(subnets.find((s) => s.subnet_kind === 'NNS')?.size, 40);
  assert.is(index(topology.default_effective_canister_id), top(7n)[0], 'the first application subnet');

  // A canister created with the NNS subnet as effective principal gets an id of the NNS allocation range.
  const nnsId = Object.entries(topology.subnet_configs).find(([, s]) => (s as { subnet_kind: string }).subnet_kind === 'NNS')?.[0] as string;
  const onNns = await createCanister(id, 1n, { SubnetId: b64(Principal.fromText(nnsId).toUint8Array()) });
  assert.is(canisterIndexOf(onNns), top(1n)[0]);
  const subnet = await call('POST', `/instances/${id}/read/get_subnet`, { canister_id: b64(onNns.toUint8Array()) });
  assert.is(Principal.fromUint8Array(Buffer.from(subnet.json.subnet_id, 'base64')).toText(), nnsId);
  assert.is((await call('POST', `/instances/${id}/read/get_subnet`, { canister_id: b64(canisterIdFromIndex(5n).toUint8Array()) })).json, null);
  // An effective canister id routes the creation to the subnet owning that id (here: II's rdmx6).
  const onIi = await createCanister(id, 1n, { CanisterId: b64(Principal.fromText('rdmx6-jaaaa-aaaaa-aaadq-cai').toUint8Array()) });
  assert.is(canisterIndexOf(onIi), top(3n)[0], 'the II allocation range');
});

test('integers beyond 2^53 are exact both ways (cycles, time)', async () => {
  const id = await createInstance({ application: [NEW] }, { initial_time: { Timestamp: { nanos_since_epoch: 1_700_000_000_123_456_789n } } });
  const time = await call('GET', `/instances/${id}/read/get_time`);
  assert.match(time.text, /"nanos_since_epoch":1700000000123456789\b/);
  const canister = await createCanister(id, 1_000_000_000_000_000_001n);
  const cycles = await call('POST', `/instances/${id}/read/get_cycles`, { canister_id: b64(canister.toUint8Array()) });
  assert.match(cycles.text, /"cycles":1000000000000000001\b/);
  const added = await fetch(`${server.url}/instances/${id}/update/add_cycles`, {
    method: 'POST',
    body: `{"canister_id":"${b64(canister.toUint8Array())}","amount":9007199254740993}`,
  });
  assert.match(await added.text(), /"cycles":1009007199254740994\b/);
});

test('calls: Err shapes, ingress status polling and await_ingress_message', async () => {
  const id = await createInstance();
  const nobody = b64(canisterIdFromIndex(0xffffffffffe00123n).toUint8Array());
  const query = await call('POST', `/instances/${id}/read/query`, { sender: anonymous, canister_id: nobody, method: 'get', payload: '', effective_principal: 'None' });
  assert.is(query.status, 200);
  assert.is(query.json.Err.reject_code, 'DestinationInvalid');
  assert.is(query.json.Err.error_code, 'CanisterNotFound');
  assert.is(query.json.Err.certified, false);
  const submit = await call('POST', `/instances/${id}/update/submit_ingress_message`, {
    sender: anonymous,
    canister_id: nobody,
    method: 'inc',
    payload: '',
    effective_principal: 'None',
  });
  assert.is(submit.json.Err.error_code, 'CanisterNotFound');

  // A management canister call submitted, then polled: null until a round ran.
  const arg = b64(new Uint8Array(IDL.encode([IDL.Record({ amount: IDL.Opt(IDL.Nat), settings: IDL.Opt(IDL.Record({})), specified_id: IDL.Opt(IDL.Principal) })], [{ amount: [], settings: [], specified_id: [] }])));
  const submitted = await call('POST', `/instances/${id}/update/submit_ingress_message`, {
    sender: anonymous,
    canister_id: aaaaa,
    method: 'provisional_create_canister_with_cycles',
    payload: arg,
    effective_principal: 'None',
  });
  const messageId = submitted.json.Ok;
  assert.is(Buffer.from(messageId.message_id, 'base64').length, 32);
  const before = await call('POST', `/instances/${id}/read/ingress_status`, { raw_message_id: messageId, raw_caller: null });
  assert.is(before.json, null);
  await call('POST', `/instances/${id}/update/tick`, {});
  const after = await call('POST', `/instances/${id}/read/ingress_status`, { raw_message_id: messageId, raw_caller: null });
  assert.type(after.json.Ok, 'string');
  const awaited = await call('POST', `/instances/${id}/update/await_ingress_message`, messageId);
  assert.is(awaited.json.Ok, after.json.Ok);

  // A call the management canister rejects: a certified Err with the replica's codes.
  const bad = await call('POST', `/instances/${id}/update/execute_ingress_message`, {
    sender: anonymous,
    canister_id: aaaaa,
    method: 'no_such_method',
    payload: b64(new Uint8Array(IDL.encode([], []))),
    effective_principal: 'None',
  });
  assert.is(bad.json.Err.certified, true);
  assert.type(bad.json.Err.reject_message, 'string');
});

test('time: set_time forwards, never backwards; tick answers null', async () => {
  const id = await createInstance();
  const now = BigInt((await call('GET', `/instances/${id}/read/get_time`)).text.match(/\d+/)?.[0] as string);
  assert.is(now, 1_620_328_630_000_000_001n, 'PocketIC genesis plus one nanosecond per subnet');
  assert.is((await call('POST', `/instances/${id}/update/set_time`, { nanos_since_epoch: 1_800_000_000_000_000_000 })).status, 200);
  const past = await call('POST', `/instances/${id}/update/set_time`, { nanos_since_epoch: 1_700_000_000_000_000_000 });
  assert.is(past.status, 400);
  assert.match(past.json.message, /SettingTimeIntoPast/);
  const tick = await call('POST', `/instances/${id}/update/tick`, {});
  assert.is(tick.status, 200);
  assert.is(tick.text, 'null');
});

test('blobs and stable memory; unknown canisters and blobs are 400 messages', async () => {
  const id = await createInstance();
  const canister = await createCanister(id, 10n ** 12n);
  const upload = await fetch(`${server.url}/blobstore`, { method: 'POST', body: new Uint8Array([1, 2, 3]) });
  const hex = await upload.text();
  assert.match(hex, /^[0-9a-f]{64}$/);
  const blob = await fetch(`${server.url}/blobstore/${hex}`);
  assert.equal([...new Uint8Array(await blob.arrayBuffer())], [1, 2, 3]);
  const set = await call('POST', `/instances/${id}/update/set_stable_memory`, { canister_id: b64(canister.toUint8Array()), blob_id: b64(Buffer.from(hex, 'hex')) });
  assert.is(set.status, 200, set.text);
  const got = await call('POST', `/instances/${id}/read/get_stable_memory`, { canister_id: b64(canister.toUint8Array()) });
  const bytes = Buffer.from(got.json.blob, 'base64');
  assert.is(bytes.length, 0, 'an empty canister has no stable memory to read');

  const missingBlob = await call('POST', `/instances/${id}/update/set_stable_memory`, { canister_id: b64(canister.toUint8Array()), blob_id: b64(new Uint8Array(32)) });
  assert.is(missingBlob.status, 400);
  assert.match(missingBlob.json.message, /BlobNotFound/);
  const nobody = b64(canisterIdFromIndex(0xffffffffffe00999n).toUint8Array());
  const cycles = await call('POST', `/instances/${id}/read/get_cycles`, { canister_id: nobody });
  assert.is(cycles.status, 400);
  assert.match(cycles.json.message, /^CanisterNotFound\(CanisterId\(/);
  const controllers = await call('POST', `/instances/${id}/read/get_controllers`, { canister_id: b64(canister.toUint8Array()) });
  assert.equal(controllers.json, [{ principal_id: anonymous }]);
});

test('malformed requests, unknown routes and methods', async () => {
  const id = await createInstance();
  const badJson = await call('POST', `/instances/${id}/read/get_cycles`, '{not json');
  assert.is(badJson.status, 400);
  assert.match(badJson.json.message, /Invalid JSON/);
  const badField = await call('POST', `/instances/${id}/read/get_cycles`, { canister_id: 42 });
  assert.is(badField.status, 400);
  assert.match(badField.json.message, /canister_id/);
  const route = await call('GET', `/instances/${id}/read/nothing_here`);
  assert.is(route.status, 404);
  assert.type(route.json.message, 'string');
  const method = await call('GET', `/instances/${id}/update/tick`);
  assert.is(method.status, 405);
  const badId = await call('GET', '/instances/abc/read/get_time');
  assert.is(badId.status, 400);
});

test('auto progress follows the wall clock until stopped', async () => {
  const id = await createInstance({ application: [NEW] }, { initial_time: { AutoProgress: { artificial_delay_ms: 5 } } });
  assert.is((await call('GET', `/instances/${id}/auto_progress`)).json, true);
  const wall = BigInt(Date.now()) * 1_000_000n;
  const t1 = BigInt((await call('GET', `/instances/${id}/read/get_time`)).text.match(/\d+/)?.[0] as string);
  assert.ok(t1 > wall - 5_000_000_000n, 'near the wall clock');
  await call('POST', `/instances/${id}/stop_progress`);
  assert.is((await call('GET', `/instances/${id}/auto_progress`)).json, false);
  const t2 = BigInt((await call('GET', `/instances/${id}/read/get_time`)).text.match(/\d+/)?.[0] as string);
  await new Promise((r) => setTimeout(r, 20));
  const t3 = BigInt((await call('GET', `/instances/${id}/read/get_time`)).text.match(/\d+/)?.[0] as string);
  assert.is(t3, t2, 'frozen after stop_progress');
});

test('the server binds the loopback interface only', async () => {
  assert.ok(server.url.startsWith('http://127.0.0.1:'));
  try {
    await startPocketIcServer({ host: '0.0.0.0' as '127.0.0.1' });
    assert.unreachable('0.0.0.0 is refused');
  } catch (e) {
    assert.match(String(e), /127\.0\.0\.1 only/);
  }
});

test.run();
