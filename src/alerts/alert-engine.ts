/**
 * The alert engine as an RxJS operator: batches of indicator values in, batches of alert
 * transitions out. Per rule and key (the dedup key) it runs the lifecycle
 *
 *   inactive ──bad──▶ pending ──bad × for──▶ firing ──ok × resolve.after──▶ resolved
 *                       └──ok/hold──▶ cancelled (never notified)
 *
 * `hold` verdicts (between the firing and the resolve threshold) keep a firing alert firing and
 * reset both counters. Flapping: when a resolve would make the key's fire/resolve flips within
 * `flapping.windowMs` exceed `flapping.maxFlips`, the alert stays firing, marked `flapping`, until
 * older flips age out of the window. Silences and acknowledgements live in the store; the engine
 * asks the store on every fire and on every check whether a firing alert is silenced, so a silence
 * that expires makes the alert notifiable again (`unsilenced`).
 *
 * Time is the scheduler's (processing time): startsAt, endsAt, flapping, silences, silence rules.
 */
import { Observable, Subscription, asyncScheduler, type OperatorFunction, type SchedulerLike } from 'rxjs';
import type { AlertRuleDefinition, Dimension, PipelineDefinition } from '../config/pipeline-definition.js';
import { publish } from '../observability/instrumentation.js';
import type { IndicatorValue } from '../windows/indicator-value.js';
import { dedupKeyOf, type Alert, type AlertChange, type AlertTransition } from './alert.js';
import type { MemoryAlertStore } from './alert-store.js';
import { anomalyRule } from './rules/anomaly-rule.js';
import { erlangCRule } from './rules/erlang-c-rule.js';
import type { RuleEvaluator, RuleVerdict } from './rules/rule-evaluator.js';
import { silenceRule } from './rules/silence-rule.js';
import { thresholdRule } from './rules/threshold-rule.js';
import { watermelonRule } from './rules/watermelon-rule.js';

export interface FlappingOptions {
  /** Flips (fire or resolve) allowed within `windowMs` before a resolve is held back. Default 4. */
  maxFlips: number;
  /** Default 30 minutes. */
  windowMs: number;
}

export interface AlertEngineOptions {
  pipelines: readonly PipelineDefinition[];
  scheduler?: SchedulerLike;
  /** Records every transition and holds silences and acknowledgements. */
  store?: MemoryAlertStore;
  flapping?: Partial<FlappingOptions>;
  /** How often silences are re-checked (and silence rules, at their own `checkEvery` or this). Default 10 s. */
  checkEveryMs?: number;
}

/** Dimensions that name a cause shared by several alerts, in order of preference. */
const GROUP_DIMENSIONS: Dimension[] = ['queue', 'touchpoint', 'journey'];

interface KeyState {
  status: 'inactive' | 'pending' | 'firing';
  badRun: number;
  okRun: number;
  alert?: Alert;
  /** Scheduler times of fires and resolves, newest last, pruned to the flapping window. */
  flips: number[];
}

/** `pipelines`: every pipeline the engine runs, for rules that read another pipeline's values (watermelon). */
export function createEvaluator(
  pipeline: PipelineDefinition,
  rule: AlertRuleDefinition,
  pipelines: readonly PipelineDefinition[] = [pipeline],
): RuleEvaluator {
  switch (rule.type) {
    case 'threshold':
      return thresholdRule(pipeline, rule);
    case 'anomaly':
      return anomalyRule(pipeline, rule);
    case 'silence':
      return silenceRule(pipeline, rule);
    case 'erlang-c':
      return erlangCRule(pipeline, rule);
    case 'watermelon':
      return watermelonRule(pipeline, rule, pipelines);
  }
}

export function alertEngine(
  options: AlertEngineOptions,
): OperatorFunction<IndicatorValue[], AlertTransition[]> {
  const scheduler = options.scheduler ?? asyncScheduler;
  const flapping: FlappingOptions = { maxFlips: 4, windowMs: 30 * 60_000, ...options.flapping };
  const store = options.store;

  return (source) =>
    new Observable<AlertTransition[]>((subscriber) => {
      // Per subscription: evaluators hold detectors and counters.
      const evaluators = options.pipelines.flatMap((p) =>
        (p.alerts ?? []).map((r) => createEvaluator(p, r, options.pipelines)),
      );
      const states = new Map<string, KeyState>();
      let seq = 0;
      const checkEveryMs = Math.min(
        options.checkEveryMs ?? 10_000,
        ...evaluators.map((e) => e.checkEveryMs ?? Infinity),
      );

      const transition = (
        out: AlertTransition[],
        state: KeyState,
        alert: Alert,
        from: AlertTransition['from'],
        change: AlertChange,
        now: number,
      ) => {
        state.alert = alert;
        const t: AlertTransition = { from, to: alert.status, change, alert, at: now };
        if (store) store.record(t);
        publish('alerts.transition', { pipeline: alert.pipeline, rule: alert.rule, change });
        out.push(t);
      };

      const silenceOf = (labels: Readonly<Record<string, string>>) => store?.silenceFor(labels);

      const apply = (evaluator: RuleEvaluator, v: RuleVerdict, now: number, out: AlertTransition[]) => {
        const { pipeline, rule } = evaluator;
        const dedupKey = dedupKeyOf(pipeline.name, rule.name, v.keyId);
        let state = states.get(dedupKey);
        if (!state) {
          if (v.verdict !== 'bad') return;
          state = { status: 'inactive', badRun: 0, okRun: 0, flips: [] };
          states.set(dedupKey, state);
        }
        const current = state.alert;
        if (v.verdict === 'bad') {
          state.okRun = 0;
          state.badRun++;
          if (state.status === 'firing') {
            // Keep the freshest numbers on the alert without announcing every window.
            state.alert = refresh(current!, v);
            return;
          }
          const from = state.status;
          const base =
            current && state.status === 'pending'
              ? refresh(current, v)
              : newAlert(pipeline, rule, v, dedupKey, now, ++seq);
          if (state.badRun >= rule.forCount) {
            const silence = silenceOf(base.labels);
            state.status = 'firing';
            state.flips.push(now);
            const alert: Alert = {
              ...base,
              status: 'firing',
              startsAt: now,
              silenced: silence !== undefined,
              ...(silence ? { silencedBy: silence.id } : {}),
            };
            transition(out, state, alert, from, 'firing', now);
          } else if (state.status === 'inactive') {
            state.status = 'pending';
            transition(out, state, base, 'inactive', 'pending', now);
          } else state.alert = base;
          return;
        }

        state.badRun = 0;
        if (v.verdict === 'ok') state.okRun++;
        else state.okRun = 0;
        if (state.status === 'pending') {
          state.status = 'inactive';
          transition(
            out,
            state,
            { ...current!, status: 'resolved', endsAt: now },
            'pending',
            'cancelled',
            now,
          );
          state.alert = undefined;
        } else if (state.status === 'firing' && v.verdict === 'ok' && state.okRun >= rule.resolveAfter) {
          while (state.flips.length > 0 && state.flips[0]! <= now - flapping.windowMs) state.flips.shift();
          if (state.flips.length + 1 > flapping.maxFlips) {
            if (!current!.flapping) {
              transition(out, state, { ...current!, flapping: true }, 'firing', 'flapping', now);
            }
            return;
          }
          state.flips.push(now);
          state.status = 'inactive';
          state.okRun = 0;
          // The firing annotations stay: they say what happened; the value is the one that resolved it.
          const resolved: Alert = {
            ...current!,
            value: v.value,
            status: 'resolved',
            endsAt: now,
            flapping: false,
          };
          transition(out, state, resolved, 'firing', 'resolved', now);
          state.alert = undefined;
        }
        if (state.status === 'inactive' && state.flips.length === 0) states.delete(dedupKey);
      };

      const recheckSilences = (now: number, out: AlertTransition[]) => {
        if (!store) return;
        for (const state of states.values()) {
          const alert = state.alert;
          if (state.status !== 'firing' || !alert) continue;
          const silence = silenceOf(alert.labels);
          if ((silence !== undefined) === alert.silenced) continue;
          if (silence) {
            // Newly silenced: recorded, not notified (isNotifiable skips silenced alerts).
            const { silencedBy: _previous, ...rest } = alert;
            transition(
              out,
              state,
              { ...rest, silenced: true, silencedBy: silence.id },
              'firing',
              'firing',
              now,
            );
          } else {
            const { silencedBy: _gone, ...rest } = alert;
            transition(out, state, { ...rest, silenced: false }, 'firing', 'unsilenced', now);
          }
        }
      };

      const subscription = new Subscription();
      const lastCheck = new Map<RuleEvaluator, number>();
      subscription.add(
        scheduler.schedule(function check() {
          const now = scheduler.now();
          const out: AlertTransition[] = [];
          try {
            for (const evaluator of evaluators) {
              if (!evaluator.check) continue;
              const last = lastCheck.get(evaluator) ?? -Infinity;
              if (now - last < (evaluator.checkEveryMs ?? checkEveryMs)) continue;
              lastCheck.set(evaluator, now);
              for (const v of evaluator.check(now)) apply(evaluator, v, now, out);
            }
            recheckSilences(now, out);
          } catch (error) {
            subscriber.error(error);
            return;
          }
          if (out.length > 0) subscriber.next(out);
          this.schedule(undefined, checkEveryMs);
        }, checkEveryMs),
      );
      subscription.add(
        source.subscribe({
          next(values) {
            const now = scheduler.now();
            const out: AlertTransition[] = [];
            try {
              for (const evaluator of evaluators) {
                for (const v of evaluator.observe(values, now)) apply(evaluator, v, now, out);
              }
            } catch (error) {
              subscriber.error(error);
              return;
            }
            if (out.length > 0) subscriber.next(out);
          },
          error: (error: unknown) => subscriber.error(error),
          complete: () => subscriber.complete(),
        }),
      );
      return subscription;
    });
}

function newAlert(
  pipeline: PipelineDefinition,
  rule: AlertRuleDefinition,
  v: RuleVerdict,
  dedupKey: string,
  now: number,
  seq: number,
): Alert {
  const groupDims = rule.groupBy ?? GROUP_DIMENSIONS.filter((d) => v.key[d] !== undefined).slice(0, 1);
  const groupParts = groupDims.filter((d) => v.key[d] !== undefined).map((d) => `${d}=${v.key[d]}`);
  const group = groupParts.length > 0 ? `${pipeline.name}:${groupParts.join(',')}` : pipeline.name;
  const labels: Record<string, string> = {};
  for (const [dim, value] of Object.entries(v.key)) labels[dim] = value;
  Object.assign(labels, {
    alertname: rule.name,
    severity: rule.severity,
    pipeline: pipeline.name,
    indicator: v.indicator,
    window: v.window,
    group,
  });
  return {
    id: `${now.toString(36)}-${seq.toString(36)}`,
    dedupKey,
    rule: rule.name,
    ruleType: rule.type,
    severity: rule.severity,
    status: 'pending',
    pipeline: pipeline.name,
    indicator: v.indicator,
    window: v.window,
    key: v.key,
    keyId: v.keyId,
    group,
    labels,
    annotations: v.annotations,
    value: v.value,
    ...(v.threshold !== undefined ? { threshold: v.threshold } : {}),
    activeAt: now,
    startsAt: now,
    silenced: false,
    flapping: false,
  };
}

function refresh(alert: Alert, v: RuleVerdict): Alert {
  return {
    ...alert,
    annotations: v.annotations,
    value: v.value,
    ...(v.threshold !== undefined ? { threshold: v.threshold } : {}),
  };
}
