'use client';

import type { FormEvent } from 'react';

/**
 * Exact lookup of one key or message id; the query lives in the URL so a
 * result can be shared. The input is uncontrolled: the parent re-keys the
 * form when the URL's query changes.
 */
export function LookupForm({ initial, onSearch }: { initial: string; onSearch: (q: string) => void }) {
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    onSearch(String(new FormData(event.currentTarget).get('q') ?? '').trim());
  };
  return (
    <form role="search" className="toolbar" onSubmit={submit}>
      <div className="field grow">
        <label htmlFor="lookup-q">Key or message id</label>
        <input
          id="lookup-q"
          type="search"
          name="q"
          defaultValue={initial}
          placeholder="idempotency:orders:8f14e45f… or a message UUID"
          autoComplete="off"
          spellCheck={false}
        />
      </div>
      <button type="submit" className="button primary">
        Look up
      </button>
      {initial ? (
        <button type="button" className="button" onClick={() => onSearch('')}>
          Clear
        </button>
      ) : null}
    </form>
  );
}
