import type { Env } from '../config/env';
import type { SessionConfig } from './session';

export interface AuthConfig extends SessionConfig {
  authDisabled: boolean;
  readOnly: boolean;
  publicOrigin?: string;
  actionsPerMinute: number;
}

export function authConfigFrom(config: Env): AuthConfig {
  return {
    operatorToken: config.IDEMSCOPE_OPERATOR_TOKEN,
    viewerToken: config.IDEMSCOPE_VIEWER_TOKEN,
    sessionSecret: config.IDEMSCOPE_SESSION_SECRET,
    ttlSeconds: config.IDEMSCOPE_SESSION_TTL_HOURS * 3600,
    authDisabled: config.IDEMSCOPE_AUTH_DISABLED,
    readOnly: config.IDEMSCOPE_READ_ONLY,
    publicOrigin: config.IDEMSCOPE_PUBLIC_ORIGIN,
    actionsPerMinute: config.IDEMSCOPE_ACTION_RATE_LIMIT,
  };
}
