import { expect, type APIRequestContext, type Page } from '@playwright/test';

export const Password = 'Evara-Demo-2026!';

export const Users = {
  superadmin: 'admin@evaratech.local',
  distributor: 'aquaflow@evaratech.local',
  customer: 'green-valley-1@evaratech.local',
} as const;

export type Role = keyof typeof Users;

/** A caller's bearer token, straight from the platform (for comparing the console with the API). */
export async function tokenOf(request: APIRequestContext, email: string): Promise<string> {
  const response = await request.post('/api/v1/auth/login', { data: { email, password: Password } });
  expect(response.ok()).toBeTruthy();
  return (await response.json()).data.accessToken as string;
}

export async function apiGet<T>(request: APIRequestContext, token: string, url: string): Promise<T> {
  const response = await request.get(url, { headers: { Authorization: `Bearer ${token}` } });
  expect(response.ok(), `${url}: ${response.status()}`).toBeTruthy();
  return (await response.json()).data as T;
}

/** Issues the node's channel a new write key (the only time the platform shows one), for pushing as its device. */
export async function issueWriteKey(request: APIRequestContext, token: string, nodeId: string): Promise<string> {
  const response = await request.post(`/api/v1/nodes/${nodeId}/channel/write-key`, { headers: { Authorization: `Bearer ${token}` } });
  expect(response.ok(), `write key of ${nodeId}: ${response.status()}`).toBeTruthy();
  return (await response.json()).data.writeKey as string;
}

/**
 * Signs in through the form. The token lives in the page's memory only, so a page.goto afterwards would sign out
 * again: pass the page to open as <paramref name="next"/> and navigate in the console from there.
 */
export async function signIn(page: Page, email: string, next?: string): Promise<void> {
  await page.goto(next ? `/sign-in?next=${encodeURIComponent(next)}` : '/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(Password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
}

/** Waits until the page's realtime connection is up and subscribed, so an event sent now reaches it. */
export async function live(page: Page): Promise<void> {
  await expect(page.locator('html[data-live="connected"]')).toBeAttached({ timeout: 15_000 });
}

/** Creates an alert rule as the caller and answers its id and a way to delete it again. */
export async function createRule(request: APIRequestContext, token: string, rule: Record<string, unknown>): Promise<{ id: string; remove: () => Promise<void> }> {
  const created = await request.post('/api/v1/alert-rules', { headers: { Authorization: `Bearer ${token}` }, data: rule });
  expect(created.status(), await created.text()).toBe(201);
  const id = (await created.json()).data.id as string;
  const etag = created.headers()['etag']!;
  return {
    id,
    remove: async () => {
      const removed = await request.delete(`/api/v1/alert-rules/${id}`, { headers: { Authorization: `Bearer ${token}`, 'If-Match': etag } });
      expect(removed.status(), await removed.text()).toBe(204);
    },
  };
}
