import { useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import type { SupabaseClient } from '@supabase/supabase-js';
import { bindSession, type Schemas } from '../api/client';
import { fetchConsoleSettings, fetchMe, logIn } from '../api/services';

interface AuthState {
  token: string | null;
  expiresAt: number | null;
  me: Schemas['MeResponse'] | null;
}

interface Auth extends AuthState {
  /** Signs in through the project's Supabase when the platform names one, else through its own password login. */
  signIn: (email: string, password: string) => Promise<void>;
  signOut: (returnTo?: string) => void;
  can: (permission: string) => boolean;
}

const AuthContext = createContext<Auth | null>(null);

/** How long before expiry the session ends on its own, so no request goes out with a token about to lapse. */
const ExpiryMarginMs = 30_000;

/**
 * The signed-in user: the access token lives only in memory (never in storage), the profile and permissions come from
 * /me, and any 401 ends the session and returns to sign-in with the page remembered. With Supabase, supabase-js
 * refreshes the token before it expires (also in memory only); the local issuer's token simply ends the session.
 */
export function AuthProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AuthState>({ token: null, expiresAt: null, me: null });
  const tokenRef = useRef<string | null>(null);
  const signedInRef = useRef(false);
  const supabaseRef = useRef<SupabaseClient | null>(null);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const locationRef = useRef(location);
  locationRef.current = location;

  const signOut = useCallback(
    (returnTo?: string) => {
      tokenRef.current = null;
      signedInRef.current = false;
      void supabaseRef.current?.auth.signOut({ scope: 'local' });
      supabaseRef.current = null;
      setState({ token: null, expiresAt: null, me: null });
      queryClient.clear();
      navigate(returnTo ? `/sign-in?next=${encodeURIComponent(returnTo)}` : '/sign-in', { replace: true });
    },
    [navigate, queryClient],
  );

  useEffect(() => {
    bindSession({
      token: () => tokenRef.current,
      onUnauthorized: () => {
        // A 401 while signing in is the sign-in's own failure, shown on the form.
        if (!signedInRef.current) return;
        const here = locationRef.current;
        signOut(`${here.pathname}${here.search}`);
      },
    });
  }, [signOut]);

  useEffect(() => {
    if (!state.expiresAt) return;
    const timer = window.setTimeout(() => {
      const here = locationRef.current;
      const end = () => signOut(`${here.pathname}${here.search}`);
      // supabase-js pauses its refresh in a hidden tab: ask it now before giving up.
      const supabase = supabaseRef.current;
      if (supabase) void supabase.auth.refreshSession().then(({ error }) => error && end(), end);
      else end();
    }, Math.max(0, state.expiresAt - Date.now() - ExpiryMarginMs));
    return () => window.clearTimeout(timer);
  }, [state.expiresAt, signOut]);

  const signIn = useCallback(async (email: string, password: string) => {
    const settings = await fetchConsoleSettings();
    const session =
      settings.supabaseUrl && settings.supabaseAnonKey
        ? await supabaseSignIn(settings.supabaseUrl, settings.supabaseAnonKey, email, password, supabaseRef, (token, expiresAt) => {
            if (!signedInRef.current) return;
            tokenRef.current = token;
            setState((current) => (current.token ? { ...current, token, expiresAt } : current));
          })
        : await localSignIn(email, password);
    tokenRef.current = session.token;
    try {
      const me = await fetchMe();
      signedInRef.current = true;
      setState({ token: session.token, expiresAt: session.expiresAt, me });
    } catch (failure) {
      tokenRef.current = null;
      void supabaseRef.current?.auth.signOut({ scope: 'local' });
      supabaseRef.current = null;
      throw failure;
    }
  }, []);

  const value = useMemo<Auth>(
    () => ({ ...state, signIn, signOut, can: (permission) => state.me?.permissions.includes(permission) ?? false }),
    [state, signIn, signOut],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth outside AuthProvider');
  return auth;
}

interface Session {
  token: string;
  expiresAt: number;
}

async function localSignIn(email: string, password: string): Promise<Session> {
  const login = await logIn(email, password);
  return { token: login.accessToken, expiresAt: Date.parse(login.expiresAt) };
}

/** supabase-js, loaded only where a Supabase project is configured, keeping its session in memory and refreshing it. */
async function supabaseSignIn(
  url: string,
  anonKey: string,
  email: string,
  password: string,
  client: { current: SupabaseClient | null },
  refreshed: (token: string, expiresAt: number) => void,
): Promise<Session> {
  const { createClient } = await import('@supabase/supabase-js');
  const supabase = createClient(url, anonKey, { auth: { persistSession: false, autoRefreshToken: true, detectSessionInUrl: false } });
  const { data, error } = await supabase.auth.signInWithPassword({ email, password });
  if (error || !data.session) throw new Error(error?.message ?? 'Sign-in failed.');
  client.current = supabase;
  supabase.auth.onAuthStateChange((event, session) => {
    if (event === 'TOKEN_REFRESHED' && session) refreshed(session.access_token, (session.expires_at ?? 0) * 1000);
  });
  return { token: data.session.access_token, expiresAt: (data.session.expires_at ?? 0) * 1000 };
}
