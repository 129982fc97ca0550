// The sign-in page of the Internet Identity stand-in, served by its http_request at `/`: it speaks
// the II client protocol that @dfinity/auth-client uses (window.open(identityProvider + '#authorize'),
// `authorize-ready`, `authorize-client` with the session key, `authorize-client-success` with the
// delegation chain), asks for an identity number instead of a passkey, and gets the signed
// delegation from the canister's `/authorize` endpoint. Plain script, no bundle: the page must work
// offline with nothing but the replica.
export const INTERNET_IDENTITY_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Internet Identity (mockic stand-in)</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 3rem auto; max-width: 32rem; }
  small { color: #666; font-weight: normal; }
  input { font-size: 1.1rem; width: 8rem; }
  button { font-size: 1.1rem; margin-left: 0.5rem; }
  #error { color: #b00020; white-space: pre-wrap; }
</style>
</head>
<body data-state="waiting">
<h1>Internet Identity <small>mockic stand-in</small></h1>
<p id="status">Waiting for an application to ask for a sign-in (open this page with auth-client's login()).</p>
<form id="form" hidden>
  <label>Identity number <input id="anchor" type="number" min="0" value="10000"></label>
  <button id="continue" type="submit">Continue</button>
</form>
<p id="error"></p>
<script>
(() => {
  const hexOf = (b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  const bytesOf = (h) => Uint8Array.from(h.match(/../g) || [], (x) => parseInt(x, 16));
  let request, client, clientOrigin;
  window.addEventListener('message', (e) => {
    const d = e.data;
    if (!d || d.kind !== 'authorize-client') return;
    request = d;
    client = e.source;
    clientOrigin = e.origin;
    document.getElementById('status').textContent = 'Sign in to ' + (d.derivationOrigin || e.origin) + ' with the identity number:';
    document.getElementById('form').hidden = false;
    document.body.dataset.state = 'ready';
  });
  document.getElementById('form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const u = new URL(location.href);
      u.pathname = '/authorize';
      u.hash = '';
      u.searchParams.set('anchor', document.getElementById('anchor').value || '10000');
      u.searchParams.set('origin', request.derivationOrigin || clientOrigin);
      u.searchParams.set('session_key', hexOf(new Uint8Array(request.sessionPublicKey)));
      if (request.maxTimeToLive !== undefined) u.searchParams.set('max_ttl', String(request.maxTimeToLive));
      const r = await fetch(u);
      if (!r.ok) throw new Error('authorize: HTTP ' + r.status + ' ' + (await r.text()));
      const j = await r.json();
      client.postMessage(
        {
          kind: 'authorize-client-success',
          delegations: j.delegations.map((d) => ({
            delegation: { pubkey: bytesOf(d.delegation.pubkey), expiration: BigInt(d.delegation.expiration) },
            signature: bytesOf(d.signature),
          })),
          userPublicKey: bytesOf(j.userPublicKey),
          authnMethod: 'passkey',
        },
        clientOrigin,
      );
      document.body.dataset.state = 'done';
      window.close();
    } catch (e) {
      document.getElementById('error').textContent = String(e && e.message || e);
      document.body.dataset.state = 'error';
    }
  });
  if (window.opener) window.opener.postMessage({ kind: 'authorize-ready' }, '*');
})();
</script>
</body>
</html>
`;
