'use client';

import { type FormEvent, useId, useState } from 'react';
import { ApiError } from '@/components/queries/api-client';
import { useLogin } from '@/components/queries/login';
import styles from './login.module.css';

/** The access-token form; on success a full page load starts the session with an empty cache. */
export function LoginForm({ next }: { next: string }) {
  const tokenId = useId();
  const [token, setToken] = useState('');
  const login = useLogin();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate(token, { onSuccess: () => window.location.assign(new URL(next, window.location.origin).toString()) });
  };

  const error = login.error;
  const message =
    error instanceof ApiError && error.code === 'invalid_token'
      ? 'That access token is not valid.'
      : error instanceof Error
        ? error.message
        : null;

  return (
    <form className={`panel stack ${styles.panel}`} onSubmit={submit} aria-labelledby={`${tokenId}-title`}>
      <h1 id={`${tokenId}-title`}>Sign in to Idemscope</h1>
      <div className="field">
        <label htmlFor={tokenId}>Access token</label>
        <input
          id={tokenId}
          type="password"
          autoComplete="current-password"
          required
          value={token}
          onChange={(e) => setToken(e.target.value)}
        />
      </div>
      {message ? (
        <p className="notice error" role="alert">
          {message}
        </p>
      ) : null}
      <div>
        <button type="submit" className="button primary" disabled={login.isPending || token === ''}>
          {login.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </div>
      <p className="muted small">Your operator gives you a viewer or operator token. Scripts send it as an Authorization: Bearer header instead.</p>
    </form>
  );
}
