/**
 * The Insights and Proactive care panels end to end: the app on the in-process simulator with a
 * shipped scenario (or an inline one) that raises the content, a real Chromium on the wallboard.
 * Each board is opened and live before the simulator starts, so its snapshot is empty and every
 * row it shows came over the WebSocket (`insight`, `proactiveNotification`); a recorder in the page
 * keeps the ids of what each message carried. Every row is compared with GET /api/insights or
 * GET /api/proactive-notifications of the same app.
 *
 * - Channel diversion: scenarios/voice-overload-idle-chat.yaml (billing voice loses 40 % of its
 *   agents from 5 to 35 minutes, the intraday reserve gives back at most 15 % of its plan, billing
 *   chat has spare ones): one suggestion, then its resolution.
 * - Driver analysis: scenarios/payment-failures-drive-csat.yaml (payment gateway failing 45 % from
 *   10 minutes during a survey campaign): payment-gateway named the CSAT driver.
 * - Proactive care: two prepaid accounts draining 2 000 MB at about 200 MB a day, a day apart, and
 *   one with 6 000 MB that lasts: a notification for each draining account, none for the other.
 */
import { createHmac } from 'node:crypto';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProactiveNotification } from '../../src/analytics/proactive/proactive-notification.js';
import type {
  ChannelDiversionInsight,
  DriverAnalysisInsight,
  Insight,
} from '../../src/analytics/insights/insight.js';
import { buildApp, type CxPulseApp } from '../../src/app.js';
import { DEFAULT_CONFIG } from '../../src/config/app-config.js';
import { loadPipelineFile } from '../../src/config/pipeline-loader.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import { createMemoryDeadLetterSink } from '../../src/sinks/kafka/dead-letter-sink.js';
import { createInProcessSource } from '../../src/sources/in-process-source.js';
import { simulatedEvents } from '../../src/sources/simulator/driver.js';
import {
  loadScenarioFile,
  parseScenario,
  scenarioLabels,
  type Scenario,
} from '../../src/sources/simulator/scenario.js';
import { launchChromium, type TestBrowser } from './chromium.js';

const MIN = 60_000;
const DAY = 86_400_000;
const PSEUDONYM_SECRET = 'e2e-pseudonym-secret';

/** Ids carried by the WebSocket messages the page received, per message type, in order. */
interface Received {
  snapshot: string[][];
  insight: string[];
  proactiveNotification: string[];
}

// Browser-side code as a string: the test compiles without the DOM lib. Added before the
// wallboard's own listener, so a row's message is always recorded before the row is rendered.
const RECORD_MESSAGES = `(() => {
  const received = { snapshot: [], insight: [], proactiveNotification: [] };
  window.__received = received;
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        const m = JSON.parse(event.data);
        if (m.type === 'snapshot')
          received.snapshot.push([
            ...(m.insights ?? []).map((i) => i.id),
            ...(m.proactiveNotifications ?? []).map((n) => n.id),
          ]);
        else if (m.type === 'insight') received.insight.push(m.insight.id);
        else if (m.type === 'proactiveNotification') received.proactiveNotification.push(m.notification.id);
      });
    }
  };
})()`;

interface RunningBoard {
  app: CxPulseApp;
  metrics: Metrics;
  page: Page;
  address: string;
  startTs: number;
  scenario: Scenario;
}

let context: BrowserContext;
let browser: TestBrowser | undefined;

beforeAll(async () => {
  browser = await launchChromium();
  context = browser.context;
});

afterAll(async () => {
  await browser?.close();
});

/**
 * Builds the app, opens the wallboard on it and waits until the page is live, then starts the
 * simulator: whatever the panels show later arrived over the open WebSocket.
 */
async function startBoard(options: {
  pipelines: string[];
  scenario: Scenario;
  startTs: number;
  seed: number;
  rate: number;
  speed: number;
}): Promise<RunningBoard> {
  const config = structuredClone(DEFAULT_CONFIG);
  config.clickhouse.pseudonymSecret = PSEUDONYM_SECRET;
  const metrics = createMetrics({ defaultMetrics: false });
  const app = await buildApp({
    config,
    pipelines: options.pipelines.map((file) => loadPipelineFile(file)),
    source: createInProcessSource(
      simulatedEvents({
        seed: options.seed,
        rate: options.rate,
        speed: options.speed,
        // A flat rate, as the scenarios were measured with (no time-of-day dependence).
        seasonality: false,
        startTs: options.startTs,
        scenario: options.scenario,
      }),
      { topic: 'simulator' },
    ),
    sourceName: 'simulator',
    deadLetters: createMemoryDeadLetterSink(),
    metrics,
  });
  const page = await context.newPage();
  try {
    const address = await app.server.listen({ host: '127.0.0.1', port: 0 });
    await page.addInitScript(RECORD_MESSAGES);
    await page.goto(`${address}/?board=contact-center`);
    await page.waitForFunction("document.getElementById('conn').classList.contains('live')", undefined, {
      timeout: 10_000,
    });
    await app.start();
    return { app, metrics, page, address, startTs: options.startTs, scenario: options.scenario };
  } catch (error) {
    await stopBoard({ app, metrics, page });
    throw error;
  }
}

async function stopBoard(board: Pick<RunningBoard, 'app' | 'metrics' | 'page'> | undefined): Promise<void> {
  await board?.page.close();
  await board?.app.stop();
  board?.metrics.close();
}

const received = (page: Page) => page.evaluate('window.__received') as Promise<Received>;

/** Snapshots the page got: one means it never reloaded nor reconnected. */
const snapshots = async (page: Page) => Number(await page.evaluate('document.body.dataset.snapshots'));

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

/** Retries `attempt` until it returns a value (a row and the API agreeing on one id, say). */
async function eventually<T>(attempt: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`no match within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Cell texts of a row, by class. */
async function cells(row: Locator, classes: string[]): Promise<string[]> {
  return Promise.all(classes.map(async (c) => (await row.locator(`.${c}`).first().textContent()) ?? ''));
}

// The panels' number formats (insights.js, proactive.js), to read their text against the API.
const pct = (share: number) => `${Math.round(share * 100)} %`;
const num = (v: number | null) =>
  v === null || !Number.isFinite(v) ? '–' : String(Number(v.toPrecision(2)));
const amount = (v: number) => (Math.abs(v) >= 100 ? String(Math.round(v)) : String(Number(v.toPrecision(2))));

describe('Insights panel: channel diversion', () => {
  let board: RunningBoard | undefined;
  let suggestion: ChannelDiversionInsight | undefined;

  beforeAll(async () => {
    board = await startBoard({
      pipelines: ['pipelines/channel-diversion.yaml'],
      scenario: await loadScenarioFile('scenarios/voice-overload-idle-chat.yaml'),
      // 30 contacts a minute and seed 1, as docs/analytics.md measured it; four simulated minutes
      // per second, from three hours back so the simulator stays behind the wall clock (decoding
      // refuses events from the future).
      seed: 1,
      rate: 30,
      speed: 240,
      startTs: Date.now() - 3 * 3_600_000,
    });
  });
  afterAll(() => stopBoard(board));

  it('shows the billing voice → chat suggestion pushed live, with the numbers the API returns', async () => {
    const { page, address, startTs, scenario } = board!;
    const drop = scenarioLabels(scenario, startTs).find((l) => l.kind === 'understaffing')!;
    const row = page.locator('li.insight.diversion');
    await row.first().waitFor({ timeout: 30_000 });
    expect(await row.count()).toBe(1);
    const id = (await row.getAttribute('data-insight-id'))!;
    const api = await getJson<{ insights: Insight[] }>(`${address}/api/insights?kind=channel-diversion`);
    suggestion = api.insights.find((i) => i.id === id) as ChannelDiversionInsight;
    expect(suggestion).toMatchObject({ key: 'billing/voice->billing/chat', state: 'suggested' });
    const d = suggestion.details;

    // The page says what the API says.
    expect(await cells(row, ['in-kind', 'in-subject', 'in-value', 'in-detail'])).toEqual([
      'Divert',
      'billing/voice → billing/chat',
      `${Math.round(d.contactsPerHour)}/h`,
      `billing/voice ${pct(d.fromServiceLevelNow)} → ${pct(d.fromServiceLevelAfter)} (target 70 %) · ` +
        `billing/chat ${pct(d.toServiceLevelNow)} → ${pct(d.toServiceLevelAfter)}`,
    ]);
    expect(await row.getAttribute('title')).toBe(suggestion.summary);

    // And the API's suggestion is one: voice far below target, chat with slack, the move a whole
    // number of steps, within half of voice's arrivals, enough for voice and not too much for chat.
    expect(d.fromServiceLevelNow).toBeLessThan(d.fromTarget - 0.05);
    expect(d.fromServiceLevelAfter).toBeGreaterThanOrEqual(d.fromTarget);
    expect(d.toServiceLevelAfter).toBeGreaterThanOrEqual(d.toTarget);
    expect(d.contactsPerHour).toBeGreaterThan(0);
    expect(d.contactsPerHour % 5).toBe(0);
    expect(d.contactsPerHour).toBeLessThanOrEqual(0.5 * d.fromArrivalsPerHour);
    // Three minutes of breaching finals (for: 18 every 10 s) after the drop, and not long after.
    expect(suggestion.ts).toBeGreaterThanOrEqual(drop.startTs + 3 * MIN);
    expect(suggestion.ts).toBeLessThan(drop.startTs + 10 * MIN);

    // It came over the open WebSocket: the only snapshot was empty and the page never reloaded.
    const got = await received(page);
    expect(got.snapshot).toEqual([[]]);
    expect(got.insight).toContain(id);
    expect(await snapshots(page)).toBe(1);
  });

  it('takes the suggestion off the panel, without a reload, once voice is staffed again', async () => {
    const { page, address, startTs, scenario } = board!;
    expect(suggestion).toBeDefined();
    const back = scenarioLabels(scenario, startTs).find((l) => l.kind === 'understaffing')!.endTs!;
    await expect.poll(() => page.locator('li.insight.diversion').count(), { timeout: 40_000 }).toBe(0);
    const api = await getJson<{ insights: ChannelDiversionInsight[] }>(
      `${address}/api/insights?kind=channel-diversion&state=resolved`,
    );
    expect(api.insights).toHaveLength(1);
    const resolved = api.insights[0]!;
    expect(resolved.key).toBe('billing/voice->billing/chat');
    expect(resolved.details.suggestedAt).toBe(suggestion!.ts);
    expect(resolved.summary).toMatch(/^Diversion billing\/voice → billing\/chat no longer needed/);
    expect(resolved.ts).toBeGreaterThan(back);
    expect((await received(page)).insight).toContain(resolved.id);
    expect(await snapshots(page)).toBe(1);
    // Nothing else to say: no other pair was suggested.
    expect(await page.locator('#no-insights').isVisible()).toBe(true);
  });
});

describe('Insights panel: driver analysis', () => {
  let board: RunningBoard | undefined;

  beforeAll(async () => {
    board = await startBoard({
      pipelines: ['pipelines/driver-analysis.yaml'],
      scenario: await loadScenarioFile('scenarios/payment-failures-drive-csat.yaml'),
      seed: 1,
      rate: 30,
      speed: 240,
      startTs: Date.now() - 3 * 3_600_000,
    });
  });
  afterAll(() => stopBoard(board));

  const csatRow = () => board!.page.locator('li.insight.drivers', { hasText: 'CSAT drivers' });

  it('names payment-gateway the CSAT driver, with the figures of the report the API returns', async () => {
    const { page, address, startTs, scenario } = board!;
    const outage = scenarioLabels(scenario, startTs).find((l) => l.kind === 'touchpoint-outage')!;
    await page
      .locator('li.insight.drivers.has-driver', { hasText: 'CSAT drivers' })
      .waitFor({ timeout: 30_000 });
    // A report every two simulated minutes replaces the last one, on the page and in the API: read
    // the row, then the API, until both hold the same report.
    const { report, shown } = await eventually(async () => {
      const row = csatRow();
      const id = await row.getAttribute('data-insight-id');
      const api = await getJson<{ insights: DriverAnalysisInsight[] }>(
        `${address}/api/insights?kind=driver-analysis&state=report`,
      );
      const drivers = row.locator('.in-driver');
      const shown = {
        subjects: await drivers.locator('.in-subject').allTextContents(),
        details: await drivers.locator('.in-detail').allTextContents(),
        flagged: await row.locator('.in-driver.driver .in-subject').allTextContents(),
        title: await row.getAttribute('title'),
      };
      const report = api.insights.find((i) => i.id === id);
      return report && (await row.getAttribute('data-insight-id')) === id ? { report, shown } : undefined;
    }, 10_000);

    const d = report.details;
    expect(report.key).toBe('csat');
    expect(d.driverTouchpoints).toEqual(['payment-gateway']);
    const top = d.drivers.slice(0, 3);
    expect(shown.subjects).toEqual(top.map((e) => e.touchpoint));
    expect(shown.details).toEqual(top.map((e) => ` r ${num(e.r)} · ${num(e.effect)} pts · n ${e.n}`));
    expect(shown.flagged).toEqual(['payment-gateway']);
    expect(shown.title).toBe(report.summary);
    expect(report.summary).toMatch(/^CSAT is driven down most by payment-gateway now/);

    // The figures are a driver's: answers after a failure there half a point lower or worse,
    // significant after Bonferroni, in a report of a window that saw the outage.
    const first = d.drivers[0]!;
    expect(first).toMatchObject({ touchpoint: 'payment-gateway', driver: true });
    expect(first.effect).toBeLessThan(-0.5);
    expect(first.rHigh).toBeLessThan(0);
    expect(first.pValue).toBeLessThan(0.05 / d.touchpointsTested);
    expect(report.ts).toBeGreaterThan(outage.startTs);

    const got = await received(page);
    expect(got.snapshot).toEqual([[]]);
    expect(got.insight).toContain(report.id);
  });

  it('replaces the report with the next one as it arrives, without a reload', async () => {
    const { page } = board!;
    const before = await csatRow().getAttribute('data-insight-id');
    await expect.poll(() => csatRow().getAttribute('data-insight-id'), { timeout: 10_000 }).not.toBe(before);
    const now = (await csatRow().getAttribute('data-insight-id'))!;
    expect((await received(page)).insight).toContain(now);
    // One row per score, the new one in place of the old.
    expect(await csatRow().count()).toBe(1);
    expect(await page.locator(`li.insight[data-insight-id="${before}"]`).count()).toBe(0);
    expect(await page.locator('li.insight.drivers', { hasText: 'NPS drivers' }).count()).toBe(1);
    expect(await snapshots(page)).toBe(1);
  });
});

describe('Proactive care panel', () => {
  let board: RunningBoard | undefined;
  const pseudonym = (id: string) => createHmac('sha256', PSEUDONYM_SECRET).update(id).digest('hex');
  const usage = (account: string, balance: number, from: number) => ({
    kind: 'account-usage',
    account,
    segment: 'prepaid',
    metric: 'data-mb',
    unit: 'MB',
    balance,
    dailyUsage: 200,
    from: `${from}ms`,
  });
  // Filled by the first test, read by the second.
  let firstSeen: string | undefined;
  let accountsFrom = 0;

  beforeAll(async () => {
    // Decoding refuses events more than 7 days old: start 6.9 days back, a simulated day per
    // second. The accounts start at the next UTC midnight, so their first daily bucket is whole
    // and each is forecast (three complete days) at the start of its fifth day, whatever the hour:
    // the later one by day 6.1, before the simulator reaches the wall clock (where decoding
    // refuses events from the future).
    const startTs = Date.now() - 6.9 * DAY;
    accountsFrom = Math.ceil(startTs / DAY) * DAY - startTs;
    board = await startBoard({
      pipelines: ['pipelines/proactive-care.yaml'],
      scenario: parseScenario(
        {
          name: 'e2e-proactive-care',
          incidents: [
            usage('acc-e2e-draining', 2000, accountsFrom),
            usage('acc-e2e-lasting', 6000, accountsFrom),
            usage('acc-e2e-draining-later', 2000, accountsFrom + DAY),
          ],
        },
        'e2e-proactive-care',
      ),
      seed: 7,
      rate: 0.01,
      speed: DAY / 1000,
      startTs,
    });
  });
  afterAll(() => stopBoard(board));

  const rows = () => board!.page.locator('tr.proactive-notification');

  it('shows the draining account, pushed live, as the API lists it', async () => {
    const { page, address, startTs } = board!;
    await rows().first().waitFor({ timeout: 30_000 });
    firstSeen = (await rows().first().getAttribute('data-notification-id'))!;
    const api = await getJson<{ notifications: ProactiveNotification[] }>(
      `${address}/api/proactive-notifications`,
    );
    const n = api.notifications.find((x) => x.id === firstSeen)!;
    expect(n).toBeDefined();
    expect(n.entity).toBe(pseudonym('acc-e2e-draining'));
    expect(JSON.stringify(api)).not.toContain('acc-e2e');

    const row = page.locator(`tr.proactive-notification[data-notification-id="${firstSeen}"]`);
    const [time, ...rest] = await cells(row, [
      'pn-time',
      'pn-segment',
      'pn-series',
      'pn-left',
      'pn-forecast',
      'pn-run-out',
    ]);
    expect(time).toMatch(/\d\d:\d\d/);
    expect(rest).toEqual([
      'prepaid',
      'data-mb',
      amount(n.remaining),
      `${amount(n.predictedUsage)} / 7 d`,
      `in ${((n.predictedRunOutTs! - n.ts) / DAY).toFixed(1)} d`,
    ]);
    expect(await row.getAttribute('title')).toMatch(
      new RegExp(`^accountId ${pseudonym('acc-e2e-draining').slice(0, 12)}… · `),
    );

    // A notification before the account runs dry: a week's forecast use (with the 10 % margin)
    // reaches what is left, after three complete days of history, the run-out days ahead.
    expect(n.predictedUsage * 1.1).toBeGreaterThanOrEqual(n.remaining);
    expect(n.remaining).toBeGreaterThan(0);
    expect(n.historyBuckets).toBeGreaterThanOrEqual(3);
    expect(n.ts).toBeGreaterThanOrEqual(startTs + accountsFrom + 4 * DAY);
    expect(n.predictedRunOutTs! - n.ts).toBeGreaterThan(3 * DAY);
    expect(n.predictedRunOutTs! - n.ts).toBeLessThan(7 * DAY);

    const got = await received(page);
    expect(got.snapshot).toEqual([[]]);
    expect(got.proactiveNotification).toContain(firstSeen);
  });

  it('puts the next draining account on top as it arrives, and never the one that lasts', async () => {
    const { page, address } = board!;
    expect(firstSeen).toBeDefined();
    await expect.poll(() => rows().count(), { timeout: 20_000 }).toBe(2);
    const shown = await rows().evaluateAll((r) =>
      r.map((el) => (el as unknown as { dataset: { notificationId: string } }).dataset.notificationId),
    );
    const api = await getJson<{ notifications: ProactiveNotification[] }>(
      `${address}/api/proactive-notifications`,
    );
    // Newest first on both; the later account on top, the first one still below it.
    expect(shown).toEqual(api.notifications.map((n) => n.id));
    expect(shown[1]).toBe(firstSeen);
    expect(api.notifications.map((n) => n.entity)).toEqual([
      pseudonym('acc-e2e-draining-later'),
      pseudonym('acc-e2e-draining'),
    ]);
    // A day later to the hour: the same use, one day behind.
    const apart = api.notifications[0]!.ts - api.notifications[1]!.ts;
    expect(apart).toBeGreaterThan(DAY - 2 * 3_600_000);
    expect(apart).toBeLessThan(DAY + 2 * 3_600_000);
    expect((await received(page)).proactiveNotification).toEqual([firstSeen, shown[0]]);
    expect(await snapshots(page)).toBe(1);
  });
});
