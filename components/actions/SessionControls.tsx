'use client';

import { useLogout } from '@/components/queries/logout';
import { useSession } from '@/components/queries/session';

/** The signed-in role and a sign-out button, for the app header. */
export function SessionControls() {
  const session = useSession();
  const logout = useLogout();
  if (!session.data) return null;
  const { role, label, readOnly, authDisabled } = session.data;
  return (
    <div className="session" data-testid="session">
      <span title={label}>
        Signed in as <strong data-testid="session-role">{role}</strong>
        {readOnly ? ' (read-only)' : ''}
      </span>
      {authDisabled ? null : (
        <button type="button" className="button" disabled={logout.isPending} onClick={() => logout.mutate()}>
          Sign out
        </button>
      )}
    </div>
  );
}
