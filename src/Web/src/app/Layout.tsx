import type { ReactNode } from 'react';
import { NavLink } from 'react-router-dom';
import { useAuth } from '../auth/AuthContext';
import { useDashboardStats } from '../hooks/queries';
import { useLiveUpdates } from '../hooks/useLiveUpdates';

/** The frame around every page: navigation (with the open alerts count), the signed-in user, sign-out. */
export function Layout({ children }: { children: ReactNode }) {
  const { me, signOut, can } = useAuth();
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
          {can('audit:read') ? <NavLink to="/audit">Audit</NavLink> : null}
        </nav>
        <div className="user">
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
