// The dapp's frontend: an unchanged @dfinity/agent HttpAgent talking to the local replica, exactly
// as against `dfx start`. Served by the replica itself (the `frontend` asset canister at
// /?canisterId=<frontend>&backend=<backend id>) it calls its own origin; served from elsewhere it
// takes the replica URL and the backend id from ?host=…&canisterId=…. A bundler would usually
// inline CANISTER_ID_BACKEND. With ?ii=<Internet Identity canister id> a "Sign in" button logs in
// through @dfinity/auth-client, exactly as against II on dfx (here: mockic's II stand-in).
import { Actor, HttpAgent, type Identity } from '@dfinity/agent';
import { AuthClient } from '@dfinity/auth-client';
import { idlFactory, type Backend } from './backend.did.ts';

const params = new URLSearchParams(location.search);
const host = params.get('host') ?? location.origin;
const canisterId = params.get('backend') ?? params.get('canisterId');

const iiCanisterId = params.get('ii');

const countEl = document.getElementById('count') as HTMLOutputElement;
const principalEl = document.getElementById('principal') as HTMLOutputElement;
const loginButton = document.getElementById('login') as HTMLButtonElement;
const button = document.getElementById('increment') as HTMLButtonElement;
const errorEl = document.getElementById('error') as HTMLParagraphElement;

function fail(e: unknown): void {
  errorEl.textContent = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  document.body.dataset['state'] = 'error';
}

async function start(): Promise<void> {
  if (!canisterId) throw new Error('no ?canisterId= in the URL');
  const backendAs = async (identity?: Identity) => {
    const agent = await HttpAgent.create({ host, identity });
    // A local replica has its own root key: fetch it before any call (never on mainnet).
    await agent.fetchRootKey();
    return Actor.createActor<Backend>(idlFactory, { agent, canisterId });
  };
  let backend = await backendAs();
  principalEl.textContent = (await backend.whoami()).toText();

  if (iiCanisterId) {
    const authClient = await AuthClient.create({ idleOptions: { disableIdle: true } });
    loginButton.hidden = false;
    loginButton.addEventListener('click', () => {
      document.body.dataset['state'] = 'busy';
      void authClient.login({
        identityProvider: `${host}/?canisterId=${iiCanisterId}`,
        onSuccess: () => {
          backendAs(authClient.getIdentity())
            .then(async (signedIn) => {
              backend = signedIn;
              principalEl.textContent = (await backend.whoami()).toText();
              principalEl.dataset['authClient'] = authClient.getIdentity().getPrincipal().toText();
              document.body.dataset['state'] = 'ready';
            })
            .catch(fail);
        },
        onError: (e) => fail(new Error(`login failed: ${e}`)),
      });
    });
  }

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
