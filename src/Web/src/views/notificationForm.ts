import type { NotificationRule, NotificationRuleInput } from '../api/services';

export const NotificationSeverities = ['info', 'warning', 'critical'] as const;
export const NotificationCategories = ['OHT', 'Sump', 'Borewell', 'FlowMeter'] as const;

/** The notification form's fields as typed, before they are checked. */
export interface NotificationFormValues {
  severityMin: string;
  webhook: boolean;
  webhookUrl: string;
  webhookSecret: string;
  email: boolean;
  emailAddress: string;
  sms: boolean;
  smsNumber: string;
  categories: string[];
  nodeIds: string[];
  tagIds: string[];
  repeatIntervalMinutes: string;
  isEnabled: boolean;
}

/** Where each chosen channel stands in the rule's channels, in the form's order (webhook, email, SMS): how the API names their fields. */
export function channelIndexes(values: Pick<NotificationFormValues, 'webhook' | 'email' | 'sms'>): { webhook: number; email: number; sms: number } {
  const order = (['webhook', 'email', 'sms'] as const).filter((c) => values[c]);
  return { webhook: order.indexOf('webhook'), email: order.indexOf('email'), sms: order.indexOf('sms') };
}

/**
 * The form's problems by the field the API names (a channel's as `channels[0].url`), and the rule to send when there
 * are none: at least one channel; a webhook's https address and, unless the stored one is kept (same url, left empty
 * on edit), a secret of 16 to 200 characters; an email address that is one when given; a phone number in E.164; a
 * repeat interval of 0 to 10,080 minutes.
 */
export function checkNotification(values: NotificationFormValues, keptSecretUrl: string | null): { problems: Record<string, string>; input: NotificationRuleInput | null } {
  const problems: Record<string, string> = {};
  if (!(NotificationSeverities as readonly string[]).includes(values.severityMin)) problems.severityMin = 'Choose the lowest severity to be told of.';
  const at = channelIndexes(values);
  if (at.webhook < 0 && at.email < 0 && at.sms < 0) problems.channels = 'Choose at least one way to be told.';
  const url = values.webhookUrl.trim();
  const secret = values.webhookSecret;
  if (at.webhook >= 0) {
    if (!/^https?:\/\/\S+$/i.test(url)) problems[`channels[${at.webhook}].url`] = 'The webhook address is an https:// URL.';
    const keeps = !secret && keptSecretUrl !== null && keptSecretUrl === url;
    if (!keeps && (secret.length < 16 || secret.length > 200)) problems[`channels[${at.webhook}].secret`] = 'The secret has 16 to 200 characters.';
  }

  const address = values.emailAddress.trim();
  if (at.email >= 0 && address && !/^[^@\s]+@[^@\s]+$/.test(address)) problems[`channels[${at.email}].address`] = 'That is not an email address.';
  const number = values.smsNumber.trim();
  if (at.sms >= 0 && !/^\+[1-9]\d{6,14}$/.test(number)) problems[`channels[${at.sms}].number`] = 'A phone number in international form: +919876543210.';
  const repeat = values.repeatIntervalMinutes.trim() === '' ? 240 : Number(values.repeatIntervalMinutes);
  if (!Number.isInteger(repeat) || repeat < 0 || repeat > 10_080) problems.repeatIntervalMinutes = 'Repeat every 0 (never) to 10,080 whole minutes.';
  if (Object.keys(problems).length > 0) return { problems, input: null };

  const channels = [
    ...(at.webhook >= 0 ? [{ type: 'webhook', url, secret: secret || null, address: null }] : []),
    ...(at.email >= 0 ? [{ type: 'email', url: null, secret: null, address: address || null }] : []),
    ...(at.sms >= 0 ? [{ type: 'sms', url: null, secret: null, address: null, number }] : []),
  ];
  return {
    problems,
    input: {
      severityMin: values.severityMin,
      channels,
      nodeIds: values.nodeIds.length ? values.nodeIds : null,
      categories: values.categories.length ? values.categories : null,
      tagIds: values.tagIds.length ? values.tagIds : null,
      repeatIntervalMinutes: repeat,
      isEnabled: values.isEnabled,
    },
  };
}

/** A rule's channels as a person reads them: `webhook https://… · email (mine) · sms +91…`. */
export function describeChannels(rule: Pick<NotificationRule, 'channels'>): string {
  return rule.channels.map((c) => (c.type === 'webhook' ? `webhook ${c.url}` : c.type === 'email' ? `email ${c.address ?? '(mine)'}` : `sms ${c.number}`)).join(' · ');
}
