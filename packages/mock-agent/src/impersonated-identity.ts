// A test convenience that stays opt-in: an identity that claims any principal without a key. Its
// requests are unsigned, so only an IC HTTP interface created with `allowImpersonation` accepts
// them (a real replica, and ours by default, refuse a non-anonymous sender without a signature).
import type { HttpAgentRequest, Identity } from '@dfinity/agent';
import type { Principal } from '@dfinity/principal';

export class ImpersonatedIdentity implements Identity {
  readonly principal: Principal;

  constructor(principal: Principal) {
    this.principal = principal;
  }

  getPrincipal(): Principal {
    return this.principal;
  }

  /** The request with its content only: no sender_pubkey, no sender_sig. */
  async transformRequest(request: HttpAgentRequest): Promise<unknown> {
    return { ...request, body: { content: request.body } };
  }
}

