import { describe, expect, it } from 'vitest';
import type { Alert, AlertTransition } from '../../../src/alerts/alert.js';
import type { IncidentLabel } from '../../../src/sources/simulator/scenario.js';
import {
  DEFAULT_GRACE_MS,
  firingsOf,
  matchesIncident,
  perDay,
  scoreRun,
  type Firing,
} from '../../../bench/incident-scoring.js';

const T0 = Date.UTC(2026, 0, 5, 8);
const MIN = 60_000;
const PIPELINES = ['contact-center', 'digital-journeys', 'voice-of-customer'];

function incident(
  kind: IncidentLabel['kind'],
  target: string,
  fromMin: number,
  toMin: number | null,
): IncidentLabel {
  return {
    scenario: 'test',
    kind,
    target,
    startTs: T0 + fromMin * MIN,
    endTs: toMin === null ? null : T0 + toMin * MIN,
  };
}

function firing(
  atMin: number,
  pipeline: string,
  labels: Record<string, string>,
  ruleType: Firing['ruleType'] = 'threshold',
): Firing {
  return { at: T0 + atMin * MIN, pipeline, rule: 'r', ruleType, keyId: JSON.stringify(labels), labels };
}

function score(incidents: IncidentLabel[], firings: Firing[], endMin = 60) {
  return scoreRun({ incidents, firings, runStartTs: T0, runEndTs: T0 + endMin * MIN, pipelines: PIPELINES });
}

describe('scoreRun', () => {
  it('detects an incident with the first matching firing, in seconds from its start', () => {
    const result = score(
      [incident('understaffing', 'billing/voice', 1, 25)],
      [
        firing(2.5, 'contact-center', { queue: 'billing/voice' }),
        firing(4, 'contact-center', { queue: 'billing/voice' }),
      ],
    );
    expect(result.incidents[0]).toMatchObject({ detected: true, detectSeconds: 90 });
    expect(result.falseAlerts).toEqual([]);
  });

  it('misses an incident when the only matching firing comes after end + grace', () => {
    const late = firing(25 + DEFAULT_GRACE_MS / MIN + 0.5, 'contact-center', { queue: 'billing/voice' });
    const result = score([incident('understaffing', 'billing/voice', 1, 25)], [late]);
    expect(result.incidents[0]).toMatchObject({ detected: false, detectSeconds: null, detectedBy: null });
    // ...and that firing, attributable to nothing, is a false alert.
    expect(result.falseAlerts).toEqual([late]);
    expect(result.falseAlertsByPipeline['contact-center']).toBe(1);
  });

  it('counts a firing within the grace after the end as detection, and one before the start as false', () => {
    const early = firing(0.5, 'digital-journeys', { touchpoint: 'payment-gateway' });
    const inGrace = firing(19, 'digital-journeys', { touchpoint: 'payment-gateway' });
    const result = score([incident('touchpoint-outage', 'payment-gateway', 8, 18)], [early, inGrace]);
    expect(result.incidents[0]).toMatchObject({ detected: true, detectSeconds: 11 * 60 });
    expect(result.falseAlerts).toEqual([early]);
  });

  it('counts firings on other targets during an incident as false alerts, per pipeline', () => {
    const result = score(
      [incident('touchpoint-outage', 'payment-gateway', 8, 18)],
      [
        firing(10, 'digital-journeys', { touchpoint: 'login' }),
        firing(10, 'contact-center', { queue: 'billing/voice' }),
      ],
    );
    expect(result.incidents[0]!.detected).toBe(false);
    expect(result.falseAlertsByPipeline).toEqual({
      'contact-center': 1,
      'digital-journeys': 1,
      'voice-of-customer': 0,
    });
  });

  it('runs an open-ended incident to the end of the run', () => {
    const result = score(
      [incident('latency-degradation', 'login', 30, null)],
      [firing(61, 'digital-journeys', { touchpoint: 'login' })],
    );
    expect(result.incidents[0]).toMatchObject({ detected: true, detectSeconds: 31 * 60 });
  });

  it('leaves out incidents that start after the run', () => {
    expect(score([incident('social-surge', 'payment-gateway', 90, 100)], []).incidents).toEqual([]);
  });
});

describe('matchesIncident', () => {
  it('matches understaffing on any of its queues, touchpoint incidents on the touchpoint', () => {
    const multi = incident('understaffing', 'billing/voice,billing/chat', 0, 1);
    expect(matchesIncident(firing(0, 'contact-center', { queue: 'billing/chat' }), multi)).toBe(true);
    expect(matchesIncident(firing(0, 'contact-center', { queue: 'sales/chat' }), multi)).toBe(false);
    const slow = incident('latency-degradation', 'login', 0, 1);
    expect(matchesIncident(firing(0, 'digital-journeys', { touchpoint: 'login' }), slow)).toBe(true);
    expect(matchesIncident(firing(0, 'digital-journeys', { touchpoint: 'id-check' }), slow)).toBe(false);
  });

  it('matches understaffing on the team serving its queues when the alert names a team, not a queue', () => {
    const short = incident('understaffing', 'tech-support/voice', 0, 1);
    expect(matchesIncident(firing(0, 'employee-experience', { team: 'tech-voice' }), short)).toBe(true);
    expect(matchesIncident(firing(0, 'employee-experience', { team: 'tech-chat' }), short)).toBe(false);
    // Team sales serves sales/voice and sales/chat: either queue's understaffing is its overload.
    const sales = incident('understaffing', 'sales/chat', 0, 1);
    expect(matchesIncident(firing(0, 'employee-experience', { team: 'sales' }), sales)).toBe(true);
  });

  it('matches a social surge only from voice-of-customer and public-opinion', () => {
    const surge = incident('social-surge', 'payment-gateway', 0, 1);
    expect(matchesIncident(firing(0, 'voice-of-customer', { touchpoint: 'payment-gateway' }), surge)).toBe(
      true,
    );
    expect(matchesIncident(firing(0, 'public-opinion', { touchpoint: 'payment-gateway' }), surge)).toBe(true);
    expect(matchesIncident(firing(0, 'public-opinion', { touchpoint: 'login' }), surge)).toBe(false);
    expect(matchesIncident(firing(0, 'digital-journeys', { touchpoint: 'payment-gateway' }), surge)).toBe(
      false,
    );
  });

  it('matches a silent feed only with a silence rule, pipeline-wide or on its queue', () => {
    const silent = incident('silent-feed', 'billing/voice', 0, 1);
    expect(matchesIncident(firing(0, 'contact-center', {}, 'silence'), silent)).toBe(true);
    expect(matchesIncident(firing(0, 'contact-center', { queue: 'billing/voice' }, 'silence'), silent)).toBe(
      true,
    );
    expect(matchesIncident(firing(0, 'contact-center', { queue: 'sales/voice' }, 'silence'), silent)).toBe(
      false,
    );
    expect(matchesIncident(firing(0, 'contact-center', { queue: 'billing/voice' }), silent)).toBe(false);
  });

  it('matches no alert to an account heading for zero balance (a proactive-care notification)', () => {
    const usage = incident('account-usage', 'acct-7', 0, 60);
    expect(matchesIncident(firing(1, 'proactive-care', { account: 'acct-7' }), usage)).toBe(false);
    // So an alert during one is a false alert, not a detection.
    const result = score([usage], [firing(1, 'contact-center', { queue: 'billing/voice' })]);
    expect(result.falseAlerts).toHaveLength(1);
  });
});

describe('firingsOf', () => {
  const alert = (id: string) =>
    ({
      id,
      pipeline: 'contact-center',
      rule: 'service-level-breach',
      ruleType: 'threshold',
      keyId: 'queue=billing/voice',
      labels: { queue: 'billing/voice' },
    }) as unknown as Alert;
  const t = (
    from: AlertTransition['from'],
    change: AlertTransition['change'],
    at: number,
  ): AlertTransition => ({
    from,
    to:
      change === 'cancelled' || change === 'resolved'
        ? 'resolved'
        : change === 'pending'
          ? 'pending'
          : 'firing',
    change,
    alert: alert(String(at)),
    at,
  });

  it('keeps only transitions into firing, in time order', () => {
    const firings = firingsOf([
      t('inactive', 'pending', 1),
      t('pending', 'firing', 5),
      t('firing', 'flapping', 6),
      t('firing', 'unsilenced', 7),
      t('inactive', 'firing', 3),
      t('firing', 'resolved', 9),
    ]);
    expect(firings.map((f) => f.at)).toEqual([3, 5]);
  });
});

describe('perDay', () => {
  it('scales a count to 24 h', () => {
    expect(perDay(3, 6 * 3_600_000)).toBe(12);
    expect(() => perDay(1, 0)).toThrow(RangeError);
  });
});
