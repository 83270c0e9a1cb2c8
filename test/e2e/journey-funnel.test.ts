/**
 * The Journeys board end to end: the app on the in-process simulator (payment customers lost
 * between view-bill and pay, as in scenarios/watermelon-journey.yaml), a real Chromium on
 * /?board=journeys. The journey tiles come from journey-outcomes; the funnel panel from
 * journey-funnels, its stages in order, its conversions computed from the counts on the page.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type CxPulseApp } from '../../src/app.js';
import { DEFAULT_CONFIG } from '../../src/config/app-config.js';
import { loadPipelines } from '../../src/config/pipeline-loader.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import { createMemoryDeadLetterSink } from '../../src/sinks/kafka/dead-letter-sink.js';
import { createInProcessSource } from '../../src/sources/in-process-source.js';
import { simulatedEvents } from '../../src/sources/simulator/driver.js';
import { parseScenario } from '../../src/sources/simulator/scenario.js';
import { launchChromium, type TestBrowser } from './chromium.js';

const pipelines = loadPipelines([
  'pipelines/journey-outcomes.yaml',
  'pipelines/digital-journeys.yaml',
  'pipelines/journey-funnels.yaml',
]);
const scenario = parseScenario(
  {
    name: 'e2e-journeys',
    incidents: [
      { kind: 'journey-handoff', journey: 'payment', afterStage: 'view-bill', lossProbability: 0.4, from: 0 },
    ],
  },
  'e2e-journeys',
);

let app: CxPulseApp | undefined;
let metrics: Metrics | undefined;
let context: BrowserContext;
let page: Page;
let browser: TestBrowser | undefined;

beforeAll(async () => {
  metrics = createMetrics({ defaultMetrics: false });
  app = await buildApp({
    config: structuredClone(DEFAULT_CONFIG),
    pipelines,
    // An hour of simulated time behind the wall clock, a simulated minute per second.
    source: createInProcessSource(
      simulatedEvents({ seed: 7, rate: 100, speed: 60, startTs: Date.now() - 3_600_000, scenario }),
      { topic: 'simulator' },
    ),
    sourceName: 'simulator',
    deadLetters: createMemoryDeadLetterSink(),
    metrics,
  });
  await app.start();
  const address = await app.server.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
  context = browser.context;
  page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`${address}/?board=journeys`);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  metrics?.close();
});

/** Cell texts of one journey's funnel table, row by row. */
async function funnelRows(journey: string): Promise<string[][]> {
  return page
    .locator(`.funnel-table[data-journey="${journey}"] tbody tr`)
    .evaluateAll((rows) =>
      rows.map((r) =>
        Array.from(
          (r as unknown as { cells: ArrayLike<{ textContent: string }> }).cells,
          (c) => c.textContent,
        ),
      ),
    );
}

describe('Journeys board', () => {
  it('shows a tile per journey and, under them, each journey funnel in stage order', async () => {
    await page.locator('.tile[data-key="journey=payment"]').waitFor({ timeout: 20_000 });
    expect(await page.locator('.tile').count()).toBe(4);
    expect(await page.locator('#funnel').isVisible()).toBe(true);
    await expect.poll(() => page.locator('.funnel-table').count(), { timeout: 20_000 }).toBe(4);
    // Enough of the 15-minute window for the loss to show (a simulated minute per second).
    await page.waitForTimeout(8_000);
    const rows = await funnelRows('payment');
    expect(rows.map((r) => r.slice(0, 3))).toEqual([
      ['1', 'log-in', 'login'],
      ['2', 'view-bill', 'bill-view'],
      ['3', 'pay', 'payment-gateway'],
      ['4', 'receipt', 'receipt'],
    ]);
    const reached = rows.map((r) => Number(r[3]));
    const conversion = rows.map((r) => Number(r[5]!.replace('%', '')) / 100);
    for (let i = 0; i < 3; i++) expect(conversion[i]).toBeCloseTo(reached[i + 1]! / reached[i]!, 2);
    // The hand-off after view-bill loses four in ten: its conversion is the weak one, marked.
    expect(conversion[1]).toBeLessThan(0.7);
    expect(conversion[0]).toBeGreaterThan(0.9);
    const weak = page.locator('.funnel-table[data-journey="payment"] .funnel-conversion.weak');
    expect(await weak.count()).toBe(1);
    expect(await page.locator('.funnel-worst').count()).toBeGreaterThan(0);
  });

  it('ranks the touchpoints by the share of journey starts lost after their failures', async () => {
    const effects = await page
      .locator('.funnel-worst .worst-effect')
      .evaluateAll((items) => items.map((i) => Number(i.textContent!.replace('%', ''))));
    expect(effects.length).toBeGreaterThan(0);
    expect(effects).toEqual([...effects].sort((a, b) => b - a));
  });
});
