import { describe, expect, it } from 'vitest';
import { channelIndexes, checkNotification, describeChannels, type NotificationFormValues } from './notificationForm';

const values = (over: Partial<NotificationFormValues> = {}): NotificationFormValues => ({
  severityMin: 'warning', webhook: true, webhookUrl: ' https://hooks.example.com/evara ', webhookSecret: 'whsec-0123456789abcdef', email: true, emailAddress: '',
  sms: false, smsNumber: '', categories: [], nodeIds: [], tagIds: [], repeatIntervalMinutes: '', isEnabled: true, ...over,
});

describe('checkNotification', () => {
  it('sends the chosen channels in order, any node, the default repeat', () => {
    expect(checkNotification(values(), null)).toEqual({
      problems: {},
      input: {
        severityMin: 'warning', nodeIds: null, categories: null, tagIds: null, repeatIntervalMinutes: 240, isEnabled: true,
        channels: [
          { type: 'webhook', url: 'https://hooks.example.com/evara', secret: 'whsec-0123456789abcdef', address: null },
          { type: 'email', url: null, secret: null, address: null },
        ],
      },
    });
  });

  it('names each problem by the channel’s place, as the API does', () => {
    const { problems } = checkNotification(values({ webhook: false, email: true, emailAddress: 'nope', sms: true, smsNumber: '98765', repeatIntervalMinutes: '-1' }), null);
    expect(problems).toEqual({
      'channels[0].address': 'That is not an email address.',
      'channels[1].number': 'A phone number in international form: +919876543210.',
      repeatIntervalMinutes: 'Repeat every 0 (never) to 10,080 whole minutes.',
    });
    expect(checkNotification(values({ webhook: false, email: false }), null).problems).toEqual({ channels: 'Choose at least one way to be told.' });
  });

  it('keeps the stored secret only for the same address', () => {
    expect(checkNotification(values({ webhookSecret: '' }), 'https://hooks.example.com/evara').input?.channels?.[0]).toMatchObject({ secret: null });
    expect(checkNotification(values({ webhookSecret: '', webhookUrl: 'https://other.example.com' }), 'https://hooks.example.com/evara').problems)
      .toEqual({ 'channels[0].secret': 'The secret has 16 to 200 characters.' });
  });

  it('filters by categories, nodes and tags when chosen', () => {
    expect(checkNotification(values({ categories: ['OHT'], nodeIds: ['n1'], tagIds: ['t1'] }), null).input).toMatchObject({ categories: ['OHT'], nodeIds: ['n1'], tagIds: ['t1'] });
  });
});

describe('channels', () => {
  it('are placed in the form’s order', () => {
    expect(channelIndexes({ webhook: false, email: true, sms: true })).toEqual({ webhook: -1, email: 0, sms: 1 });
  });

  it('read as a sentence', () => {
    expect(describeChannels({ channels: [{ type: 'webhook', url: 'https://h', address: null, hasSecret: true, number: null }, { type: 'email', url: null, address: null, hasSecret: false, number: null }] }))
      .toBe('webhook https://h · email (mine)');
  });
});
