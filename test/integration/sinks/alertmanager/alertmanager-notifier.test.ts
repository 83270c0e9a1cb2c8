import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, AlertTransition } from '../../../../src/alerts/alert.js';
import { NotificationQueue } from '../../../../src/alerts/notifier.js';
import { createAlertmanagerNotifier } from '../../../../src/sinks/alertmanager/alertmanager-notifier.js';
import { startAlertmanager, type AlertmanagerService } from '../../../../scripts/lib/alertmanager-service.js';

interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  status: { state: string };
}

let am: AlertmanagerService;

beforeAll(async () => {
  am = await startAlertmanager();
});

afterAll(async () => {
  await am?.stop();
});

function transition(alert: Alert, from: AlertTransition['from']): AlertTransition {
  return {
    from,
    to: alert.status,
    change: alert.status === 'firing' ? 'firing' : 'resolved',
    alert,
    at: Date.now(),
  };
}

async function listAlerts(query: string): Promise<AmAlert[]> {
  const response = await fetch(`${am.url}/api/v2/alerts?${query}`);
  expect(response.ok).toBe(true);
  return (await response.json()) as AmAlert[];
}

describe('Alertmanager notifier against a real Alertmanager', () => {
  it('posts a firing alert with its labels and annotations, then resolves it with endsAt', async () => {
    const rule = `sl-breach-${Date.now().toString(36)}`;
    const startsAt = Date.now() - 60_000;
    const firing: Alert = {
      id: 'a1',
      dedupKey: `cc/${rule}|queue=billing/voice`,
      rule,
      ruleType: 'threshold',
      severity: 'critical',
      status: 'firing',
      pipeline: 'contact-center',
      indicator: 'service_level',
      window: '5m/10s',
      key: { queue: 'billing/voice' },
      keyId: 'queue=billing/voice',
      group: 'contact-center:queue=billing/voice',
      labels: {
        alertname: rule,
        severity: 'critical',
        pipeline: 'contact-center',
        indicator: 'service_level',
        window: '5m/10s',
        queue: 'billing/voice',
        group: 'contact-center:queue=billing/voice',
      },
      annotations: { summary: 'service_level 0.62 on queue=billing/voice', description: 'below 0.7' },
      value: 0.62,
      threshold: 0.7,
      activeAt: startsAt,
      startsAt,
      silenced: false,
      flapping: false,
    };
    const queue = new NotificationQueue(
      createAlertmanagerNotifier({ url: am.url, generatorUrl: 'http://cxpulse.test/' }),
    );
    queue.enqueue([transition(firing, 'pending')]);
    await queue.idle();
    expect(queue.stats).toMatchObject({ sent: 1, failed: 0 });

    const active = await listAlerts(`filter=alertname%3D%22${rule}%22&active=true`);
    expect(active).toHaveLength(1);
    expect(active[0]!.labels).toEqual(firing.labels);
    expect(active[0]!.annotations).toMatchObject({ summary: firing.annotations.summary, alert_id: 'a1' });
    expect(active[0]!.status.state).toBe('active');
    expect(Date.parse(active[0]!.startsAt)).toBe(startsAt);

    const endsAt = Date.now() - 1000;
    queue.enqueue([transition({ ...firing, status: 'resolved', endsAt }, 'firing')]);
    await queue.idle();
    expect(queue.stats).toMatchObject({ sent: 2, failed: 0 });
    // Resolved alerts leave the active list and keep their endsAt.
    let all: AmAlert[] = [];
    for (let i = 0; i < 20; i++) {
      all = await listAlerts(
        `filter=alertname%3D%22${rule}%22&active=true&inhibited=true&silenced=true&unprocessed=true`,
      );
      if (all.length === 0) break;
      await sleep(100);
    }
    expect(all).toEqual([]);
    await queue.close();
  });

  it('counts a failure and gives up on a bad request without retrying (400 is not retriable)', async () => {
    const notifier = createAlertmanagerNotifier({ url: am.url });
    const queue = new NotificationQueue(
      {
        ...notifier,
        send: (ts) => notifier.send(ts.map((t) => ({ ...t, alert: { ...t.alert, labels: {} } }))),
      },
      { retry: { initialDelayMs: 10, maxDelayMs: 10, factor: 1, jitter: 0, maxRetries: 3 } },
    );
    const alert = {
      labels: {},
      annotations: {},
      startsAt: 0,
      status: 'firing',
      silenced: false,
      id: 'x',
    } as unknown as Alert;
    queue.enqueue([transition(alert, 'pending')]);
    await queue.idle();
    expect(queue.stats).toMatchObject({ sent: 0, failed: 1, failedAttempts: 1 });
  });
});
