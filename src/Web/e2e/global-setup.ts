import { request } from '@playwright/test';
import { baseURL } from '../playwright.config';
import { Password, Users } from './platform';

/** Waits until every demo node has been polled: the console is tested on data, not on an empty platform. */
export default async function globalSetup(): Promise<void> {
  const context = await request.newContext({ baseURL });
  const login = await context.post('/api/v1/auth/login', { data: { email: Users.superadmin, password: Password } });
  const token = (await login.json()).data.accessToken as string;
  const deadline = Date.now() + 180_000;
  const count = async (query: string) => {
    const response = await context.get(`/api/v1/nodes?limit=100${query}`, { headers: { Authorization: `Bearer ${token}` } });
    return response.ok() ? ((await response.json()).data as unknown[]).length : 0;
  };
  for (;;) {
    const [all, online] = [await count(''), await count('&status=Online')];
    if (all > 0 && online === all) break;
    if (Date.now() > deadline) throw new Error(`only ${online} of ${all} demo nodes came online within 3 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
  }

  // Rollups are refreshed by a job every minute: wait for the first hourly and daily points of the back-filled week.
  const nodes = (await (await context.get('/api/v1/nodes?limit=100', { headers: { Authorization: `Bearer ${token}` } })).json()).data as { id: string }[];
  const to = new Date().toISOString();
  const from = new Date(Date.now() - 30 * 86_400_000).toISOString();
  for (const resolution of ['hour', 'day']) {
    for (;;) {
      const pending = [];
      for (const node of nodes) {
        const series = await context.get(`/api/v1/nodes/${node.id}/telemetry?resolution=${resolution}&from=${from}&to=${to}`, {
          headers: { Authorization: `Bearer ${token}` },
        });
        if (!series.ok() || ((await series.json()).data.points as unknown[]).length === 0) pending.push(node.id);
      }

      if (pending.length === 0) break;
      if (Date.now() > deadline) throw new Error(`${pending.length} demo nodes have no ${resolution} rollups after 3 minutes`);
      await new Promise((resolve) => setTimeout(resolve, 3_000));
    }
  }

  await context.dispose();
}
