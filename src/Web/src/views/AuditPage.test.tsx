import { fireEvent, render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/client';
import type { AuditFilters } from '../hooks/queries';
import AuditPage from './AuditPage';

const auth = vi.hoisted(() => ({ permissions: ['audit:read'] as string[] }));
const trail = vi.hoisted(() => ({
  result: {} as Record<string, unknown>,
  calls: [] as { filters: AuditFilters; enabled: boolean }[],
}));

vi.mock('../auth/AuthContext', () => ({ useAuth: () => ({ can: (permission: string) => auth.permissions.includes(permission) }) }));
vi.mock('../hooks/queries', () => ({
  useAuditLogs: (filters: AuditFilters, enabled: boolean) => {
    trail.calls.push({ filters, enabled });
    return trail.result;
  },
  useUserNames: () => new Map([['0192f000-0000-7000-8000-000000000002', 'AquaFlow Operations (aquaflow@evaratech.local)']]),
}));

const record = {
  id: '0192f000-0000-7000-8000-0000000000a1',
  timestamp: '2026-12-01T10:00:00Z',
  actionType: 'UPDATE',
  resourceType: 'node',
  resourceId: '0192f000-0000-7000-8000-000000010001',
  userId: '0192f000-0000-7000-8000-000000000002',
  ipAddress: '127.0.0.1',
  userAgent: null,
  requestId: 'r1',
  metadata: JSON.stringify({ changes: { label: { from: 'Tank A', to: 'Tank B' } } }),
};

function show(url = '/audit') {
  return render(
    <MemoryRouter initialEntries={[url]}>
      <AuditPage />
    </MemoryRouter>,
  );
}

describe('AuditPage', () => {
  beforeEach(() => {
    auth.permissions = ['audit:read'];
    trail.calls = [];
    trail.result = { isPending: false, isError: false, error: null, data: { items: [record], pagination: { nextCursor: null } } };
  });

  it("shows a record's change as before → after, its node linked", () => {
    show();
    const lines = screen.getByRole('list', { name: 'changed' });
    expect(lines.textContent).toBe('label: Tank A → Tank B');
    expect(screen.getByRole('link', { name: record.resourceId }).getAttribute('href')).toBe(`/nodes/${record.resourceId}`);
    expect(screen.getByText('AquaFlow Operations (aquaflow@evaratech.local)')).toBeTruthy();
  });

  it('puts each problem on its field and applies nothing until they are fixed', () => {
    show('/audit?resource_type=node');
    fireEvent.change(screen.getByLabelText('User id'), { target: { value: 'bob' } });
    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2026-12-02T10:00' } });
    fireEvent.change(screen.getByLabelText('To'), { target: { value: '2026-12-01T10:00' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));

    expect(screen.getByLabelText('To').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('To must be after From.').id).toBe(screen.getByLabelText('To').getAttribute('aria-describedby'));
    expect(screen.getByLabelText('User id').getAttribute('aria-invalid')).toBe('true');
    expect(trail.calls.at(-1)!.filters).toMatchObject({ resourceType: 'node', from: undefined, to: undefined, userId: undefined });
  });

  it("applies valid filters to the query, and stands the API's refusal on the field it names", () => {
    const view = show();
    fireEvent.change(screen.getByLabelText('Action'), { target: { value: 'DELETE' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    expect(trail.calls.at(-1)!.filters.actionType).toBe('DELETE');

    trail.result = {
      isPending: false,
      isError: true,
      error: new ApiError(400, [{ code: 'VALIDATION_ERROR', message: 'resource_type must be 100 characters or fewer.', field: 'resource_type' }], 'r2'),
      data: undefined,
    };
    view.rerender(
      <MemoryRouter initialEntries={['/audit']}>
        <AuditPage />
      </MemoryRouter>,
    );
    expect(screen.getByLabelText('Resource type').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('resource_type must be 100 characters or fewer.')).toBeTruthy();
  });

  it('tells a role without the audit trail so, and asks the API nothing', () => {
    auth.permissions = ['nodes:read'];
    show();
    expect(screen.getByRole('heading').textContent).toBe('Not allowed');
    expect(trail.calls.every((call) => !call.enabled)).toBe(true);
  });
});
