// The dapp's guestbook component. It gets the agent the way a dapp does (from its login code, an
// HttpAgent in production) and builds its actor from the generated declarations; nothing here
// knows about tests.
import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import { Actor, AgentError, type Agent } from '@dfinity/agent';
import type { Principal } from '@dfinity/principal';
import { idlFactory, type Entry, type GuestbookService } from './declarations/guestbook.did.ts';

export interface GuestbookProps {
  agent: Agent;
  canisterId: Principal | string;
}

/** The canister's own words for a rejected call (a trap's message), else the error's message. */
export function errorMessage(e: unknown): string {
  if (e instanceof AgentError) {
    const code = e.cause.code as { rejectMessage?: unknown };
    if (typeof code.rejectMessage === 'string') return code.rejectMessage;
  }
  return e instanceof Error ? e.message : String(e);
}

export function Guestbook({ agent, canisterId }: GuestbookProps) {
  const actor = useMemo(() => Actor.createActor<GuestbookService>(idlFactory, { agent, canisterId }), [agent, canisterId]);
  const [count, setCount] = useState<bigint | null>(null);
  const [entries, setEntries] = useState<Entry[]>([]);
  const [caller, setCaller] = useState<string | null>(null);
  const [message, setMessage] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const refresh = useCallback(async () => {
    const [n, list, me] = await Promise.all([actor.count(), actor.list(), actor.whoami()]);
    setCount(n);
    setEntries(list);
    setCaller(me.toText());
  }, [actor]);

  useEffect(() => {
    setCaller(null);
    refresh().catch((e: unknown) => setError(errorMessage(e)));
  }, [refresh]);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setCount(await actor.sign(message));
      setMessage('');
      await refresh();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-label="Guestbook">
      <p>
        Signed in as <code data-testid="caller">{caller ?? '…'}</code>
      </p>
      <p role="status">{count === null ? 'Loading…' : `${count} ${count === 1n ? 'entry' : 'entries'}`}</p>
      <form onSubmit={onSubmit}>
        <label>
          Message <input value={message} onChange={(e) => setMessage(e.target.value)} />
        </label>
        <button type="submit" disabled={busy}>
          {busy ? 'Signing…' : 'Sign'}
        </button>
      </form>
      {error !== null && <p role="alert">{error}</p>}
      <ul aria-label="Entries">
        {entries.map((entry, i) => (
          <li key={i}>
            <strong>{entry.author.toText()}</strong>: {entry.message}
          </li>
        ))}
      </ul>
    </section>
  );
}
