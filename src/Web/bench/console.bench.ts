import { expect, test } from '@playwright/test';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { apiGet, issueWriteKey, signIn, tokenOf, Users, Password } from '../e2e/platform';

/**
 * The console's figures beside their targets: initial JavaScript (gzip), the overview interactive from a cold cache,
 * a 5,000-point series drawn, and the node page's memory after 1,000 live updates. Printed as a table and written to
 * artifacts/bench/web.json.
 */
const dist = path.resolve(import.meta.dirname, '../dist');
const rows: { figure: string; value: string; target: string; met: boolean }[] = [];

test.afterAll(async () => {
  const out = path.resolve(import.meta.dirname, '../../../artifacts/bench');
  await import('node:fs/promises').then((fs) => fs.mkdir(out, { recursive: true }));
  await writeFile(path.join(out, 'web.json'), JSON.stringify(rows, null, 2));
  console.log('\n| figure | measured | target | met |\n|---|---|---|---|');
  for (const row of rows) console.log(`| ${row.figure} | ${row.value} | ${row.target} | ${row.met ? 'yes' : 'NO'} |`);
});

test('initial JavaScript, gzip', async () => {
  const html = await readFile(path.join(dist, 'index.html'), 'utf8');
  const scripts = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
  let bytes = 0;
  for (const script of scripts) bytes += gzipSync(await readFile(path.join(dist, script))).length;
  rows.push({ figure: 'initial JS (gzip)', value: `${(bytes / 1024).toFixed(1)} KB`, target: '< 300 KB', met: bytes < 300 * 1024 });
});

test('overview interactive from a cold cache', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const loaded = Date.now();
  await page.goto('/sign-in?next=/overview');
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeEnabled();
  const formReady = Date.now() - loaded;
  await page.getByLabel('Email').fill(Users.distributor);
  await page.getByLabel('Password').fill(Password);
  const submitted = Date.now();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('nodes-total')).toBeVisible();
  const overview = Date.now() - submitted;
  const total = formReady + overview;
  rows.push({ figure: 'overview interactive, cold cache (page load + sign-in to figures)', value: `${total} ms (${formReady} + ${overview})`, target: '< 1000 ms', met: total < 1000 });
  await context.close();
});

test('a 5,000-point series drawn', async ({ browser, request }) => {
  const token = await tokenOf(request, Users.superadmin);
  const [node] = await apiGet<{ id: string }[]>(request, token, '/api/v1/nodes?limit=1&sort=label&category=OHT');
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, Users.superadmin, `/nodes/${node!.id}`);
  await expect(page.locator('svg[data-points]')).toBeVisible();
  // From the series response's last byte to the chart holding its 5,000 points, in the page's own clock.
  await page.evaluate(() => {
    (window as unknown as { drawnAt?: number }).drawnAt = undefined;
    new MutationObserver((_, observer) => {
      if (document.querySelector('svg[data-points="5000"]')) {
        (window as unknown as { drawnAt?: number }).drawnAt = performance.now();
        observer.disconnect();
      }
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
  });
  await page.getByRole('button', { name: '7d' }).click();
  await page.getByLabel('Resolution').selectOption('raw');
  await expect(page.locator('svg[data-points="5000"]')).toBeVisible({ timeout: 30_000 });
  const drawn = await page.evaluate(() => {
    const responses = performance.getEntriesByType('resource').filter((e) => e.name.includes('/telemetry?') && e.name.includes('resolution=raw'));
    const last = responses[responses.length - 1] as PerformanceResourceTiming;
    return (window as unknown as { drawnAt: number }).drawnAt - last.responseEnd;
  });
  rows.push({ figure: '5,000-point series drawn (response to chart)', value: `${drawn.toFixed(0)} ms`, target: '< 200 ms', met: drawn < 200 });
  await context.close();
});

test('the node page holding 1,000 live updates', async ({ browser, request }) => {
  const token = await tokenOf(request, Users.superadmin);
  const [node] = await apiGet<{ id: string }[]>(request, token, '/api/v1/nodes?limit=1&sort=label&category=OHT');
  const key = await issueWriteKey(request, token, node!.id);
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, Users.superadmin, `/nodes/${node!.id}?range=6h`);
  await expect(page.getByTestId('latest-at')).toBeVisible();
  const cdp = await context.newCDPSession(page);
  const heap = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize;
  };

  const push = async (count: number, from: number) => {
    for (let i = 0; i < count; i++) {
      const at = new Date(Date.now() - 3_600_000 + (from + i) * 1_000).toISOString();
      await request.get(`/update?api_key=${key}&field1=${100 + ((from + i) % 50)}&created_at=${encodeURIComponent(at)}`);
    }
  };

  await push(100, 0); // warm-up: first updates create what later ones reuse
  await page.waitForTimeout(2_000);
  const before = await heap();
  await push(1_000, 100);
  await page.waitForTimeout(3_000);
  const after = await heap();
  const growth = (after - before) / 1024 / 1024;
  rows.push({ figure: 'node page JS heap after 1,000 live updates', value: `${growth >= 0 ? '+' : ''}${growth.toFixed(2)} MB (${(before / 1048576).toFixed(1)} → ${(after / 1048576).toFixed(1)} MB)`, target: '< +2 MB', met: growth < 2 });
  await context.close();
});
