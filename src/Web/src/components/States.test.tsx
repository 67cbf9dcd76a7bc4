import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { ErrorState, formatReading } from './States';

describe('ErrorState', () => {
  it("reads a 404 as not found, never as another tenant's data", () => {
    const { getByRole, queryByText } = render(<ErrorState error={new ApiError(404, [{ code: 'NOT_FOUND', message: 'Node not found.', field: null }], 'r1')} what="node" />);
    expect(getByRole('heading').textContent).toBe('Not found');
    expect(queryByText(/r1/)).toBeNull();
  });

  it("shows the envelope's message and the request id to quote", () => {
    const { getByRole, getByText } = render(<ErrorState error={new ApiError(503, [{ code: 'UNAVAILABLE', message: 'Try again shortly.', field: null }], 'abc123')} what="nodes" />);
    expect(getByRole('alert').textContent).toContain('Try again shortly.');
    expect(getByText('abc123').tagName).toBe('CODE');
  });
});

describe('formatReading', () => {
  it('shows a stored real without its float noise, at most three decimals', () => {
    expect(formatReading(329.70001220703125)).toBe('329.7');
    expect(formatReading(66.716667)).toBe('66.717');
    expect(formatReading(20)).toBe('20');
  });
});
