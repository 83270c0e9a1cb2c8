/**
 * The wallboard end to end: the app on the in-process simulator (fast, with billing/voice
 * understaffed from the start), a real Chromium on the page, and the alert store fed by hand. The
 * at-risk pipeline runs too, on a scripted VIP who abandons three times: its work order must reach
 * the page's work-order panel through the live server.
 */
import { mkdir } from 'node:fs/promises';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type CxPulseApp } from '../../src/app.js';
import { DEFAULT_CONFIG } from '../../src/config/app-config.js';
import { loadPipelineFile } from '../../src/config/pipeline-loader.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import { InMemoryAlertStore } from '../../src/server/alert-store.js';
import { createMemoryDeadLetterSink } from '../../src/sinks/kafka/dead-letter-sink.js';
import { createInProcessSource } from '../../src/sources/in-process-source.js';
import { simulatedEvents } from '../../src/sources/simulator/driver.js';
import { parseScenario } from '../../src/sources/simulator/scenario.js';
import { launchChromium, type TestBrowser } from './chromium.js';

const OPERATOR_TOKEN = 'e2e-operator-secret';
const BILLING_VOICE = 'channel=voice,queue=billing/voice';
const pipelines = [
  loadPipelineFile('pipelines/contact-center.yaml'),
  loadPipelineFile('pipelines/at-risk.yaml'),
  loadPipelineFile('pipelines/tag-rankings.yaml'),
];
const scenario = parseScenario(
  {
    name: 'e2e',
    incidents: [
      { kind: 'understaffing', queues: ['billing/voice'], awayFraction: 0.9, from: '10s', to: '2h' },
      // The store goes quiet after five simulated minutes (5 s here): its tile must turn stale even
      // though its live gauges keep ticking.
      { kind: 'silent-feed', queue: 'store/store', from: '5m', to: '2h' },
      // Three six-minute waits, each abandoned: the third, at nine simulated minutes (about 9 s
      // here), crosses the VIP threshold of pipelines/at-risk.yaml and raises one work order.
      {
        kind: 'customer-contacts',
        customer: 'cu-e2e-scripted-vip',
        segment: 'vip',
        queue: 'vip/voice',
        contacts: 3,
        experience: 'bad',
        waitMs: 360_000,
        from: '1m',
        to: '4m',
      },
      // A storm of complaints about the points-mall items from the second simulated minute (2 s
      // here): the Top tags panel must show it first among the negative tags.
      {
        kind: 'tag-storm',
        topic: 'plan-selector',
        tag: 'points-mall-items',
        text: 'The points mall items are not worth the points',
        mood: 'negative',
        perMinute: 300,
        from: '2m',
        to: '2h',
      },
    ],
  },
  'e2e-scenario',
);
const alerts = new InMemoryAlertStore();

let app: CxPulseApp | undefined;
let metrics: Metrics | undefined;
let port = 0;
let context: BrowserContext;
let page: Page;
let browser: TestBrowser | undefined;

async function startApp(listenPort: number): Promise<number> {
  const config = structuredClone(DEFAULT_CONFIG);
  config.auth.tokens = [`operator:alice:${OPERATOR_TOKEN}`];
  metrics = createMetrics({ defaultMetrics: false });
  app = await buildApp({
    config,
    pipelines,
    // Simulated time starts an hour back, so the fast simulator stays behind the wall clock.
    source: createInProcessSource(
      simulatedEvents({ seed: 7, rate: 100, speed: 60, startTs: Date.now() - 3_600_000, scenario }),
      { topic: 'simulator' },
    ),
    sourceName: 'simulator',
    deadLetters: createMemoryDeadLetterSink(),
    metrics,
    alerts,
  });
  await app.start();
  const address = await app.server.listen({ host: '127.0.0.1', port: listenPort });
  return Number(new URL(address).port);
}

async function stopApp(): Promise<void> {
  await app?.stop();
  metrics?.close();
  app = undefined;
}

const tile = (keyId: string) => page.locator(`.tile[data-key="${keyId}"]`);

// Browser-side code as strings: the test compiles without the DOM lib.
const updatedAfter = (keyId: string, t: number) =>
  `Number(document.querySelector('.tile[data-key="${keyId}"]')?.getAttribute('data-updated-at')) > ${t}`;
const snapshotCount = async () => Number(await page.evaluate('document.body.dataset.snapshots'));

// playwright-core has no assertion library: vitest's expect.poll retries until the timeout.
const classOf = (selector: string) => () => page.locator(selector).getAttribute('class');
const textOf = (selector: string) => () => page.locator(selector).textContent();
const BILLING_TILE = `.tile[data-key="${BILLING_VOICE}"]`;
const ALERT_ITEM = '.alert[data-alert-id="sl-billing-voice"]';

beforeAll(async () => {
  port = await startApp(0);
  browser = await launchChromium();
  context = browser.context;
  page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`http://127.0.0.1:${port}/?board=contact-center&token=${OPERATOR_TOKEN}`);
});

afterAll(async () => {
  await browser?.close();
  await stopApp();
});

describe('wallboard', () => {
  it('shows tiles that update within 2 s of new values', async () => {
    await expect.poll(classOf('#conn'), { timeout: 10_000 }).toMatch(/\blive\b/);
    await tile(BILLING_VOICE).waitFor({ timeout: 10_000 });
    // Tiles appear as their keys' first values arrive: the others may follow billing/voice's.
    await expect.poll(() => page.locator('.tile').count(), { timeout: 10_000 }).toBeGreaterThan(3);
    const before = Number(await tile(BILLING_VOICE).getAttribute('data-updated-at'));
    // Gauges fire every second of processing time; the tile must show one within 2 s.
    await page.waitForFunction(updatedAfter(BILLING_VOICE, before), undefined, { timeout: 2_000 });
    await expect.poll(textOf(`${BILLING_TILE} .headline-value`), { timeout: 5_000 }).toMatch(/%$/);
  });

  it('marks a tile stale when its events stop, however often its gauges tick', async () => {
    const board = await context.newPage();
    try {
      await board.goto(`http://127.0.0.1:${port}/?board=contact-center&staleAfter=3&token=${OPERATOR_TOKEN}`);
      const store = '.tile[data-key="channel=store,queue=store/store"]';
      const billing = `.tile[data-key="${BILLING_VOICE}"]`;
      await board.locator(store).waitFor({ timeout: 20_000 });
      await expect
        .poll(() => board.locator(store).getAttribute('class'), { timeout: 30_000 })
        .toMatch(/\bstale\b/);
      expect(await board.locator(`${store} .fresh`).textContent()).toMatch(/^stale · /);
      expect(await board.locator(billing).getAttribute('class')).not.toMatch(/\bstale\b/);
    } finally {
      await board.close();
    }
  });

  it('turns the understaffed queue red', async () => {
    // Its service level itself breaches, not just some noisy early indicator.
    const headlineStatus = () => page.locator(`${BILLING_TILE} .headline-value`).getAttribute('data-status');
    await expect.poll(headlineStatus, { timeout: 30_000 }).toBe('breach');
    await expect.poll(classOf(BILLING_TILE), { timeout: 30_000 }).toMatch(/status-breach/);
    const stripe = await page.locator(BILLING_TILE).evaluate(
      (el) =>
        (
          globalThis as unknown as {
            getComputedStyle: (e: unknown, p: string) => { backgroundColor: string };
          }
        ).getComputedStyle(el, '::before').backgroundColor,
    );
    expect(stripe).toBe('rgb(239, 68, 68)');
  });

  it('shows a fed alert in the ticker and lets the operator acknowledge it', async () => {
    alerts.upsert({
      id: 'sl-billing-voice',
      rule: 'service-level-breach',
      severity: 'critical',
      state: 'firing',
      pipeline: 'contact-center',
      indicator: 'service_level',
      window: '5m/10s',
      key: { queue: 'billing/voice', channel: 'voice' },
      keyId: BILLING_VOICE,
      summary: 'Service level below 70% on billing/voice',
      startedAt: Date.now() - 90_000,
    });
    await expect
      .poll(textOf(ALERT_ITEM), { timeout: 5_000 })
      .toContain('Service level below 70% on billing/voice');
    await mkdir('reports', { recursive: true });
    await page.screenshot({ path: 'reports/wallboard.png' });
    await page.locator(`${ALERT_ITEM} button.ack`).click();
    await expect.poll(textOf(ALERT_ITEM), { timeout: 5_000 }).toContain('acknowledged by alice');
    expect(alerts.get('sl-billing-voice')?.acknowledgedBy).toBe('alice');
  });

  it('shows a work order raised by the at-risk pipeline, pushed live over the WebSocket', async () => {
    const row = page.locator('tr.work-order.segment-vip', { hasText: 'vip-care' });
    await row.first().waitFor({ timeout: 30_000 });
    expect(await row.first().locator('.wo-cause').textContent()).toBe('abandons');
    expect(await row.first().locator('.wo-evidence').textContent()).toMatch(/^abandons 3\/3\b/);
    expect(await row.first().locator('.wo-time').textContent()).toMatch(/^\d\d:\d\d/);
    // It was raised well after the page connected, so it came as a `workOrder` message.
    expect(Number(await page.evaluate('document.body.dataset.workOrderMessages'))).toBeGreaterThan(0);
    const api = await page.evaluate(
      `fetch('/api/work-orders?token=${OPERATOR_TOKEN}').then((r) => r.json())`,
    );
    const listed = (api as { workOrders: Array<Record<string, unknown>> }).workOrders.find(
      (o) => o.ownerTeam === 'vip-care' && o.cause === 'abandons',
    );
    expect(listed).toBeDefined();
    expect(JSON.stringify(api)).not.toContain('cu-e2e-scripted-vip');
    expect(listed!.customer).toMatch(/^[0-9a-f]{64}$/);
    await page.screenshot({ path: 'reports/wallboard-work-orders.png' });
  });

  it('shows the tag storm first in the Top tags panel, with its share, as the API ranks it', async () => {
    const firstNegative = page.locator('#tags-negative li').first();
    await expect
      .poll(() => firstNegative.getAttribute('data-tag'), { timeout: 30_000 })
      .toBe('points-mall-items');
    expect(await firstNegative.locator('.tag-share').textContent()).toMatch(/^\d+%/);
    expect(await page.locator('#tags-positive li').count()).toBeGreaterThan(0);
    expect(await page.locator('#tags-negative-of').textContent()).toMatch(
      /^of \d+ negative answers · 15m\/1m/,
    );
    const api = (await page.evaluate(
      `fetch('/api/tag-rankings?window=15m/1m&polarity=negative&token=${OPERATOR_TOKEN}').then((r) => r.json())`,
    )) as { rankings: Array<{ entries: Array<{ tag: string }> }> };
    expect(api.rankings[0]!.entries[0]!.tag).toBe('points-mall-items');
    await page.screenshot({ path: 'reports/wallboard-tag-rankings.png' });
  });

  it('reconnects after a server restart on the same port and shows fresh data', async () => {
    const snapshotsBefore = await snapshotCount();
    await stopApp();
    await expect.poll(classOf('#conn'), { timeout: 5_000 }).toMatch(/offline/);
    const restartedAt = Date.now();
    await startApp(port);
    await expect.poll(classOf('#conn'), { timeout: 15_000 }).toMatch(/\blive\b/);
    expect(await snapshotCount()).toBeGreaterThan(snapshotsBefore);
    await page.waitForFunction(updatedAfter(BILLING_VOICE, restartedAt), undefined, { timeout: 5_000 });
    // The acknowledged alert is still firing and still acknowledged after the reconnect.
    await expect.poll(textOf(ALERT_ITEM), { timeout: 5_000 }).toContain('acknowledged by alice');
  });
});
