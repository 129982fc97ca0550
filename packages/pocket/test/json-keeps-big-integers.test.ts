// The REST API's JSON keeps u64/u128 exact both ways — with the engine's source-text reviver and
// JSON.rawJSON (Node 24), and with the fallbacks used where they are missing (Node 20): integers past
// 2^53 parse as bigints, bigints are written as plain integers, everything else is plain JSON.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseJsonKeepingIntegers, parsePocketJson, stringifyPocketJson, stringifyWithoutRawJson } from '../src/pocket-json.ts';

const TEXT = '{"cycles": 1000000000000000000, "t": 1620328630000000001, "small": [1, -2.5e3, 0], "s": "a\\"b\\\\c\\u00e9", "ok": true, "none": null, "nested": {"x": []}}';
const EXPECTED = { cycles: 10n ** 18n, t: 1620328630000000001n, small: [1, -2500, 0], s: 'a"b\\cé', ok: true, none: null, nested: { x: [] } };

for (const [name, parse] of [
  ['native reviver', parsePocketJson],
  ['fallback parser', parseJsonKeepingIntegers],
] as const) {
  test(`${name}: big integers come back exact, the rest as JSON.parse gives it`, () => {
    assert.equal(parse(TEXT), EXPECTED);
  });
}

test('the fallback parser refuses malformed JSON', () => {
  for (const bad of ['{"a":1,}', '[1 2]', '{"a"}', '"open', '01', '{} x']) assert.throws(() => parseJsonKeepingIntegers(bad), SyntaxError, bad);
});

for (const [name, stringify] of [
  ['JSON.rawJSON', stringifyPocketJson],
  ['placeholder rewrite', stringifyWithoutRawJson],
] as const) {
  test(`${name}: bigints are written as plain integers`, () => {
    const text = stringify({ cycles: 10n ** 18n, list: [1n, 2], s: 'x' });
    assert.is(text, '{"cycles":1000000000000000000,"list":[1,2],"s":"x"}');
    assert.equal(parseJsonKeepingIntegers(text), { cycles: 10n ** 18n, list: [1, 2], s: 'x' });
  });
}

test.run();
