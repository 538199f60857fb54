import type { Role } from '../contract/auth';

/** Who sent a request. `label` is the only identity ever logged or audited. */
export interface Principal {
  role: Role;
  /** `operator#1a2b3c4d`: the role plus a short hash of its credential, never the credential. */
  label: string;
  /** How the request proved who it is; only browser sessions (and auth-disabled mode) need CSRF checks. */
  via: 'session' | 'bearer' | 'auth-disabled';
}

const RANK: Record<Role, number> = { viewer: 0, operator: 1 };

export function hasRole(principal: Principal, needed: Role): boolean {
  return RANK[principal.role] >= RANK[needed];
}
