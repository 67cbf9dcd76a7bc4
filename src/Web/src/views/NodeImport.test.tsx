import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { NodeImport } from './NodeImport';

const state = vi.hoisted(() => ({ send: { error: null as Error | null, isPending: false, mutate: vi.fn() } }));
vi.mock('../hooks/queries', () => ({ useNodeImport: () => state.send }));

const choose = (text: string) =>
  fireEvent.change(screen.getByLabelText('CSV file'), { target: { files: [new File([text], 'nodes.csv', { type: 'text/csv' })] } });

describe('NodeImport', () => {
  beforeEach(() => {
    state.send = { error: null, isPending: false, mutate: vi.fn() };
  });

  it('asks for a file, and names a file it cannot read on the file field', async () => {
    render(<NodeImport onDone={() => undefined} />);
    fireEvent.click(screen.getByRole('button', { name: 'Import' }));
    await waitFor(() => expect(screen.getByText('Choose a CSV file.')).toBeTruthy());
    choose('nodeKey,label\nK,L');
    fireEvent.click(screen.getByRole('button', { name: 'Import' }));
    await waitFor(() => expect(screen.getByText('The file needs the columns category, tenantType.')).toBeTruthy());
    expect(screen.getByLabelText('CSV file').getAttribute('aria-invalid')).toBe('true');
    expect(state.send.mutate).not.toHaveBeenCalled();
  });

  it('all or nothing: a row that cannot be sent stores none, and says which', async () => {
    render(<NodeImport onDone={() => undefined} />);
    choose('nodeKey,label,category,tenantType,communityId\nK1,One,OHT,community,c1\nK2,Two,Tower,community,c1\n');
    fireEvent.click(screen.getByLabelText('All or nothing'));
    fireEvent.click(screen.getByRole('button', { name: 'Import' }));
    await waitFor(() => expect(screen.getByTestId('import-summary').textContent).toBe('Nothing was created: 1 row(s) failed.'));
    expect(screen.getByTestId('import-errors').textContent).toContain('3categorycategory is one of');
    expect(state.send.mutate).not.toHaveBeenCalled();
  });

  it('sends the good rows through the batch, each the line it came from', async () => {
    render(<NodeImport onDone={() => undefined} />);
    choose('nodeKey,label,category,tenantType,communityId\nK1,One,OHT,community,c1\nK2,Two,Sump,community,c1\n');
    fireEvent.click(screen.getByRole('button', { name: 'Import' }));
    await waitFor(() => expect(state.send.mutate).toHaveBeenCalled());
    const [{ atomic, operations }] = state.send.mutate.mock.calls[0] as [{ atomic: boolean; operations: { node: { nodeKey: string } }[] }];
    expect([atomic, operations.map((o) => o.node.nodeKey)]).toEqual([false, ['K1', 'K2']]);
  });
});
