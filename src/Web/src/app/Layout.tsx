import type { ReactNode } from 'react';
import { NavLink } from 'react-router-dom';
import { useAuth } from '../auth/AuthContext';
import { useDashboardStats } from '../hooks/queries';
import { useLiveUpdates } from '../hooks/useLiveUpdates';

/** The frame around every page: navigation (with the open alerts count), the signed-in user, sign-out. */
export function Layout({ children }: { children: ReactNode }) {
  const { me, token, signOut, can } = useAuth();
  const stats = useDashboardStats();
  useLiveUpdates();
  const alerts = stats.data ? stats.data.activeAlerts.critical + stats.data.activeAlerts.warning + stats.data.activeAlerts.info : null;
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">EvaraTech</span>
        <nav aria-label="Main">
          <NavLink to="/overview">Overview</NavLink>
          <NavLink to="/map">Map</NavLink>
          <NavLink to="/nodes">Nodes</NavLink>
          <NavLink to="/alerts">
            Alerts{alerts !== null && alerts > 0 ? <span className="count" aria-label={`${alerts} open`}>{alerts}</span> : null}
          </NavLink>
          {can('alerts:write') ? <NavLink to="/rules">Rules</NavLink> : null}
          {can('alerts:read') ? <NavLink to="/notifications">Notifications</NavLink> : null}
          <NavLink to="/reports">Reports</NavLink>
          {can('tenants:write') ? <NavLink to="/tenants">Tenants</NavLink> : null}
          {can('users:read') ? <NavLink to="/users">Users</NavLink> : null}
          {can('audit:read') ? <NavLink to="/audit">Audit</NavLink> : null}
        </nav>
        <div className="user">
          <nav aria-label="Operators" className="operators">
            {me?.role === 'superadmin' && token ? (
              <a href="/hangfire" target="_blank" rel="noopener noreferrer"
                onClick={(e) => { e.preventDefault(); openJobs(token); }}>
                Jobs
              </a>
            ) : null}
            <a href="/scalar" target="_blank" rel="noopener noreferrer">
              API reference
            </a>
          </nav>
          <span title={me?.email}>
            {me?.displayName} <small>({me?.role})</small>
          </span>
          <button type="button" onClick={() => signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main">{children}</main>
    </div>
  );
}

/**
 * The Hangfire dashboard in a tab of its own. Its page loads cannot carry the bearer header, so the first one passes
 * the token, which the platform moves into an HttpOnly cookie for that path; the token is put in the address only
 * when the link is followed, never into the page, and no referrer carries it on.
 */
function openJobs(token: string): void {
  window.open(`/hangfire?access_token=${encodeURIComponent(token)}`, '_blank', 'noopener,noreferrer');
}
