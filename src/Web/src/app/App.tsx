import { lazy, Suspense } from 'react';
import { Navigate, Route, Routes, useLocation, useSearchParams } from 'react-router-dom';
import { useAuth } from '../auth/AuthContext';
import { SignIn } from '../auth/SignIn';
import { ErrorBoundary } from '../components/ErrorBoundary';
import { Loading } from '../components/States';
import { Layout } from './Layout';

// One chunk per view: the sign-in page loads nothing it does not show.
const Overview = lazy(() => import('../views/Overview'));
const NodesList = lazy(() => import('../views/NodesList'));
const NodePage = lazy(() => import('../views/NodePage'));
const AlertsPage = lazy(() => import('../views/AlertsPage'));
const MapPage = lazy(() => import('../views/MapPage'));
const AuditPage = lazy(() => import('../views/AuditPage'));
const ReportsPage = lazy(() => import('../views/ReportsPage'));
const TenantsPage = lazy(() => import('../views/TenantsPage'));
const UsersPage = lazy(() => import('../views/UsersPage'));
const RulesPage = lazy(() => import('../views/RulesPage'));
const NotificationsPage = lazy(() => import('../views/NotificationsPage'));
const NotFound = lazy(() => import('../views/NotFound'));

export function App() {
  const { token } = useAuth();
  const location = useLocation();
  if (!token) {
    return (
      <Routes>
        <Route path="/sign-in" element={<SignIn />} />
        <Route path="*" element={<Navigate to={`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`} replace />} />
      </Routes>
    );
  }

  return (
    <Layout>
      <ErrorBoundary>
      <Suspense fallback={<Loading what="page" />}>
        <Routes>
          <Route path="/" element={<Navigate to="/overview" replace />} />
          <Route path="/sign-in" element={<AfterSignIn />} />
          <Route path="/overview" element={<Overview />} />
          <Route path="/map" element={<MapPage />} />
          <Route path="/nodes" element={<NodesList />} />
          <Route path="/nodes/:id" element={<NodePage />} />
          <Route path="/alerts" element={<AlertsPage />} />
          <Route path="/rules" element={<RulesPage />} />
          <Route path="/notifications" element={<NotificationsPage />} />
          <Route path="/reports" element={<ReportsPage />} />
          <Route path="/tenants" element={<TenantsPage />} />
          <Route path="/users" element={<UsersPage />} />
          <Route path="/audit" element={<AuditPage />} />
          <Route path="*" element={<NotFound />} />
        </Routes>
      </Suspense>
      </ErrorBoundary>
    </Layout>
  );
}

/** A `next` that stays on this console (same origin, not sign-in itself) as a path, else the overview. */
export function consolePath(next: string | null): string {
  if (!next) return '/overview';
  const target = new URL(next, window.location.origin);
  return target.origin === window.location.origin && target.pathname !== '/sign-in' ? `${target.pathname}${target.search}` : '/overview';
}

/** Once signed in, the page the user asked for, else the overview. */
function AfterSignIn() {
  const [params] = useSearchParams();
  return <Navigate to={consolePath(params.get('next'))} replace />;
}
