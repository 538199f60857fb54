'use client';

import { useEffect } from 'react';

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <div className="panel stack" role="alert">
      <h1>This page failed to render</h1>
      <p>
        The stores were not changed. Try again; if it keeps failing, the server log has the details
        {error.digest ? (
          <>
            {' '}
            under reference <code>{error.digest}</code>
          </>
        ) : null}
        .
      </p>
      <p>
        <button type="button" className="button primary" onClick={reset}>
          Try again
        </button>
      </p>
    </div>
  );
}
