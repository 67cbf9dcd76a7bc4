import { fireEvent, render, screen } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/client';
import { NotificationForm } from './NotificationsPage';

const state = vi.hoisted(() => ({ save: { error: null as unknown, isPending: false, mutate: vi.fn(), reset: vi.fn() } }));

vi.mock('../api/services', () => ({ notificationRuleApi: { version: () => Promise.resolve(3) } }));
vi.mock('../hooks/queries', () => ({
  useNotificationSave: () => state.save,
  useNodeChoices: () => ({ data: [{ id: 'n1', label: 'Tank One' }] }),
  useTags: () => ({ data: [{ id: 't1', name: 'zone', value: 'north', nodes: 2 }] }),
}));

const rule = {
  id: 'r1', userId: 'u1', severityMin: 'critical', nodeIds: null, categories: ['OHT'], communityIds: null, tagIds: null,
  channels: [{ type: 'webhook', url: 'https://hooks.example.com/evara', address: null, hasSecret: true, number: null }],
  repeatIntervalMinutes: 60, isEnabled: true, version: 2, createdAt: '', updatedAt: '',
};

describe('NotificationForm', () => {
  beforeEach(() => {
    state.save = { error: null, isPending: false, mutate: vi.fn(), reset: vi.fn() };
  });

  it("puts each channel's problem on its field and sends nothing", () => {
    render(<NotificationForm rule={null} onDone={() => undefined} />);
    fireEvent.click(screen.getByLabelText('Webhook'));
    fireEvent.click(screen.getByLabelText('SMS'));
    fireEvent.change(screen.getByLabelText('Webhook URL'), { target: { value: 'hooks.example.com' } });
    fireEvent.change(screen.getByLabelText('Secret'), { target: { value: 'short' } });
    fireEvent.change(screen.getByLabelText('Phone number'), { target: { value: '12345' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    for (const [label, message] of [
      ['Webhook URL', 'The webhook address is an https:// URL.'],
      ['Secret', 'The secret has 16 to 200 characters.'],
      ['Phone number', 'A phone number in international form: +919876543210.'],
    ] as const) {
      expect(screen.getByLabelText(label).getAttribute('aria-invalid'), label).toBe('true');
      expect(screen.getByText(message).id).toBe(screen.getByLabelText(label).getAttribute('aria-describedby'));
    }
    expect(state.save.mutate).not.toHaveBeenCalled();
  });

  it('on edit keeps the stored secret when it is left empty, and never shows it', () => {
    render(<NotificationForm rule={rule} onDone={() => undefined} />);
    expect((screen.getByLabelText('Secret (empty: keep the stored one)') as HTMLInputElement).value).toBe('');
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(state.save.mutate).toHaveBeenCalledWith({
      id: 'r1', version: 2,
      input: {
        severityMin: 'critical', channels: [{ type: 'webhook', url: 'https://hooks.example.com/evara', secret: null, address: null }],
        nodeIds: null, categories: ['OHT'], tagIds: null, repeatIntervalMinutes: 60, isEnabled: true,
      },
    }, expect.anything());
  });

  it('keeps a second webhook it does not edit as it is (its secret kept by the API)', () => {
    const two = { ...rule, channels: [...rule.channels, { type: 'webhook', url: 'https://backup.example.com/evara', address: null, hasSecret: true, number: null }] };
    render(<NotificationForm rule={two} onDone={() => undefined} />);
    expect(screen.getByText('Also kept as they are: webhook https://backup.example.com/evara.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(state.save.mutate).toHaveBeenCalledWith(expect.objectContaining({
      input: expect.objectContaining({ channels: [
        { type: 'webhook', url: 'https://hooks.example.com/evara', secret: null, address: null },
        { type: 'webhook', url: 'https://backup.example.com/evara', secret: null, address: null, number: null },
      ] }),
    }), expect.anything());
  });

  it("stands the API's refusal on the channel field it names", () => {
    state.save.error = new ApiError(422, [{ code: 'INVALID_CHANNEL', message: 'url must be an https URL.', field: 'channels[0].url' }], 'r1');
    render(<NotificationForm rule={rule} onDone={() => undefined} />);
    expect(screen.getByLabelText('Webhook URL').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('url must be an https URL.')).toBeTruthy();
  });

  it('explains a conflict and keeps the input', () => {
    state.save.error = new ApiError(409, [{ code: 'CONCURRENCY_CONFLICT', message: 'changed', field: null }], 'r2');
    render(<NotificationForm rule={rule} onDone={() => undefined} />);
    fireEvent.change(screen.getByLabelText('Repeat while open (min, 0: never)'), { target: { value: '30' } });
    expect(screen.getByRole('alert').textContent).toContain('Someone changed this notification rule after you opened it.');
    expect((screen.getByLabelText('Repeat while open (min, 0: never)') as HTMLInputElement).value).toBe('30');
  });
});
