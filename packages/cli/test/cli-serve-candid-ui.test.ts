// The Candid UI of `mockic serve` (/_/candid): it lists the project's canisters, shows a canister's
// methods from its candid:service with their signatures, calls them with Candid text (updates as
// updates, queries as queries) and shows the result as Candid text; bad arguments and traps come back
// as readable errors on the page.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { serveProject } from './support.ts';

const SOURCE = `
import Runtime "mo:core/Runtime";
persistent actor {
  var total : Nat = 0;
  public func add(n : Nat, note : Text) : async (Nat, Text) { total += n; (total, note) };
  public query func get() : async Nat { total };
  public func boom() : async () { Runtime.trap("boom!") };
};
`;

test('list, methods, calls with Candid text, errors', async () => {
  const served = await serveProject({ 'dfx.json': JSON.stringify({ canisters: { adder: { type: 'motoko', main: 'adder.mo' } } }), 'adder.mo': SOURCE }, [], 'Candid UI:');
  try {
    const base = `${served.url}/_/candid`;
    assert.ok(served.lines.some((l) => l.includes(base)), served.lines.join('\n'));
    const id = served.ids()['adder']!;

    const list = await (await fetch(base)).text();
    assert.match(list, `?id=${id}`);
    assert.match(list, '>adder</a>');

    const methods = await (await fetch(`${base}?id=${id}`)).text();
    for (const m of ['add', 'get', 'boom']) assert.match(methods, `<h2>${m} `);
    assert.match(methods, '(nat, text) → (nat, text)');

    const post = async (method: string, args: string) =>
      (await fetch(`${base}?id=${id}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ method, args }) })).text();
    assert.match(await post('add', '(5, "first")'), '<pre class="ok" id="result-add">(5, &quot;first&quot;)</pre>');
    assert.match(await post('add', '(2, "second")'), '(7, &quot;second&quot;)');
    assert.match(await post('get', '()'), '<pre class="ok" id="result-get">(7)</pre>');
    const bad = await post('add', '("five", "x")');
    assert.match(bad, '<pre class="error" id="result-add">');
    assert.match(bad, 'nat');
    const trapped = await post('boom', '()');
    assert.match(trapped, '<pre class="error" id="result-boom">IC0503');
    assert.match(trapped, 'boom!');
  } finally {
    assert.is(await served.stop(), 0);
  }
});

test.run();
