import { lazy, Suspense } from 'react';
import { Navigate, Route, Routes, useLocation, useSearchParams } from 'react-router-dom';
import { useAuth } from '../auth/AuthContext';
import { SignIn } from '../auth/SignIn';
import { Loading } from '../components/States';
import { Layout } from './Layout';

// One chunk per view: the sign-in page loads nothing it does not show.
const Overview = lazy(() => import('../views/Overview'));
const NodesList = lazy(() => import('../views/NodesList'));
const NodePage = lazy(() => import('../views/NodePage'));
const AlertsPage = lazy(() => import('../views/AlertsPage'));
const MapPage = lazy(() => import('../views/MapPage'));
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
      <Suspense fallback={<Loading what="page" />}>
        <Routes>
          <Route path="/" element={<Navigate to="/overview" replace />} />
          <Route path="/sign-in" element={<AfterSignIn />} />
          <Route path="/overview" element={<Overview />} />
          <Route path="/map" element={<MapPage />} />
          <Route path="/nodes" element={<NodesList />} />
          <Route path="/nodes/:id" element={<NodePage />} />
          <Route path="/alerts" element={<AlertsPage />} />
          <Route path="*" element={<NotFound />} />
        </Routes>
      </Suspense>
    </Layout>
  );
}

/** Once signed in, the page the user asked for (a path of this console only), else the overview. */
function AfterSignIn() {
  const [params] = useSearchParams();
  const next = params.get('next');
  return <Navigate to={next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/sign-in') ? next : '/overview'} replace />;
}
