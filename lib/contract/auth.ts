/** The sign-in API: POST /api/auth/login and GET /api/auth/session. */
export const ROLES = ['viewer', 'operator'] as const;
export type Role = (typeof ROLES)[number];

/** POST /api/auth/login. */
export interface LoginResponse {
  role: Role;
  readOnly: boolean;
}

/** GET /api/auth/session. */
export interface SessionInfo {
  role: Role;
  readOnly: boolean;
  /** `operator#1a2b3c4d`, as the audit log shows this user. */
  label: string;
  authDisabled: boolean;
  /** For browsers that send no Sec-Fetch-Site: echo it in X-Idemscope-CSRF on mutations. */
  csrfToken: string | null;
}
