// Installs the management canister implementation on a replica: Replica.create calls this so that
// requests to aaaaa-aa (ingress and inter-canister) reach the ManagementCanister.
import type { Replica } from '../replica/replica.ts';
import { ManagementCanister, type ManagementCanisterOptions } from './management-canister.ts';

/** Creates the management canister, installs it as `replica`'s aaaaa-aa and returns it (for register/query). */
export function installManagementCanister(replica: Replica, options: ManagementCanisterOptions = {}): ManagementCanister {
  const management = new ManagementCanister(options);
  replica.setManagementCanister(management);
  return management;
}
