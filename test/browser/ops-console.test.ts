/**
 * The ops console in a real browser (Debian's chromium, headless) against the real server, Redis,
 * a worker in this process and the OpenApp simulator: signing in, reading and deciding held runs,
 * "Sync now" with its dry run first, invitations with filters, and what it refuses.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFeedsFile } from '../../src/feeds/load-feeds.js';
import { openHttpService } from '../../src/http/http-service.js';
import { silentLogger } from '../../src/logger.js';
import { launchBrowser, screenshot } from '../helpers/browser.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { MAPLE_COURT, ORG_ID, residentEmails, simFetch, testSimulator } from '../helpers/simulator.js';
import {
  REDIS_URL,
  deletePrefix,
  inProcessWorker,
  removeDir,
  syncAndWait,
  uniquePrefix,
  writeFeed,
} from '../helpers/worker.js';

const ADMIN = 'console-admin-token-0123456789abcdef';
const cleanup = cleanupAfterEach();
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
}, 30_000);
afterAll(async () => {
  await browser?.close();
});

/** The server with the demo feed; `holdRemovals` makes every removal wait for an operator. */
async function setup(options: { holdRemovals?: boolean; invitations?: boolean } = {}) {
  const prefix = uniquePrefix();
  const sim = await testSimulator();
  const files = await writeFeed(
    options.holdRemovals ? { mappingEdit: (m) => m.replace('max_removals: 10', 'max_removals: 0') } : {},
  );
  if (options.invitations) {
    const always = "enabled: true, sending_hours: { start: '00:00', end: '00:00' }";
    await writeFile(
      files.feedsFile,
      `${await readFile(files.feedsFile, 'utf8')}    invitations: { ${always} }\n`,
    );
  }
  const service = openHttpService({
    feeds: await loadFeedsFile(files.feedsFile),
    redisUrl: REDIS_URL,
    prefix,
    logger: silentLogger(),
    adminToken: ADMIN,
    env: {},
    openapp: { baseUrl: sim.apiRoot, apiKey: sim.key, orgId: ORG_ID, generation: '2026' },
  });
  await service.queues.ready(1_000);
  await service.app.listen({ host: '127.0.0.1', port: 0 });
  const address = service.app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const worker = await inProcessWorker(sim, files.feedsFile, prefix);
  const context = await browser.newContext({ baseURL: base });
  const page = await context.newPage();
  cleanup.push(
    () => sim.close(),
    () => removeDir(files.dir),
    () => deletePrefix(prefix),
    () => service.close(),
    () => worker.close(),
    () => context.close(),
  );
  const residents = () => residentEmails(sim, MAPLE_COURT);
  return { sim, queues: service.queues, base, page, residents };
}

/** Fills the sign-in form the console redirects to, and sends it with the keyboard. */
async function submitSignIn(page: Page, token: string) {
  await page.goto('/');
  await page.waitForURL(/\/sign-in/);
  await page.getByLabel('Admin token').fill(token);
  await page.getByLabel(/Your name/).fill('Olga Ops');
  await page.keyboard.press('Enter');
}

async function signIn(page: Page) {
  await submitSignIn(page, ADMIN);
  await page.waitForURL((url) => url.pathname === '/');
}

const text = async (locator: Locator) => (await locator.innerText()).replace(/\s+/g, ' ').trim();

/** The run page reloads itself when the run settles; this waits for the status it settles on. */
async function waitForStatus(page: Page, status: string) {
  await page.locator(`dl.facts dd .status-${status}`).first().waitFor({ timeout: 20_000 });
}

describe('ops console', { timeout: 60_000 }, () => {
  it('signs in, shows a held run as a diff, and approving it removes the resident in OpenApp', async () => {
    const { page, queues, residents } = await setup({ holdRemovals: true });
    const held = await syncAndWait(queues);
    expect(held.status).toBe('held');
    expect(residents()).toContain('eve.martin@example.com');

    await signIn(page);
    expect(await text(page.getByRole('heading', { level: 1 }))).toBe('Feeds');
    expect(await page.getByText('Signed in as console:Olga Ops').count()).toBe(1);
    const feed = page.getByRole('region', { name: 'demo' });
    expect(await text(feed.getByRole('definition').filter({ hasText: 'waiting' }))).toBe(
      '1 waiting for a decision',
    );
    expect(await text(feed.getByRole('row', { name: /Maple Court/ }))).toMatch(/Maple Court .* held/);
    await screenshot(page, 'feeds-with-a-held-run');
    await page.getByRole('link', { name: 'Held runs' }).click();
    await page.getByRole('link', { name: 'Review the plan of demo: all buildings' }).click();
    expect(page.url()).toContain(`/runs/${held.id}`);

    const maple = page.getByRole('region', { name: /Maple Court/ });
    expect(await maple.getByText(/^Held:/).count()).toBe(1);
    const losing = maple.locator('ul.diff.lose li');
    expect(await losing.count()).toBe(1);
    expect(await text(losing)).toMatch(/Eve Martin.*eve\.martin@example\.com/);
    const rejected = page.getByRole('region', { name: /Rejected rows \(1\)/ });
    expect(await text(rejected.locator('tbody tr'))).toMatch(
      /^11 column move_in: "2026-13-01" is not a valid/,
    );

    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('status').filter({ hasText: 'Approved' }).waitFor();
    await waitForStatus(page, 'applied');
    expect(residents()).not.toContain('eve.martin@example.com');
    expect((await queues.runs.require(held.id)).error).toBe('approved by console:Olga Ops');
    await screenshot(page, 'approved-run');
  });

  it('rejects a held run from the list of held runs, and OpenApp keeps the resident', async () => {
    const { page, queues, residents } = await setup({ holdRemovals: true });
    const held = await syncAndWait(queues);
    await signIn(page);
    await page.goto('/held');
    await page.getByRole('button', { name: 'Reject the held run of demo: all buildings' }).click();
    await page.getByRole('status').filter({ hasText: 'Rejected' }).waitFor();
    await waitForStatus(page, 'rejected');
    await screenshot(page, 'rejected-run');
    expect((await queues.runs.require(held.id)).status).toBe('rejected');
    expect(residents()).toContain('eve.martin@example.com');
    await page.getByRole('link', { name: 'Held runs' }).click();
    expect(await page.getByText('No run is waiting for a decision.').count()).toBe(1);
  });

  it('"Sync now" on one building shows the dry-run plan, changes nothing, and applies it on confirmation', async () => {
    const { page, sim, residents } = await setup();
    await signIn(page);
    await page.getByRole('button', { name: 'Sync now Maple Court' }).click();
    await waitForStatus(page, 'planned');
    await screenshot(page, 'sync-now-dry-run');
    const maple = page.getByRole('region', { name: /Maple Court/ });
    expect(await text(maple.locator('ul.diff.gain li'))).toMatch(/Gina Liu/);
    expect(await text(maple.locator('ul.diff.lose li'))).toMatch(/Eve Martin/);
    expect(sim.requests.since().every((r) => r.method === 'GET')).toBe(true);
    expect(residents()).toEqual(['ana.gomez@example.com', 'eve.martin@example.com']);

    await page.getByRole('button', { name: 'Apply this plan' }).click();
    await waitForStatus(page, 'applied');
    expect(residents()).toEqual(['ana.gomez@example.com', 'gina.liu@example.com']);
    await screenshot(page, 'sync-now-applied');
  });

  it('lists invitations and filters them by status and building, on a phone-sized screen', async () => {
    const { page, queues, sim } = await setup({ invitations: true });
    await syncAndWait(queues);
    const kofi = sim
      .store()
      .listInvitations(ORG_ID)
      .find((i) => i.email === 'kofi.mensah@example.com');
    expect((await simFetch(sim, `/_sim/invitations/${kofi?.id}/redeem`, { method: 'POST' })).status).toBe(
      200,
    );
    await page.setViewportSize({ width: 390, height: 844 });
    await signIn(page);
    await page.getByRole('link', { name: 'Invitations' }).click();
    expect(await text(page.getByRole('status'))).toBe('3 invitations.');

    await page.getByLabel('Status').selectOption('accepted');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/status=accepted/);
    const rows = page.locator('tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await text(rows)).toMatch(/Kofi Mensah.*Maple Court.*accepted/);

    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('Building').selectOption({ label: 'Birch Tower' });
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/building=/);
    expect(await text(page.getByRole('status'))).toBe('2 invitations.');
    expect((await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' '))).toEqual([
      expect.stringMatching(/hana\.new@example\.com.*pending/),
      expect.stringMatching(/petrov\.family@example\.com.*pending/),
    ]);
    await screenshot(page, 'invitations-filtered');
  });

  it('refuses a wrong token, pages without a session, and forms without the CSRF token or from another site', async () => {
    const { page, base, queues } = await setup({ holdRemovals: true });
    const held = await syncAndWait(queues);
    await submitSignIn(page, 'not-the-admin-token');
    expect(await text(page.getByRole('alert'))).toBe('That is not the admin token.');
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(await page.context().cookies()).toEqual([]);
    await screenshot(page, 'wrong-token');

    const anonymous = await fetch(`${base}/held`, { redirect: 'manual' });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/sign-in?next=%2Fheld');
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    expect((await fetch(`${base}/runs/${held.id}/approve`, { method: 'POST', headers: form })).status).toBe(
      401,
    );

    // Signed in, but the request comes from elsewhere or lacks the form's token.
    await signIn(page);
    const cookie = (await page.context().cookies()).find((c) => c.name === 'pms_sync_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    const headers = { ...form, cookie: `pms_sync_session=${cookie?.value}` };
    const approve = (extra: Record<string, string>, body = '') =>
      fetch(`${base}/runs/${held.id}/approve`, { method: 'POST', headers: { ...headers, ...extra }, body });
    expect((await approve({})).status).toBe(403);
    const csrf = await page
      .goto(`/runs/${held.id}`)
      .then(() => page.locator('input[name=_csrf]').first().inputValue());
    expect((await approve({ origin: 'http://evil.example' }, `_csrf=${csrf}`)).status).toBe(403);
    expect((await approve({ 'sec-fetch-site': 'cross-site' }, `_csrf=${csrf}`)).status).toBe(403);
    expect((await queues.runs.require(held.id)).status).toBe('held');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in/);
    expect((await approve({}, `_csrf=${csrf}`)).status).toBe(401);
  });
});
