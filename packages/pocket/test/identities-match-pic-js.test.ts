// createIdentity gives the same principal as @dfinity/pic's for the same seed phrase;
// generateRandomIdentity gives a different one each time.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createIdentity as picCreateIdentity } from '@dfinity/pic';
import { createIdentity, generateRandomIdentity } from '../src/index.ts';

test('same seed phrase, same principal as pic-js', () => {
  for (const phrase of ['alice', 'SuperSecretSeedPhraseForBob', '']) {
    assert.is(createIdentity(phrase).getPrincipal().toText(), picCreateIdentity(phrase).getPrincipal().toText());
  }
});

test('random identities differ', () => {
  assert.is.not(generateRandomIdentity().getPrincipal().toText(), generateRandomIdentity().getPrincipal().toText());
});

test.run();
