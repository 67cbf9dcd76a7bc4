import { Component, type ReactNode } from 'react';

/** A page that fails to render (a bad link, a chunk gone after a deploy) says so instead of blanking the console. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  state = { failed: false };

  static getDerivedStateFromError() {
    return { failed: true };
  }

  render() {
    return this.state.failed ? (
      <div className="state error" role="alert">
        <h1>This page could not be shown</h1>
        <p>
          <button type="button" onClick={() => window.location.assign('/overview')}>
            Back to the overview
          </button>
        </p>
      </div>
    ) : (
      this.props.children
    );
  }
}
