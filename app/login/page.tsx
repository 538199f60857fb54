import type { Metadata } from 'next';
import { safeNextPath } from '@/lib/auth/public-paths';
import { anyCredentialConfigured } from '@/lib/auth/tokens';
import { env } from '@/lib/config/env';
import { LoginForm } from './LoginForm';
import styles from './login.module.css';

export const metadata: Metadata = { title: 'Sign in' };
// Reads the environment at request time: whether anyone can sign in is a deployment fact.
export const dynamic = 'force-dynamic';

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const config = env();
  const raw = (await searchParams).next;
  const next = safeNextPath(Array.isArray(raw) ? raw[0] : raw);

  if (config.IDEMSCOPE_AUTH_DISABLED) {
    return (
      <div className={`panel stack ${styles.panel}`}>
        <h1>Sign-in is turned off</h1>
        <p>
          This dashboard runs with <code>IDEMSCOPE_AUTH_DISABLED=1</code>: everyone is an operator. Use it for local development only.
        </p>
        <p>
          <a href={next}>Continue</a>
        </p>
      </div>
    );
  }
  if (!anyCredentialConfigured({ operatorToken: config.IDEMSCOPE_OPERATOR_TOKEN, viewerToken: config.IDEMSCOPE_VIEWER_TOKEN })) {
    return (
      <div className={`panel stack ${styles.panel}`} role="alert">
        <h1>Nobody can sign in yet</h1>
        <p>
          No access token is configured. Set <code>IDEMSCOPE_OPERATOR_TOKEN</code> (and, for read-only users, <code>IDEMSCOPE_VIEWER_TOKEN</code>) to a
          random string of at least 16 characters and restart the dashboard. <code>npm run demo</code> creates one for you.
        </p>
      </div>
    );
  }
  return <LoginForm next={next} />;
}
