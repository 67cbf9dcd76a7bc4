import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/client';
import { useAuth } from './AuthContext';

/** Password sign-in against the platform's own issuer; afterwards the page the user asked for. */
export function SignIn() {
  const { signIn } = useAuth();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<{ message: string; field: string | null } | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      // Signed in, the console's routes take over and open the page asked for (App's AfterSignIn).
      await signIn(email, password);
    } catch (failure) {
      const detail = failure instanceof ApiError ? failure.errors[0] : undefined;
      setError({ message: failure instanceof Error ? failure.message : 'Sign-in failed.', field: detail?.field ?? null });
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" className="sign-in">
      <form onSubmit={submit} aria-labelledby="sign-in-title" noValidate>
        <h1 id="sign-in-title">Sign in to EvaraTech</h1>
        <label>
          Email
          <input type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)}
            aria-invalid={error?.field === 'email'} aria-describedby={error ? 'sign-in-error' : undefined} />
        </label>
        <label>
          Password
          <input type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)}
            aria-invalid={error?.field === 'password'} aria-describedby={error ? 'sign-in-error' : undefined} />
        </label>
        {error ? (
          <p id="sign-in-error" role="alert" className="error-text">
            {error.message}
          </p>
        ) : null}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
