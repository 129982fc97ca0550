// The dapp's Guestbook component against a real Motoko canister: the canister is compiled from
// backend/main.mo at test time, installed in an in-process replica, and the component gets a
// MockAgent where the dapp would pass its HttpAgent.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { Principal } from '@dfinity/principal';
import { compileMotoko } from '@mockic/fixtures';
import { MockAgent } from '@mockic/mock-agent';
import { Replica } from '@mockic/runtime';
import { Guestbook } from '../app/Guestbook.tsx';

const alice = Principal.fromUint8Array(new Uint8Array([0xa1, 0x1c, 0xe0, 0x01]));
const bob = Principal.fromUint8Array(new Uint8Array([0xb0, 0xb0, 0x00, 0x02]));

let wasm: Uint8Array<ArrayBuffer>;
beforeAll(() => {
  // (A path, not a URL object: under jsdom the global URL is jsdom's, which node:fs refuses.)
  const source = fileURLToPath(import.meta.url).replace(/spec[\\/][^\\/]+$/, 'backend/main.mo');
  wasm = compileMotoko(readFileSync(source, 'utf8')).wasm;
});
afterEach(cleanup);

/** A fresh replica with the guestbook installed. */
async function guestbook() {
  const replica = await Replica.create();
  const canisterId = await replica.installCanister({ wasm });
  return { replica, canisterId };
}

async function sign(message: string) {
  fireEvent.change(screen.getByLabelText('Message'), { target: { value: message } });
  fireEvent.click(screen.getByRole('button', { name: 'Sign' }));
  await waitFor(() => expect(screen.getByRole('button', { name: 'Sign' })).toBeEnabled());
}

function authors(): string[] {
  return within(screen.getByRole('list', { name: 'Entries' }))
    .queryAllByRole('listitem')
    .map((li) => li.querySelector('strong')?.textContent ?? '');
}

describe('Guestbook', () => {
  test('renders the count from the count query', async () => {
    const { replica, canisterId } = await guestbook();
    const agent = await MockAgent.create({ replica });
    render(<Guestbook agent={agent} canisterId={canisterId} />);
    expect(screen.getByRole('status')).toHaveTextContent('Loading…');
    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent('0 entries'));
    expect(authors()).toEqual([]);
  });

  test('clicking Sign performs the sign update and re-renders count and list', async () => {
    const { replica, canisterId } = await guestbook();
    const agent = await MockAgent.create({ replica, impersonate: alice });
    render(<Guestbook agent={agent} canisterId={canisterId} />);
    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent('0 entries'));

    await sign('hello from the test');
    expect(screen.getByRole('status')).toHaveTextContent('1 entry');
    expect(screen.getByRole('listitem')).toHaveTextContent(`${alice.toText()}: hello from the test`);
    expect(screen.getByLabelText('Message')).toHaveValue('');

    await sign('second');
    expect(screen.getByRole('status')).toHaveTextContent('2 entries');
    // The update went through the replica's ingress path, not a shortcut.
    expect([...replica.ingress.all()].filter((r) => r.state.status === 'replied')).toHaveLength(2);
  });

  test("a trap in the backend shows as the component's error and changes nothing", async () => {
    const { replica, canisterId } = await guestbook();
    const agent = await MockAgent.create({ replica, impersonate: alice });
    render(<Guestbook agent={agent} canisterId={canisterId} />);
    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent('0 entries'));

    await sign('');
    expect(screen.getByRole('alert')).toHaveTextContent('the message is empty');
    expect(screen.getByRole('status')).toHaveTextContent('0 entries');
    // It was the canister that refused: the call reached it and was rejected there.
    expect([...replica.ingress.all()].at(-1)?.state.status).toBe('rejected');

    await sign('x'.repeat(141));
    expect(screen.getByRole('alert')).toHaveTextContent('longer than 140 characters');

    // The next successful call clears the error.
    await sign('fine');
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByRole('status')).toHaveTextContent('1 entry');
  });

  test('an anonymous visitor is refused by the canister', async () => {
    const { replica, canisterId } = await guestbook();
    const agent = await MockAgent.create({ replica });
    render(<Guestbook agent={agent} canisterId={canisterId} />);
    await waitFor(() => expect(screen.getByTestId('caller')).toHaveTextContent(Principal.anonymous().toText()));

    await sign('let me in');
    expect(screen.getByRole('alert')).toHaveTextContent('anonymous visitors cannot sign the guestbook, log in first');
    expect(screen.getByRole('status')).toHaveTextContent('0 entries');
  });

  test('impersonated principals: the canister sees the agent’s caller, and a new agent switches it', async () => {
    const { replica, canisterId } = await guestbook();
    const asAlice = await MockAgent.create({ replica, impersonate: alice });
    const { rerender } = render(<Guestbook agent={asAlice} canisterId={canisterId} />);
    await waitFor(() => expect(screen.getByTestId('caller')).toHaveTextContent(alice.toText()));
    await sign('alice was here');

    // "Log in" as someone else: the dapp re-renders with the new agent.
    const asBob = await MockAgent.create({ replica, impersonate: bob });
    rerender(<Guestbook agent={asBob} canisterId={canisterId} />);
    await waitFor(() => expect(screen.getByTestId('caller')).toHaveTextContent(bob.toText()));
    await sign('bob too');

    expect(authors()).toEqual([alice.toText(), bob.toText()]);
  });

  test('a key identity signs the requests, and the canister sees its self-authenticating principal', async () => {
    const { replica, canisterId } = await guestbook();
    const identity = Ed25519KeyIdentity.generate();
    const agent = await MockAgent.create({ replica, identity });
    render(<Guestbook agent={agent} canisterId={canisterId} />);
    const me = identity.getPrincipal().toText();
    await waitFor(() => expect(screen.getByTestId('caller')).toHaveTextContent(me));

    await sign('signed with Ed25519');
    expect(authors()).toEqual([me]);
  });
});
