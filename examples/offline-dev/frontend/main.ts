// The dapp's frontend: an unchanged @dfinity/agent HttpAgent talking to the local replica, exactly
// as against `dfx start`. Served by the replica itself (the `frontend` asset canister at
// /?canisterId=<frontend>&backend=<backend id>) it calls its own origin; served from elsewhere it
// takes the replica URL and the backend id from ?host=…&canisterId=…. A bundler would usually
// inline CANISTER_ID_BACKEND.
import { Actor, HttpAgent } from '@dfinity/agent';
import { idlFactory, type Backend } from './backend.did.ts';

const params = new URLSearchParams(location.search);
const host = params.get('host') ?? location.origin;
const canisterId = params.get('backend') ?? params.get('canisterId');

const countEl = document.getElementById('count') as HTMLOutputElement;
const button = document.getElementById('increment') as HTMLButtonElement;
const errorEl = document.getElementById('error') as HTMLParagraphElement;

function fail(e: unknown): void {
  errorEl.textContent = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  document.body.dataset['state'] = 'error';
}

async function start(): Promise<void> {
  if (!canisterId) throw new Error('no ?canisterId= in the URL');
  const agent = await HttpAgent.create({ host });
  // A local replica has its own root key: fetch it before any call (never on mainnet).
  await agent.fetchRootKey();
  const backend = Actor.createActor<Backend>(idlFactory, { agent, canisterId });

  countEl.textContent = String(await backend.get());
  button.disabled = false;
  document.body.dataset['state'] = 'ready';

  button.addEventListener('click', () => {
    button.disabled = true;
    document.body.dataset['state'] = 'busy';
    // An update call: the agent verifies the replica's certificate (BLS, the fetched root key).
    backend
      .increment()
      .then((n) => {
        countEl.textContent = String(n);
        button.disabled = false;
        document.body.dataset['state'] = 'ready';
      })
      .catch(fail);
  });
}

start().catch(fail);
