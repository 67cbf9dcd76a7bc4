import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { baseURL } from '../playwright.config';
import { FakeSupabase } from './fake-supabase';
import { apiGet, createRule, issueWriteKey, live, signIn, tokenOf, Users, type Role } from './platform';

const screenshots = path.resolve(import.meta.dirname, '../../../artifacts/screenshots');

interface Stats {
  nodes: { total: number; online: number; offline: number; alert: number };
  activeAlerts: { critical: number; warning: number; info: number };
}

interface NodeRow {
  id: string;
  label: string;
}

/** No serious or critical accessibility violation on the page as it is now. */
async function expectAccessible(page: Page, name: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const blocking = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(blocking.map((v) => `${name}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

function nav(page: Page, name: string | RegExp) {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });
}

async function capture(page: Page, role: Role, name: string): Promise<void> {
  await page.screenshot({ path: path.join(screenshots, `${role}-${name}.png`), fullPage: true });
}

for (const role of Object.keys(Users) as Role[]) {
  test(`${role}: every page shows exactly the caller's data, accessibly`, async ({ page, request }) => {
    const token = await tokenOf(request, Users[role]);
    const stats = await apiGet<Stats>(request, token, '/api/v1/dashboard/stats');
    const nodes = await apiGet<NodeRow[]>(request, token, '/api/v1/nodes?limit=100&sort=label');
    const located = await apiGet<{ id: string; lat: number | null }[]>(request, token, '/api/v1/nodes/map');
    const outside: string[] = [];
    page.on('request', (r) => {
      if (!new URL(r.url()).hostname.startsWith('127.')) outside.push(r.url());
    });
    await signIn(page, Users[role]);

    await expect(page).toHaveURL(/\/overview$/);
    await expect(page.getByTestId('nodes-total')).toHaveText(stats.nodes.total.toLocaleString('en-US'));
    await expect(page.getByTestId('nodes-online')).toHaveText(stats.nodes.online.toLocaleString('en-US'));
    await expect(page.getByTestId('alerts-critical')).toHaveText(stats.activeAlerts.critical.toLocaleString('en-US'));
    await capture(page, role, 'overview');
    await expectAccessible(page, 'overview');

    await nav(page, 'Nodes').click();
    await expect(page.getByTestId('nodes-table')).toBeVisible();
    const shown = await page.locator('[data-node-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-node-id')));
    expect(shown.sort()).toEqual(nodes.map((n) => n.id).sort());
    await capture(page, role, 'nodes');
    await expectAccessible(page, 'nodes');

    await nav(page, 'Map').click();
    await expect(page.getByTestId('map')).toBeVisible();
    const pinned = await page.locator('.legend a').evaluateAll((links) => links.map((a) => a.getAttribute('href')!.split('/').pop()));
    expect(pinned.sort()).toEqual(located.filter((n) => n.lat !== null).map((n) => n.id).sort());
    await capture(page, role, 'map');
    await expectAccessible(page, 'map');

    await nav(page, 'Nodes').click();
    await page.getByRole('link', { name: nodes[0]!.label, exact: true }).click();
    await expect(page.getByRole('heading', { level: 1 })).toContainText(nodes[0]!.label);
    await expect(page.locator('svg[data-points]')).toBeVisible();
    await capture(page, role, 'node');
    await expectAccessible(page, 'node');

    await nav(page, /^Alerts/).click();
    await expect(page.getByRole('heading', { name: 'Alerts' })).toBeVisible();
    await capture(page, role, 'alerts');
    await expectAccessible(page, 'alerts');

    await nav(page, 'Reports').click();
    await expect(page.getByTestId('uptime-table')).toBeVisible();
    const reported = await page.locator('[data-uptime-node]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-uptime-node')));
    expect(reported.sort()).toEqual(nodes.slice(0, 25).map((n) => n.id).sort());
    await capture(page, role, 'reports');
    await expectAccessible(page, 'reports');

    if (role === 'customer') {
      await expect(nav(page, 'Audit')).toHaveCount(0);
    } else {
      // What the API gives this caller, newest first. Reading the trail is itself recorded: read once first, so that a
      // fresh distributor's trail is not empty.
      await apiGet(request, token, '/api/v1/audit-logs?limit=1');
      await nav(page, 'Audit').click();
      await expect(page.getByTestId('audit-table')).toBeVisible();
      const shownAudit = await page.locator('[data-audit-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-audit-id')));
      const audit = await apiGet<{ id: string }[]>(request, token, '/api/v1/audit-logs?limit=100');
      expect(shownAudit.length).toBeGreaterThan(0);
      expect(audit.map((r) => r.id)).toEqual(expect.arrayContaining(shownAudit));
      await capture(page, role, 'audit');
      await expectAccessible(page, 'audit');
    }

    // Everyone manages how they are told of alerts; only those who may write rules see the rules.
    await nav(page, 'Notifications').click();
    await expect(page.getByRole('heading', { name: 'Delivery log' })).toBeVisible();
    await capture(page, role, 'notifications');
    await expectAccessible(page, 'notifications');
    if (role === 'customer') {
      await expect(nav(page, 'Rules')).toHaveCount(0);
    } else {
      await nav(page, 'Rules').click();
      await expect(page.getByRole('heading', { name: 'Alert rules' })).toBeVisible();
      await expect(page.getByRole('status').filter({ hasText: 'Loading alert rules' })).toHaveCount(0);
      await capture(page, role, 'rules');
      await expectAccessible(page, 'rules');
    }

    expect(outside, 'the console works without a network: nothing but the platform is asked').toEqual([]);
  });
}

test('with a tile server configured the map lays its tiles under the pins', async ({ page }) => {
  const asked: string[] = [];
  await page.route('**/api/v1/console/settings', (route) =>
    route.fulfill({ json: { status: 'success', data: { localLogin: true, supabaseUrl: null, supabaseAnonKey: null, mapTilesUrl: 'http://127.0.0.9/tiles/{z}/{x}/{y}.png' }, meta: { requestId: 't', timestamp: new Date().toISOString() }, errors: null } }));
  // One transparent pixel stands in for the tile server.
  await page.route('http://127.0.0.9/tiles/**', (route) => {
    asked.push(route.request().url());
    return route.fulfill({ contentType: 'image/png', body: Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64') });
  });
  await signIn(page, Users.distributor);
  await nav(page, 'Map').click();

  await expect(page.locator('image[data-tile]').first()).toBeAttached();
  await expect.poll(() => asked.length).toBeGreaterThan(0);
  expect(asked.every((url) => /\/tiles\/\d+\/\d+\/\d+\.png$/.test(url))).toBe(true);
  await expect(page.locator('[data-node-id], [data-cluster]').first()).toBeVisible();
});

test("a node's chart has points at each resolution, and the range lives in the URL", async ({ page, request }) => {
  const token = await tokenOf(request, Users.distributor);
  const [node] = await apiGet<NodeRow[]>(request, token, '/api/v1/nodes?limit=1&sort=label&category=OHT');
  for (const [range, resolution] of [['6h', 'raw'], ['7d', 'hour'], ['30d', 'day']] as const) {
    // A shared link: the range and resolution come from the URL.
    await signIn(page, Users.distributor, `/nodes/${node!.id}?range=${range}&resolution=${resolution}`);
    await expect(page.getByTestId('series-resolution')).toContainText(`Resolution: ${resolution}`);
    await expect(page.locator('svg[data-points]')).toHaveAttribute('data-points', /^[1-9]\d*$/);
    await expect(page.getByRole('button', { name: range })).toHaveAttribute('aria-pressed', 'true');
  }

  await page.locator('input[name="from"]').fill('2026-01-01T00:00');
  await page.locator('input[name="to"]').fill('2026-01-02T00:00');
  await page.getByRole('button', { name: 'Custom range' }).click();
  await expect(page).toHaveURL(/range=custom.*from=2026-01-01.*to=2026-01-02/);
  await expect(page.getByRole('button', { name: 'Custom range' })).toHaveAttribute('aria-pressed', 'true');
});

test('the node page exports its range as CSV', async ({ page, request }) => {
  const token = await tokenOf(request, Users.distributor);
  const [node] = await apiGet<NodeRow[]>(request, token, '/api/v1/nodes?limit=1&sort=label&category=OHT');
  await signIn(page, Users.distributor, `/nodes/${node!.id}?range=6h`);
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Export CSV' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe(`telemetry-${node!.id}.csv`);
  const text = await (await import('node:fs/promises')).readFile((await file.path())!, 'utf8');
  expect(text.split('\n')[0]).toContain('timestamp');
  expect(text.trim().split('\n').length).toBeGreaterThan(1);
});

test('a device push appears on the open node page without a reload', async ({ page, request }) => {
  const token = await tokenOf(request, Users.superadmin);
  const [node] = await apiGet<NodeRow[]>(request, token, '/api/v1/nodes?limit=1&sort=label&category=OHT');
  await signIn(page, Users.superadmin, `/nodes/${node!.id}`);
  await expect(page.getByTestId('latest-at')).toBeVisible();
  await live(page);
  const before = await page.getByTestId('latest-at').textContent();

  const key = await issueWriteKey(request, token, node!.id);
  const push = await request.get(`/update?api_key=${key}&field1=123.4&created_at=${encodeURIComponent(new Date().toISOString())}`);
  expect(await push.text()).not.toBe('0');

  await expect(page.getByTestId('latest-at')).not.toHaveText(before!, { timeout: 5_000 });
});

test('acknowledging an alert moves it out of the active view in both of two open browsers', async ({ browser, request }) => {
  const token = await tokenOf(request, Users.distributor);
  const [node] = await apiGet<NodeRow[]>(request, token, '/api/v1/nodes?limit=1&sort=label&category=OHT');
  const rule = await createRule(request, token, { name: `e2e ${Date.now()}`, nodeId: node!.id, metric: 'water_level_cm', operator: '>', threshold: 0, severity: 'warning', cooldownMinutes: 0 });
  const ruleId = rule.id;
  const key = await issueWriteKey(request, token, node!.id);
  await request.get(`/update?api_key=${key}&field1=150&created_at=${encodeURIComponent(new Date().toISOString())}`);
  let alertId = '';
  await expect
    .poll(async () => {
      const open = await apiGet<{ id: string; ruleId: string }[]>(request, token, `/api/v1/alerts?node_id=${node!.id}&limit=100`);
      alertId = open.find((a) => a.ruleId === ruleId)?.id ?? '';
      return alertId;
    }, { timeout: 15_000 })
    .not.toBe('');

  const first = await browser.newPage();
  const second = await browser.newPage();
  try {
    for (const page of [first, second]) {
      await signIn(page, Users.distributor, `/alerts?node_id=${node!.id}`);
      await expect(page.locator(`[data-alert-id="${alertId}"]`)).toBeVisible();
      await live(page);
    }

    await first.locator(`[data-alert-id="${alertId}"]`).getByRole('button', { name: 'Acknowledge' }).click();
    for (const page of [first, second]) {
      await expect(page.locator(`[data-alert-id="${alertId}"]`)).toHaveCount(0, { timeout: 10_000 });
    }
  } finally {
    await first.close();
    await second.close();
    await rule.remove();
  }
});

test('acknowledging an alert someone else acknowledged first explains the 409', async ({ page, request }) => {
  const token = await tokenOf(request, Users.distributor);
  const [node] = await apiGet<NodeRow[]>(request, token, '/api/v1/nodes?limit=1&sort=label&category=FlowMeter');
  const rule = await createRule(request, token, { name: `e2e conflict ${Date.now()}`, nodeId: node!.id, metric: 'flow_rate_lpm', operator: '>=', threshold: 0, severity: 'info', cooldownMinutes: 0 });
  const ruleId = rule.id;
  const key = await issueWriteKey(request, token, node!.id);
  await request.get(`/update?api_key=${key}&field1=12&created_at=${encodeURIComponent(new Date().toISOString())}`);
  let alertId = '';
  await expect
    .poll(async () => {
      alertId = (await apiGet<{ id: string; ruleId: string }[]>(request, token, `/api/v1/alerts?node_id=${node!.id}&limit=100`)).find((a) => a.ruleId === ruleId)?.id ?? '';
      return alertId;
    }, { timeout: 15_000 })
    .not.toBe('');

  // This page hears nothing live, so it still offers the acknowledgement someone else has just made.
  await page.route('**/hubs/**', (route) => route.abort());
  await signIn(page, Users.distributor, `/alerts?node_id=${node!.id}`);
  await expect(page.locator(`[data-alert-id="${alertId}"]`)).toBeVisible();
  const other = await request.post(`/api/v1/alerts/${alertId}/acknowledge`, { headers: { Authorization: `Bearer ${token}` } });
  expect(other.ok()).toBeTruthy();

  await page.locator(`[data-alert-id="${alertId}"]`).getByRole('button', { name: 'Acknowledge' }).click();
  await expect(page.getByRole('alert')).toContainText('Someone else changed this alert first');
  await expect(page.locator(`[data-alert-id="${alertId}"]`)).toHaveCount(0);
  await rule.remove();
});

test('the overview follows the platform live, without a reload', async ({ page, request }) => {
  const token = await tokenOf(request, Users.superadmin);
  const [node] = await apiGet<NodeRow[]>(request, token, '/api/v1/nodes?limit=1&sort=label&status=Online');
  await signIn(page, Users.superadmin);
  await live(page);
  const before = Number(await page.getByTestId('nodes-maintenance').textContent());

  const maintenance = (enabled: boolean) =>
    request.put(`/api/v1/nodes/${node!.id}/maintenance`, { headers: { Authorization: `Bearer ${token}` }, data: { enabled } });
  expect((await maintenance(true)).ok()).toBeTruthy();
  try {
    // The dashboard view is refreshed a few seconds after status changes, then DashboardStatsChanged reaches the page.
    await expect(page.getByTestId('nodes-maintenance')).toHaveText(String(before + 1), { timeout: 60_000 });
  } finally {
    await maintenance(false);
  }
});

test('a session the platform ends (401) returns to sign-in with the page remembered', async ({ page, request }) => {
  const admin = await tokenOf(request, Users.superadmin);
  const [user] = await apiGet<{ id: string; displayName: string; role: string; plan: string; distributorId: string | null; customerId: string | null; version: number }[]>(
    request, admin, `/api/v1/users?search=${encodeURIComponent(Users.customer)}`);
  const setActive = async (isActive: boolean) => {
    const current = await apiGet<{ version: number }>(request, admin, `/api/v1/users/${user!.id}`);
    const response = await request.put(`/api/v1/users/${user!.id}`, {
      headers: { Authorization: `Bearer ${admin}`, 'If-Match': `"${current.version}"` },
      data: { displayName: user!.displayName, role: user!.role, plan: user!.plan, distributorId: user!.distributorId, customerId: user!.customerId, isActive },
    });
    expect(response.ok(), await response.text()).toBeTruthy();
  };

  await signIn(page, Users.customer);
  await expect(page.getByRole('button', { name: 'Acknowledge' })).toHaveCount(0);
  await setActive(false);
  try {
    await nav(page, 'Nodes').click();
    await expect(page).toHaveURL(/\/sign-in\?next=%2Fnodes/);
    await expect(page.getByRole('button', { name: 'Sign out' })).toHaveCount(0);
  } finally {
    await setActive(true);
  }
});

test('the console is usable by keyboard alone', async ({ page }) => {
  await page.goto('/sign-in');
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Email')).toBeFocused();
  await page.keyboard.type(Users.distributor);
  await page.keyboard.press('Tab');
  await page.keyboard.type('Evara-Demo-2026!');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('nodes-total')).toBeVisible();

  for (let i = 0; i < 12 && !(await nav(page, 'Nodes').evaluate((a) => a === document.activeElement)); i++) await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/nodes$/);
  await expect(page.getByTestId('nodes-table')).toBeVisible();
});

test('the nodes list filtered by community shows exactly what the API does', async ({ page, request }) => {
  const token = await tokenOf(request, Users.distributor);
  const communities = await apiGet<{ id: string; name: string }[]>(request, token, '/api/v1/communities?limit=100');
  const community = communities[0]!;
  const expected = await apiGet<NodeRow[]>(request, token, `/api/v1/nodes?limit=100&community_id=${community.id}`);
  await signIn(page, Users.distributor, '/nodes');

  await page.getByLabel('Community').selectOption(community.id);

  await expect(page).toHaveURL(new RegExp(`community_id=${community.id}`));
  await expect(page.locator('[data-node-id]')).toHaveCount(expected.length);
  const shown = await page.locator('[data-node-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-node-id')));
  expect(shown.sort()).toEqual(expected.map((n) => n.id).sort());
});

test('at 375 px wide every page stays readable and accessible', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 375, height: 812 } });
  const page = await context.newPage();
  await signIn(page, Users.distributor);
  for (const [link, name] of [['Overview', 'overview'], ['Nodes', 'nodes'], [/^Alerts/, 'alerts'], ['Map', 'map'], ['Reports', 'reports'], ['Tenants', 'tenants'], ['Users', 'users'], ['Audit', 'audit']] as const) {
    await nav(page, link).click();
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${name} scrolls sideways`).toBeLessThanOrEqual(0);
    // Without the header row, each bare value carries its column's name.
    const unlabelled = await page.locator('td[data-label]').evaluateAll((cells) =>
      cells.filter((c) => getComputedStyle(c, '::before').content !== `"${c.getAttribute('data-label')}: "`).length);
    expect(unlabelled, `${name}: values without their column's name`).toBe(0);
    await page.screenshot({ path: path.join(screenshots, `distributor-${name}-375px.png`), fullPage: true });
    await expectAccessible(page, `${name} at 375 px`);
  }

  await context.close();
});

test("a customer opening another tenant's node sees not found, and signing out forgets everything", async ({ page, request }) => {
  const adminToken = await tokenOf(request, Users.superadmin);
  const customerToken = await tokenOf(request, Users.customer);
  const all = await apiGet<NodeRow[]>(request, adminToken, '/api/v1/nodes?limit=100');
  const own = new Set((await apiGet<NodeRow[]>(request, customerToken, '/api/v1/nodes?limit=100')).map((n) => n.id));
  const foreign = all.find((n) => !own.has(n.id))!;

  await signIn(page, Users.customer, `/nodes/${foreign.id}`);
  await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
  await expect(page.getByText(foreign.label)).toHaveCount(0);

  await nav(page, 'Nodes').click();
  await expect(page.getByTestId('nodes-table')).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  const cached = await page.evaluate(() => document.body.innerText);
  expect(cached).not.toContain([...own][0] ?? 'no node');
  // The session is gone with its data: a console URL asks for sign-in again and then opens that page.
  await page.goto('/nodes');
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fnodes/);
  await page.getByLabel('Email').fill(Users.distributor);
  await page.getByLabel('Password').fill('Evara-Demo-2026!');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/nodes$/);
});

test('with a Supabase project the console signs in through supabase-js and refreshes its token before it expires', async ({ page }) => {
  // The platform under test validates the Development project secret and issuer (src/Api/appsettings.Development.json).
  const supabase = new FakeSupabase(baseURL, 'evaratech-local-development-secret-not-for-production', 'evaratech-local', 100);
  await supabase.start();
  try {
    // The console reads its sign-in settings from the platform; this page is told that a Supabase project is in use.
    await page.route('**/api/v1/console/settings', (route) =>
      route.fulfill({ json: { status: 'success', data: { localLogin: false, supabaseUrl: supabase.url, supabaseAnonKey: 'test-anon-key' }, meta: { requestId: 't', timestamp: new Date().toISOString() }, errors: null } }));
    await signIn(page, Users.distributor);
    expect(supabase.grants.map((g) => g.type)).toEqual(['password']);

    // supabase-js refreshes a token 90 s or less from its expiry on its 30 s tick; the console sends the new one.
    await expect.poll(() => supabase.grants.length, { timeout: 45_000 }).toBeGreaterThan(1);
    expect(supabase.grants[1]!.type).toBe('refresh_token');
    const sent = page.waitForRequest((r) => r.url().includes('/api/v1/nodes?'));
    await nav(page, 'Nodes').click();
    const used = (await sent).headers()['authorization'];
    expect(supabase.grants.slice(1).map((g) => `Bearer ${g.token}`)).toContain(used);
    await expect(page.getByTestId('nodes-table')).toBeVisible();
  } finally {
    await supabase.stop();
  }
});

test('a distributor finds a change in the audit trail by its filters, pages back and exports it; a customer is not allowed there', async ({ page, request }) => {
  const token = await tokenOf(request, Users.distributor);
  const headers = { Authorization: `Bearer ${token}` };
  const [node] = await apiGet<NodeRow[]>(request, token, '/api/v1/nodes?limit=1&sort=label');
  const name = `e2e audit ${Date.now()}`;
  // A rule that never fires, created, renamed and deleted: an update with its before and after, and enough records to page.
  const rule = { nodeId: node!.id, metric: 'water_level_cm', operator: '<', threshold: -1000, severity: 'info', cooldownMinutes: 0 };
  const rules: { id: string; etag: string }[] = [];
  for (let i = 0; i < 26; i++) {
    const created = await request.post('/api/v1/alert-rules', { headers, data: { ...rule, name: `${name} ${i}` } });
    expect(created.status(), await created.text()).toBe(201);
    rules.push({ id: (await created.json()).data.id as string, etag: created.headers()['etag']! });
  }

  const renamed = await request.put(`/api/v1/alert-rules/${rules[0]!.id}`, { headers: { ...headers, 'If-Match': rules[0]!.etag }, data: { ...rule, name: `${name} renamed` } });
  expect(renamed.status(), await renamed.text()).toBe(200);
  rules[0]!.etag = renamed.headers()['etag']!;
  try {
    await signIn(page, Users.distributor, '/audit');
    await page.getByLabel('Action').selectOption('UPDATE');
    await page.getByLabel('Resource type').fill('alert_rule');
    await page.getByLabel('Resource id').fill(rules[0]!.id);
    await page.getByRole('button', { name: 'Apply' }).click();
    const rows = page.getByTestId('audit-table').locator('tbody tr');
    await expect(rows).toHaveCount(1);
    await expect(rows.getByRole('list', { name: 'changed' })).toContainText(`name: ${name} 0 → ${name} renamed`);
    await expect(rows).toContainText(Users.distributor);
    await expectAccessible(page, 'audit');
    await capture(page, 'distributor', 'audit');

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const csv = await readFile((await (await download).path())!, 'utf8');
    expect(csv.split('\n').filter((line) => line.includes(rules[0]!.id))).toHaveLength(1);
    expect(csv).toContain(`${name} renamed`);

    // Every record of the rules, newest first: the page after the cursor in the URL is the API's page after it.
    await page.getByLabel('Action').selectOption('');
    await page.getByLabel('Resource id').fill('');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(rows).toHaveCount(25);
    const firstPage = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-audit-id')));
    await page.getByRole('button', { name: 'Older records' }).click();
    await expect(page).toHaveURL(/cursor=/);
    const cursor = new URL(page.url()).searchParams.get('cursor')!;
    const older = (await apiGet<{ id: string }[]>(request, token, `/api/v1/audit-logs?resource_type=alert_rule&limit=25&cursor=${encodeURIComponent(cursor)}`)).map((r) => r.id);
    await expect(rows.first()).toHaveAttribute('data-audit-id', older[0]!);
    await expect(rows).toHaveCount(older.length);
    expect(older.filter((id) => firstPage.includes(id))).toEqual([]);
  } finally {
    for (const { id, etag } of rules) {
      await request.delete(`/api/v1/alert-rules/${id}`, { headers: { ...headers, 'If-Match': etag } });
    }
  }

  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, Users.customer, '/audit');
  await expect(page.getByRole('heading', { name: 'Not allowed' })).toBeVisible();
  await expect(nav(page, 'Audit')).toHaveCount(0);
});

test("operators reach the jobs dashboard (superadmin) and the API reference from the console", async ({ page }) => {
  await signIn(page, Users.superadmin);
  const jobs = page.waitForEvent('popup');
  await page.getByRole('navigation', { name: 'Operators' }).getByRole('link', { name: 'Jobs' }).click();
  const dashboard = await jobs;
  await expect(dashboard.getByText('Recurring jobs').first()).toBeVisible();
  expect(new URL(dashboard.url()).pathname).toBe('/hangfire');
  await dashboard.close();

  const reference = page.waitForEvent('popup');
  await page.getByRole('navigation', { name: 'Operators' }).getByRole('link', { name: 'API reference' }).click();
  const scalar = await reference;
  await expect(scalar).toHaveURL(/\/scalar/);
  await expect(scalar.getByText('EvaraTech').first()).toBeVisible();
  await scalar.close();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, Users.distributor);
  await expect(page.getByRole('navigation', { name: 'Operators' }).getByRole('link', { name: 'Jobs' })).toHaveCount(0);
});

/** A datetime-local value, `days` from today's local midnight. */
function localDay(days: number): string {
  const at = new Date();
  at.setHours(0, 0, 0, 0);
  at.setDate(at.getDate() + days);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T00:00`;
}

test("reports: a custom period checked on its field, every node's uptime as the API reports it and as CSV, the alert statistics as counted", async ({ page, request }) => {
  const token = await tokenOf(request, Users.distributor);
  await signIn(page, Users.distributor, '/reports');
  await expect(page.getByTestId('uptime-table')).toBeVisible();
  const before = page.url();

  await page.getByLabel('From', { exact: true }).fill(localDay(1));
  await page.getByLabel('To', { exact: true }).fill(localDay(-29));
  await page.getByRole('button', { name: 'Custom period' }).click();
  await expect(page.getByText('To must be after From.')).toBeVisible();
  await expect(page.getByLabel('To', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  expect(page.url()).toBe(before);

  const [from, to] = [new Date(localDay(-29)).toISOString(), new Date(localDay(1)).toISOString()];
  await page.getByLabel('From', { exact: true }).fill(localDay(-29));
  await page.getByLabel('To', { exact: true }).fill(localDay(1));
  await page.getByRole('button', { name: 'Custom period' }).click();
  await expect(page).toHaveURL(/range=custom/);
  const period = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
  const report = await request.get(`/api/v1/reports/uptime?${period}&page=1&limit=25`, { headers: { Authorization: `Bearer ${token}` } });
  const body = await report.json();
  const lines = body.data as { nodeId: string; uptimePercent: number | null }[];
  await expect(page.locator('[data-uptime-node]')).toHaveCount(lines.length);
  const first = page.locator(`[data-uptime-node="${lines[0]!.nodeId}"]`);
  await expect(first).toContainText(lines[0]!.uptimePercent === null ? 'not observed' : `${lines[0]!.uptimePercent.toFixed(2)} %`);

  const stats = await apiGet<{ total: number; open: number; bySeverity: Record<string, number> }>(request, token, `/api/v1/alerts/stats?${period}`);
  await expect(page.getByTestId('alerts-total')).toHaveText(stats.total.toLocaleString('en-US'));
  await expect(page.getByTestId('alerts-open')).toHaveText(stats.open.toLocaleString('en-US'));
  if (stats.total > 0) {
    await expect(page.getByRole('list', { name: 'By severity' }).locator('[data-bar="critical"]')).toHaveAttribute('data-value', String(stats.bySeverity.critical ?? 0));
  } else {
    await expect(page.getByText('None in this period.').first()).toBeVisible();
  }

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV (every node)' }).click();
  const csv = (await readFile((await (await download).path())!, 'utf8')).split('\r\n').filter((line) => line.length > 0);
  expect(csv[0]).toBe('node_id,node_key,label,from,to,observed_seconds,downtime_seconds,uptime_percent,outages');
  expect(csv).toHaveLength(1 + (body.meta.pagination.total as number));
  expect(csv.filter((line) => line.startsWith(lines[0]!.nodeId))).toHaveLength(1);
  await expectAccessible(page, 'reports with a custom period');
  await capture(page, 'distributor', 'reports-custom');
});

/** A tenant's row once its list has loaded, paging on until it shows. */
async function tenantRow(page: Page, id: string) {
  const row = page.locator(`[data-tenant-id="${id}"]`);
  await expect(page.getByTestId('tenants-table')).toBeVisible();
  while ((await row.count()) === 0) {
    const next = page.getByRole('navigation', { name: 'Tenant pages' }).getByRole('button', { name: 'Next' });
    if ((await next.count()) === 0 || !(await next.isEnabled())) break;
    await next.click();
    await expect(page.getByTestId('tenants-table')).toBeVisible();
  }

  return row;
}

test('a distributor creates, edits and deletes tenants; a delete the API refuses says why; two browsers editing one customer', async ({ browser, page, request }) => {
  const token = await tokenOf(request, Users.distributor);
  const suffix = Date.now();
  await signIn(page, Users.distributor, '/tenants');
  await expect(page.getByRole('button', { name: 'Communities', pressed: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Distributors' })).toHaveCount(0);

  // A community: the problems stand on their fields first, then it is created.
  await page.getByRole('button', { name: 'New community' }).click();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Give it a name.')).toBeVisible();
  await page.getByLabel('Name', { exact: true }).fill(`E2E Community ${suffix}`);
  await page.getByLabel('Slug', { exact: true }).fill(`e2e-${suffix}`);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('form')).toHaveCount(0);
  const communities = await apiGet<{ id: string; name: string }[]>(request, token, `/api/v1/communities?search=${suffix}`);
  expect(communities.map((c) => c.name)).toEqual([`E2E Community ${suffix}`]);

  // A customer under it.
  await page.getByRole('button', { name: 'Customers' }).click();
  await page.getByRole('button', { name: 'New customer' }).click();
  await page.getByLabel('Community', { exact: true }).selectOption({ label: `E2E Community ${suffix}` });
  await page.getByLabel('Name', { exact: true }).fill(`E2E Customer ${suffix}`);
  await page.getByLabel('Contact email', { exact: true }).fill('not-an-email');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByLabel('Contact email', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await page.getByLabel('Contact email', { exact: true }).fill(`e2e-${suffix}@example.com`);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('form')).toHaveCount(0);
  const [customer] = await apiGet<{ id: string; name: string; communityId: string }[]>(request, token, `/api/v1/customers?search=${suffix}`);
  expect(customer!.communityId).toBe(communities[0]!.id);
  await expectAccessible(page, 'tenants');
  await capture(page, 'distributor', 'tenants');

  // Two browsers open the same customer; the second to save is told, keeps its input, and saves over the first.
  const other = await browser.newContext();
  const second = await other.newPage();
  await signIn(second, Users.distributor, '/tenants?kind=customers');
  await (await tenantRow(page, customer!.id)).getByRole('button', { name: 'Edit' }).click();
  await (await tenantRow(second, customer!.id)).getByRole('button', { name: 'Edit' }).click();
  await page.getByLabel('Name', { exact: true }).fill(`E2E Customer ${suffix} first`);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('form')).toHaveCount(0);
  await second.getByLabel('Name', { exact: true }).fill(`E2E Customer ${suffix} second`);
  await second.getByRole('button', { name: 'Save' }).click();
  await expect(second.getByText('Someone changed this customer after you opened it.')).toBeVisible();
  await expect(second.getByLabel('Name', { exact: true })).toHaveValue(`E2E Customer ${suffix} second`);
  await expectAccessible(second, 'tenant conflict');
  await second.getByRole('button', { name: 'Load their version and keep my input' }).click();
  await second.getByRole('button', { name: 'Save' }).click();
  await expect(second.getByRole('form')).toHaveCount(0);
  expect((await apiGet<{ name: string }>(request, token, `/api/v1/customers/${customer!.id}`)).name).toBe(`E2E Customer ${suffix} second`);
  await other.close();

  // The community still holds the customer: the API refuses, and the console says why.
  await page.getByRole('button', { name: 'Communities' }).click();
  const community = await tenantRow(page, communities[0]!.id);
  await community.getByRole('button', { name: 'Delete' }).click();
  await community.getByRole('button', { name: 'Yes, delete' }).click();
  await expect(page.getByRole('alert')).toContainText('Not deleted:');
  await expect(page.getByRole('alert')).toContainText('1 customer');

  // Emptied, both go.
  const headers = { Authorization: `Bearer ${token}` };
  const fresh = await request.get(`/api/v1/customers/${customer!.id}`, { headers });
  expect((await request.delete(`/api/v1/customers/${customer!.id}`, { headers: { ...headers, 'If-Match': fresh.headers()['etag']! } })).status()).toBe(204);
  await signIn(page, Users.distributor, '/tenants?kind=communities');
  const again = await tenantRow(page, communities[0]!.id);
  await again.getByRole('button', { name: 'Delete' }).click();
  await again.getByRole('button', { name: 'Yes, delete' }).click();
  await expect(again).toHaveCount(0);
  expect(await apiGet<unknown[]>(request, token, `/api/v1/communities?search=${suffix}`)).toEqual([]);

  // A customer has no tenants to manage.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, Users.customer, '/tenants');
  await expect(page.getByRole('heading', { name: 'Not allowed' })).toBeVisible();
  await expect(nav(page, 'Tenants')).toHaveCount(0);
});

test('a superadmin creates a user who can then sign in, and deactivates them; a distributor only reads users; a customer is not allowed', async ({ browser, page, request }) => {
  const token = await tokenOf(request, Users.superadmin);
  const email = `e2e-user-${Date.now()}@example.com`;
  const password = 'E2e-password-2026';
  await signIn(page, Users.superadmin, '/users');
  await page.getByRole('button', { name: 'New user' }).click();
  await expect(page.getByLabel('Role', { exact: true }).locator('option')).toHaveText(['superadmin', 'distributor', 'customer']);
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Display name', { exact: true }).fill('E2E Household');
  await page.getByLabel('Role', { exact: true }).selectOption('Customer');
  await page.getByLabel('Password (optional)', { exact: true }).fill('short');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Choose the customer the user belongs to.')).toBeVisible();
  await expect(page.getByText('A password has 10 to 200 characters.')).toBeVisible();
  await page.getByLabel('Customer', { exact: true }).selectOption({ label: 'Green Valley Household 1' });
  await page.getByLabel('Password (optional)', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('form')).toHaveCount(0);
  const [created] = await apiGet<{ id: string; role: string; customerId: string; isActive: boolean }[]>(request, token, `/api/v1/users?search=${encodeURIComponent(email)}`);
  expect(created!.role).toBe('customer');
  await expectAccessible(page, 'users');
  await capture(page, 'superadmin', 'users');

  const theirs = await browser.newContext();
  const them = await theirs.newPage();
  await them.goto('/sign-in');
  await them.getByLabel('Email').fill(email);
  await them.getByLabel('Password').fill(password);
  await them.getByRole('button', { name: 'Sign in' }).click();
  await expect(them.getByText('E2E Household')).toBeVisible();
  await theirs.close();

  await page.getByRole('button', { name: 'customer', exact: true }).click();
  await page.getByRole('button', { name: `Deactivate ${email}` }).click();
  // Exact: "Activate …" is also a substring of the "Deactivate …" button still shown while the change is in flight.
  await expect(page.getByRole('button', { name: `Activate ${email}`, exact: true })).toBeVisible();
  expect((await apiGet<{ isActive: boolean }>(request, token, `/api/v1/users/${created!.id}`)).isActive).toBe(false);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, Users.distributor, '/users');
  await expect(page.getByTestId('users-table')).toBeVisible();
  await expect(page.getByRole('button', { name: 'New user' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^Edit / })).toHaveCount(0);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, Users.customer, '/users');
  await expect(page.getByRole('heading', { name: 'Not allowed' })).toBeVisible();
  await expect(nav(page, 'Users')).toHaveCount(0);
});

test('a distributor creates a node, edits, tags, records firmware, switches maintenance and moves it; two browsers editing it; a superadmin deletes it; a customer is offered none of it', async ({ browser, page, request }) => {
  const token = await tokenOf(request, Users.distributor);
  const suffix = Date.now();
  const [community] = await apiGet<{ id: string; name: string }[]>(request, token, '/api/v1/communities?sort=name');
  await signIn(page, Users.distributor, '/nodes');

  // Problems first, on their fields; then the node, owned by a community of the caller's.
  await page.getByRole('button', { name: 'New node' }).click();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByLabel('Key', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('Choose who owns it.')).toBeVisible();
  await page.getByLabel('Key', { exact: true }).fill(`E2E-NODE-${suffix}`);
  await page.getByLabel('Owner', { exact: true }).selectOption({ label: community!.name });
  await page.getByLabel('Label', { exact: true }).fill(`E2E Tank ${suffix}`);
  await page.getByLabel('Category', { exact: true }).selectOption('OHT');
  await page.getByLabel('Tank depth (cm) *').fill('-5');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Tank depth (cm) is above 0.')).toBeVisible();
  await page.getByLabel('Tank depth (cm) *').fill('200');
  await page.getByLabel('Latitude', { exact: true }).fill('12.97');
  await page.getByLabel('Longitude', { exact: true }).fill('77.59');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { name: `E2E Tank ${suffix}` })).toBeVisible();
  const id = page.url().split('/nodes/')[1]!;
  const node = () => apiGet<{ node: { label: string; locationName: string | null; tenantType: string; communityId: string | null }; tags: { name: string }[]; firmware: { firmwareVersion: string } | null; state: { status: string } }>(request, token, `/api/v1/nodes/${id}`);
  expect((await node()).node.communityId).toBe(community!.id);

  // Two browsers edit it; the second to save sees what the first changed, keeps its input and saves over it.
  const other = await browser.newContext();
  const second = await other.newPage();
  await signIn(second, Users.distributor, `/nodes/${id}`);
  await page.getByRole('button', { name: 'Edit node' }).click();
  await second.getByRole('button', { name: 'Edit node' }).click();
  await page.getByLabel('Label', { exact: true }).fill(`E2E Tank ${suffix} east`);
  await page.getByLabel('Location', { exact: true }).fill('Roof, block A');
  await page.getByRole('form', { name: /^Edit E2E Tank/ }).getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { name: `E2E Tank ${suffix} east` })).toBeVisible();
  await second.getByLabel('Label', { exact: true }).fill(`E2E Tank ${suffix} west`);
  await second.getByRole('form', { name: /^Edit E2E Tank/ }).getByRole('button', { name: 'Save' }).click();
  await expect(second.getByText('Someone changed this node after you opened it.')).toBeVisible();
  await expect(second.getByRole('list', { name: 'What they changed' })).toContainText(`Label: E2E Tank ${suffix} → E2E Tank ${suffix} east`);
  await expect(second.getByRole('list', { name: 'What they changed' })).toContainText('Location: (none) → Roof, block A');
  await expect(second.getByLabel('Label', { exact: true })).toHaveValue(`E2E Tank ${suffix} west`);
  await expectAccessible(second, 'node conflict');
  await second.getByRole('button', { name: 'Load their version and keep my input' }).click();
  await second.getByRole('form', { name: /^Edit E2E Tank/ }).getByRole('button', { name: 'Save' }).click();
  await expect(second.getByRole('heading', { name: `E2E Tank ${suffix} west` })).toBeVisible();
  expect((await node()).node.label).toBe(`E2E Tank ${suffix} west`);
  await other.close();

  // Tags, firmware, maintenance.
  await page.getByLabel('Tag name', { exact: true }).fill('Zone!');
  await page.getByLabel('Tag value', { exact: true }).fill('north');
  await page.getByRole('button', { name: 'Add tag' }).click();
  await expect(page.getByLabel('Tag name', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await page.getByLabel('Tag name', { exact: true }).fill('zone');
  await page.getByRole('button', { name: 'Add tag' }).click();
  await expect(page.getByRole('list', { name: 'Node tags' })).toContainText('zone: north');
  await page.getByLabel('Firmware version', { exact: true }).fill('2.1.0');
  await page.getByLabel('Update status', { exact: true }).selectOption('update_available');
  await page.getByRole('button', { name: 'Record firmware' }).click();
  await expect(page.getByTestId('firmware-now')).toContainText('2.1.0 · update_available');
  await page.getByRole('button', { name: 'Start maintenance' }).click();
  await expect(page.getByRole('button', { name: 'End maintenance' })).toBeVisible();
  expect((await node()).state.status).toBe('Maintenance');
  await expectAccessible(page, 'node manage');
  await capture(page, 'distributor', 'node-manage');
  await page.getByRole('button', { name: 'End maintenance' }).click();
  await expect(page.getByRole('button', { name: 'Start maintenance' })).toBeVisible();
  await page.getByRole('button', { name: 'Remove tag zone: north' }).click();
  await expect(page.getByRole('list', { name: 'Node tags' })).toContainText('No tags.');
  const after = await node();
  expect([after.tags, after.firmware?.firmwareVersion]).toEqual([[], '2.1.0']);

  // Moved to the distributor itself; only a superadmin may delete.
  await page.getByLabel('New owner', { exact: true }).selectOption({ label: 'My distributor' });
  await page.getByRole('button', { name: 'Move', exact: true }).click();
  await expect(page.getByText('Owned by a distributor.')).toBeVisible();
  expect((await node()).node.tenantType).toBe('distributor');
  await expect(page.getByRole('button', { name: 'Delete node' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, Users.superadmin, `/nodes/${id}`);
  await page.getByRole('button', { name: 'Delete node' }).click();
  await page.getByRole('button', { name: 'Yes, delete' }).click();
  await expect(page).toHaveURL(/\/nodes$/);
  expect((await request.get(`/api/v1/nodes/${id}`, { headers: { Authorization: `Bearer ${token}` } })).status()).toBe(404);

  // A customer manages nothing: no new node, no import, no manage panel on its own node.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, Users.customer, '/nodes');
  await expect(page.getByTestId('nodes-table')).toBeVisible();
  await expect(page.getByRole('button', { name: 'New node' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Import CSV' })).toHaveCount(0);
  await page.getByTestId('nodes-table').getByRole('link').first().click();
  await expect(page.getByRole('heading', { name: 'Health' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Manage' })).toHaveCount(0);
});

test('a CSV import of 50 nodes with two bad rows creates 48 and names each bad row and field', async ({ page, request }) => {
  const token = await tokenOf(request, Users.distributor);
  const suffix = Date.now();
  const [community] = await apiGet<{ id: string; name: string }[]>(request, token, '/api/v1/communities?sort=name');
  const rows = Array.from({ length: 50 }, (_, i) => {
    const n = i + 1;
    // Line 8 (the header is line 1) has no label; line 31 repeats line 30's key.
    const key = n === 30 ? `E2E-CSV-${suffix}-29` : `E2E-CSV-${suffix}-${n}`;
    const label = n === 7 ? '' : `"Import ${suffix} ${n}, row ${n + 1}"`;
    return `${key},${label},OHT,community,${community!.id},200`;
  });
  await signIn(page, Users.distributor, '/nodes');
  await page.getByRole('button', { name: 'Import CSV' }).click();
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByText('Choose a CSV file.')).toBeVisible();
  await page.getByLabel('CSV file').setInputFiles({
    name: 'nodes.csv', mimeType: 'text/csv', buffer: Buffer.from(`nodeKey,label,category,tenantType,communityId,maxDepthCm\r\n${rows.join('\r\n')}\r\n`),
  });
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByTestId('import-summary')).toHaveText('48 created, 2 failed.');
  const errors = page.getByTestId('import-errors').locator('tbody tr');
  await expect(errors).toHaveCount(2);
  await expect(errors.nth(0)).toContainText('8');
  await expect(errors.nth(0)).toContainText('label');
  await expect(errors.nth(1)).toContainText('31');
  await expect(errors.nth(1)).toContainText('nodeKey');
  await expect(errors.nth(1)).toContainText('Another node already has this nodeKey.');
  await expectAccessible(page, 'node import');
  await capture(page, 'distributor', 'node-import');

  const created = await apiGet<{ id: string; version: number }[]>(request, token, `/api/v1/nodes?search=Import ${suffix}&limit=100&fields=id,version`);
  expect(created).toHaveLength(48);
  // Tidy up: the imported nodes go again through the same batch route (deleting is a superadmin's).
  const admin = await tokenOf(request, Users.superadmin);
  const removed = await request.post('/api/v1/nodes/batch', {
    headers: { Authorization: `Bearer ${admin}` },
    data: { atomic: true, operations: created.map((n) => ({ op: 'delete', id: n.id, version: n.version })) },
  });
  expect(removed.status(), await removed.text()).toBe(200);
});

test('with more nodes than a page holds, the rule and notification pickers offer every one', async ({ page, request }) => {
  const token = await tokenOf(request, Users.distributor);
  const suffix = Date.now();
  const [community] = await apiGet<{ id: string }[]>(request, token, '/api/v1/communities?sort=name');
  const headers = { Authorization: `Bearer ${token}` };
  const node = (n: number) => ({
    nodeKey: `E2E-MANY-${suffix}-${n}`, label: `zz Many ${suffix} ${String(n).padStart(3, '0')}`, category: 'OHT', analyticsType: null,
    tenantType: 'Community', distributorId: null, communityId: community!.id, customerId: null, lat: null, lng: null, locationName: null,
    capacityLitres: null, config: { maxDepthCm: 200 },
  });
  const created = await request.post('/api/v1/nodes/batch', {
    headers, data: { atomic: true, operations: Array.from({ length: 120 }, (_, i) => ({ op: 'create', id: null, version: null, node: node(i + 1) })) },
  });
  expect(created.status(), await created.text()).toBe(200);
  // Sorted by label, these 120 come after the demo's nodes: the last is well past the first page of 100.
  const last = `zz Many ${suffix} 120`;

  await signIn(page, Users.distributor, '/rules');
  await page.getByRole('button', { name: 'New rule' }).click();
  await expect(page.getByLabel('Node', { exact: true }).locator('option', { hasText: last })).toHaveCount(1);
  await nav(page, 'Notifications').click();
  await page.getByRole('button', { name: 'New notification rule' }).click();
  await expect(page.getByLabel('Only these nodes (none: all mine)').locator('option', { hasText: last })).toHaveCount(1);

  const admin = await tokenOf(request, Users.superadmin);
  const ours = await apiGet<{ id: string; version: number }[]>(request, token, `/api/v1/nodes?search=Many ${suffix}&limit=100&fields=id,version`);
  const more = await apiGet<{ id: string; version: number }[]>(request, token, `/api/v1/nodes?search=Many ${suffix}&limit=100&page=2&fields=id,version`);
  const removed = await request.post('/api/v1/nodes/batch', {
    headers: { Authorization: `Bearer ${admin}` },
    data: { atomic: true, operations: [...ours, ...more].map((n) => ({ op: 'delete', id: n.id, version: n.version })) },
  });
  expect(removed.status(), await removed.text()).toBe(200);
});

test('a distributor writes a rule, backtests it over stored history, saves it, and the alert it raises arrives in the alerts view; a customer is not allowed', async ({ page, request }) => {
  const token = await tokenOf(request, Users.distributor);
  const [, node] = await apiGet<NodeRow[]>(request, token, '/api/v1/nodes?limit=2&sort=label&category=OHT');
  const name = `E2E rule ${Date.now()}`;
  const tag = { name: 'e2e-zone', value: `z${Date.now()}` };
  const headers = { Authorization: `Bearer ${token}` };
  expect((await request.post(`/api/v1/nodes/${node!.id}/tags`, { headers, data: tag })).ok()).toBeTruthy();
  await signIn(page, Users.distributor, '/rules');
  await page.getByRole('button', { name: 'New rule' }).click();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByLabel('Name', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('Choose the node it watches.')).toBeVisible();

  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Node', { exact: true }).selectOption({ label: node!.label });
  await page.getByLabel('Metric', { exact: true }).selectOption('water_level_cm');
  await page.getByLabel('Operator', { exact: true }).selectOption('>');
  await page.getByLabel('Threshold', { exact: true }).fill('0');
  await page.getByLabel('Holds for (min)', { exact: true }).fill('0');
  await page.getByLabel('Cooldown (min)', { exact: true }).fill('0');
  await page.getByRole('button', { name: 'Backtest' }).click();
  const expected = await request.post('/api/v1/alert-rules/backtest?days=7', {
    headers: { Authorization: `Bearer ${token}` },
    data: { name, nodeId: node!.id, metric: 'water_level_cm', operator: '>', threshold: 0, durationSeconds: 0, severity: 'warning', cooldownMinutes: 0 },
  });
  const raised = (await expected.json()).data.raised as number;
  expect(raised).toBeGreaterThan(0);
  await expect(page.getByTestId('backtest-result')).toContainText(`This rule would have raised ${raised} alert`);
  await expect(page.getByTestId('backtest-result').locator('rect.mark')).toHaveCount(raised);
  await expectAccessible(page, 'rule backtest');
  await capture(page, 'distributor', 'rule-backtest');
  expect(await apiGet<unknown[]>(request, token, `/api/v1/alert-rules?search=${encodeURIComponent(name)}`)).toEqual([]);

  await page.getByRole('button', { name: 'Save' }).click();
  const row = page.getByTestId('rules-table').getByRole('row').filter({ hasText: name });
  await expect(row).toContainText('water_level_cm > 0');
  const [rule] = await apiGet<{ id: string; isEnabled: boolean }[]>(request, token, `/api/v1/alert-rules?search=${encodeURIComponent(name)}`);

  // The saved rule raises a live alert from the next reading, and the alerts view shows it.
  const key = await issueWriteKey(request, token, node!.id);
  await request.get(`/update?api_key=${key}&field1=150&created_at=${encodeURIComponent(new Date().toISOString())}`);
  let alertId = '';
  await expect
    .poll(async () => {
      alertId = (await apiGet<{ id: string; ruleId: string }[]>(request, token, `/api/v1/alerts?node_id=${node!.id}&limit=100`)).find((a) => a.ruleId === rule!.id)?.id ?? '';
      return alertId;
    }, { timeout: 15_000 })
    .not.toBe('');
  await signIn(page, Users.distributor, `/alerts?node_id=${node!.id}`);
  await expect(page.locator(`[data-alert-id="${alertId}"]`)).toBeVisible();

  // Switched off, then deleted, from the list.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Rules' }).click();
  await page.getByRole('button', { name: `Disable ${name}` }).click();
  await expect(page.getByRole('button', { name: `Enable ${name}` })).toBeVisible();
  expect((await apiGet<{ isEnabled: boolean }>(request, token, `/api/v1/alert-rules/${rule!.id}`)).isEnabled).toBe(false);
  await page.getByRole('button', { name: `Delete ${name}` }).click();
  await page.getByRole('button', { name: 'Yes, delete' }).click();
  await expect(page.getByTestId('rules-table').getByRole('row').filter({ hasText: name })).toHaveCount(0);
  expect((await request.get(`/api/v1/alert-rules/${rule!.id}`, { headers: { Authorization: `Bearer ${token}` } })).status()).toBe(404);

  // A selector by tag (tagged before the page read the caller's tags): the backtest covers exactly the tagged node.
  try {
    await page.getByRole('button', { name: 'New rule' }).click();
    await page.getByLabel('Name', { exact: true }).fill(`${name} by tag`);
    await page.getByLabel('Every node with a tag, of a community or of a type').check();
    await page.getByLabel('Tag', { exact: true }).selectOption({ label: `${tag.name}: ${tag.value} (1)` });
    await page.getByLabel('Metric', { exact: true }).selectOption('water_level_cm');
    await page.getByLabel('Operator', { exact: true }).selectOption('>');
    await page.getByLabel('Threshold', { exact: true }).fill('0');
    await page.getByRole('button', { name: 'Backtest' }).click();
    await expect(page.getByTestId('backtest-result')).toContainText('readings of 1 node)');
  } finally {
    await request.delete(`/api/v1/nodes/${node!.id}/tags?name=${tag.name}&value=${tag.value}`, { headers });
  }

  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, Users.customer, '/rules');
  await expect(page.getByRole('heading', { name: 'Not allowed' })).toBeVisible();
  await expect(nav(page, 'Rules')).toHaveCount(0);
});

test("a notification rule's test message reaches a local webhook receiver with a valid signature, and the receiver's answer is shown", async ({ page }) => {
  const secret = `whsec-e2e-${Date.now()}`;
  const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
  const receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.writeHead(202, { 'Content-Type': 'text/plain' }).end('queued by the e2e receiver');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  try {
    await signIn(page, Users.distributor, '/notifications');
    await page.getByRole('button', { name: 'New notification rule' }).click();
    await page.getByLabel('Webhook', { exact: true }).check();
    await page.getByLabel('Email', { exact: true }).uncheck();
    await page.getByLabel('Webhook URL', { exact: true }).fill(url);
    await page.getByLabel('Secret', { exact: true }).fill('short');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByText('The secret has 16 to 200 characters.')).toBeVisible();
    await page.getByLabel('Secret', { exact: true }).fill(secret);
    await page.getByRole('button', { name: 'Save' }).click();
    const row = page.getByTestId('notification-rules-table').getByRole('row').filter({ hasText: url });
    await expect(row).toBeVisible();

    await row.getByRole('button', { name: 'Send test' }).click();
    await expect(page.getByTestId('test-results')).toContainText(`webhook ${url}: delivered — 202 Accepted: queued by the e2e receiver`);
    expect(received).toHaveLength(1);
    const [delivery] = received;
    const timestamp = String(delivery!.headers['x-evara-timestamp']);
    const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${delivery!.body}`).digest('hex')}`;
    expect(delivery!.headers['x-evara-signature']).toBe(expected);
    expect(JSON.parse(delivery!.body).type).toBe('test');
    await expect(page.getByRole('heading', { name: 'Delivery log' })).toBeVisible();
    await expectAccessible(page, 'notifications');
    await capture(page, 'distributor', 'notifications');

    await row.getByRole('button', { name: 'Delete this rule' }).click();
    await page.getByRole('button', { name: 'Yes, delete' }).click();
    await expect(row).toHaveCount(0);
  } finally {
    receiver.close();
  }
});

test("a distributor maps a node's channel (the preview shows the simulator's entries mapped), calibrates a field, sees readings arrive, and finds every change in the audit view", async ({ page, request }) => {
  test.setTimeout(180_000);
  const token = await tokenOf(request, Users.distributor);
  const [community] = await apiGet<{ id: string }[]>(request, token, '/api/v1/communities?sort=name');
  const created = await request.post('/api/v1/nodes', {
    headers: { Authorization: `Bearer ${token}` },
    data: { nodeKey: `E2E-CH-${Date.now()}`, label: `E2E channel ${Date.now()}`, category: 'OHT', tenantType: 'community', communityId: community!.id, config: { maxDepthCm: 300 } },
  });
  expect(created.status(), await created.text()).toBe(201);
  const id = (await created.json()).data.node.id as string;
  await signIn(page, Users.distributor, `/nodes/${id}`);
  const channel = page.getByRole('form', { name: 'ThingSpeak channel' });

  // A wrong read key: ThingSpeak's refusal stands on the read key, nothing is saved.
  await channel.getByLabel('Channel id', { exact: true }).fill('3000000');
  await channel.getByLabel(/^Read key/).fill('NOT-THE-KEY');
  await channel.getByLabel('field1 metric').selectOption('water_level_cm');
  await channel.getByRole('button', { name: 'Preview' }).click();
  await expect(channel.getByLabel(/^Read key/)).toHaveAttribute('aria-invalid', 'true');
  await expect(channel.getByText(/no access/)).toBeVisible();

  await channel.getByLabel(/^Read key/).fill('SIMKEY3000000');
  await channel.getByLabel('field2 metric').selectOption('temperature_c');
  await channel.getByLabel('field1 scale').fill('0.5');
  await channel.getByRole('button', { name: 'Preview' }).click();
  const preview = channel.getByTestId('channel-preview').locator('tbody tr');
  await expect(preview).toHaveCount(10);
  await expect(preview.first()).toContainText('water_level_cm');
  await expect(preview.first()).toContainText('temperature_c');
  expect((await apiGet<{ channel: unknown }>(request, token, `/api/v1/nodes/${id}`)).channel).toBeNull();
  await expectAccessible(page, 'channel preview');
  await capture(page, 'distributor', 'channel-preview');

  await channel.getByRole('button', { name: 'Save' }).click();
  await expect(channel.getByText('Channel saved.')).toBeVisible();
  const saved = await apiGet<{ channel: { channelId: number; readKey: string; mappings: { field: string; scaleFactor: number }[] } }>(request, token, `/api/v1/nodes/${id}`);
  expect([saved.channel.channelId, saved.channel.readKey, saved.channel.mappings.map((m) => `${m.field}×${m.scaleFactor}`)])
    .toEqual([3000000, '****0000', ['field1×0.5', 'field2×1']]);

  // A calibration of the temperature; a second over the same period is refused on its start.
  const calibrations = page.getByRole('form', { name: 'Calibrations' });
  for (let attempt = 0; attempt < 2; attempt++) {
    await calibrations.getByLabel('Calibrated field').selectOption('temperature_c');
    await calibrations.getByLabel('Slope', { exact: true }).fill('1');
    await calibrations.getByLabel('Intercept', { exact: true }).fill('0.5');
    await calibrations.getByRole('button', { name: 'Add calibration' }).click();
    if (attempt === 0) await expect(calibrations.getByTestId('calibrations-table')).toContainText('1 · x + 0.5');
  }
  await expect(calibrations.getByLabel('Valid from')).toHaveAttribute('aria-invalid', 'true');

  // The next poll cycle (one a minute) reads the newly mapped channel; its readings reach the open page.
  await expect(page.getByTestId('latest-at')).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('latest-values')).toContainText('water_level_cm');

  // Every change of the node is in the audit view.
  await signIn(page, Users.distributor, `/audit?resource_type=node&resource_id=${id}`);
  const rows = page.getByTestId('audit-table').locator('tbody tr');
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0)).toContainText('operation: add_calibration');
  await expect(rows.nth(1)).toContainText('operation: configure_channel');
  await expect(rows.nth(2)).toContainText('create');
});
