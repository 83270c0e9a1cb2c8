/**
 * `cxpulse demo` (the embedded simulator, no external services) and `cxpulse run` (Kafka in).
 * Both build the same app; only the source and the dead-letter sink differ.
 */
import { resolve } from 'node:path';
import { loadConfig } from '../config/load-config.js';
import { redactConfig, type AppConfig } from '../config/app-config.js';
import { loadPipelines } from '../config/pipeline-loader.js';
import type { PipelineDefinition } from '../config/pipeline-definition.js';
import { CxPulseError } from '../errors/codes.js';
import { buildApp, type CxPulseApp } from '../app.js';
import { createMetrics } from '../observability/metrics.js';
import { createKafkaPublisher } from '../sinks/kafka/kafka-publisher.js';
import {
  createKafkaDeadLetterSink,
  createMemoryDeadLetterSink,
  fanOutDeadLetters,
  type DeadLetterSink,
} from '../sinks/kafka/dead-letter-sink.js';
import {
  clickHouseSinkOptionsFromConfig,
  createClickHouseSink,
  type ClickHouseSink,
} from '../sinks/clickhouse/clickhouse-sink.js';
import { createInProcessSource } from '../sources/in-process-source.js';
import { createKafkaSource } from '../sources/kafka/kafka-source.js';
import { simulatedEvents } from '../sources/simulator/driver.js';
import { loadScenarioFile } from '../sources/simulator/scenario.js';
import { startValueLog } from './value-log.js';
import type { AlertNotifier } from '../alerts/notifier.js';
import { createAlertmanagerNotifier } from '../sinks/alertmanager/alertmanager-notifier.js';
import { createWebhookNotifier } from '../sinks/webhook/webhook-notifier.js';
import { createKafkaAlertPublisher } from '../sinks/kafka/alert-publisher.js';
import { createKafkaWorkOrderPublisher } from '../sinks/kafka/work-order-publisher.js';
import { createKafkaInsightPublisher } from '../sinks/kafka/insight-publisher.js';
import { createKafkaNotificationPublisher } from '../sinks/kafka/notification-publisher.js';
import type { MessagePublisher } from '../sinks/kafka/kafka-publisher.js';
import { EXIT_OK, parseOptions, type CliIo, type Command } from './command.js';
import { applyHeapGrowth } from '../runtime-tuning.js';

const COMMON_OPTIONS = {
  config: { type: 'string' },
  port: { type: 'string' },
  'log-values': { type: 'string' },
} as const;

const COMMON_HELP = `  --config FILE       configuration file (YAML or JSON); also env CXPULSE_CONFIG
  --port N            HTTP port (default 8080, env PORT)
  --log-values S      log a summary of live indicator values every S seconds (0 = off)
  --help              show this help`;

function loadEverything(argv: string[], io: CliIo, overrides: (c: AppConfig) => void) {
  const { values } = parseOptions(argv, COMMON_OPTIONS);
  const config = loadConfig({ ...(values.config ? { argvConfigPath: values.config } : {}), env: io.env });
  if (values.port !== undefined) {
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new CxPulseError('CXP_ERR_CLI_USAGE', `--port must be an integer 0..65535, got "${values.port}"`);
    }
    config.server.port = port;
  }
  overrides(config);
  applyHeapGrowth(config.runtime.heapGrowthPercent);
  const pipelines = loadPipelines(
    config.pipelines.files.length > 0 ? config.pipelines.files : config.pipelines.dir,
  );
  const logEverySeconds = values['log-values'] === undefined ? 5 : Number(values['log-values']);
  if (!Number.isFinite(logEverySeconds) || logEverySeconds < 0) {
    throw new CxPulseError('CXP_ERR_CLI_USAGE', `--log-values must be a number of seconds ≥ 0`);
  }
  return { config, pipelines, logEverySeconds };
}

/** Listens, logs where, and runs until SIGINT/SIGTERM; then stops in order and resolves. */
async function serveUntilSignal(
  app: CxPulseApp,
  config: AppConfig,
  logEverySeconds: number,
  banner: string,
): Promise<number> {
  await app.start();
  const address = await app.server.listen({ host: config.server.host, port: config.server.port });
  app.server.log.info({ config: redactConfig(config) }, 'configuration');
  app.server.log.info(
    `${banner} — ${address.replace('[::1]', 'localhost')} (health /health, readiness /ready, metrics /metrics)`,
  );
  const stopLog = logEverySeconds > 0 ? startValueLog(app, logEverySeconds * 1000) : () => {};
  await new Promise<void>((resolveSignal) => {
    const onSignal = () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolveSignal();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  app.server.log.info('stopping');
  stopLog();
  await app.stop();
  return EXIT_OK;
}

/** Alert routing from the configuration; the Kafka topic only when a broker is there. */
function alertNotifiers(config: AppConfig, kafka?: MessagePublisher): AlertNotifier[] {
  const notifiers: AlertNotifier[] = [];
  if (config.alerting.alertmanagerUrl)
    notifiers.push(createAlertmanagerNotifier({ url: config.alerting.alertmanagerUrl }));
  if (config.alerting.webhookUrl) {
    notifiers.push(
      createWebhookNotifier({ url: config.alerting.webhookUrl, secret: config.alerting.webhookSecret }),
    );
  }
  if (kafka) notifiers.push(createKafkaAlertPublisher(kafka, { topic: config.kafka.topics.alerts }));
  return notifiers;
}

/** The ClickHouse history when clickhouse.url is set: migrated before anything is written. */
async function openHistory(config: AppConfig): Promise<ClickHouseSink | undefined> {
  if (!config.clickhouse.url) return undefined;
  const sink = createClickHouseSink(clickHouseSinkOptionsFromConfig(config.clickhouse));
  await sink.migrate();
  return sink;
}

function withHistory(deadLetters: DeadLetterSink, history: ClickHouseSink | undefined): DeadLetterSink {
  if (!history) return deadLetters;
  return fanOutDeadLetters(deadLetters, {
    publish: (d) => history.writeDeadLetters(d),
    close: async () => {},
  });
}

function loggerOptions(config: AppConfig) {
  return {
    level: config.log.level,
    redact: ['config.clickhouse.password'],
  };
}

export const demoCommand: Command = {
  name: 'demo',
  summary: 'the live demo: embedded simulator → validation → pipelines → server (npm start)',
  usage: `Usage: cxpulse demo [options]

Runs CX Pulse on simulated traffic, in-process, with no external service. The simulator's events are
serialised and go through the same validation, dead-letter and pipeline path as Kafka messages.
Simulator settings come from the configuration (simulator.*): seed 42, 100 events per simulated
second, speed 10 and scenarios/demo.yaml by default.

Options:
${COMMON_HELP}
`,
  async run(argv, io) {
    const { config, pipelines, logEverySeconds } = loadEverything(argv, io, (c) => {
      c.simulator.enabled = true;
      // At speed > 1 simulated time runs ahead of the wall clock by design; the future bound guards
      // against producers' clock skew, which an in-process simulator does not have.
      if (c.simulator.speed > 1) c.events.maxFutureMs = Number.MAX_SAFE_INTEGER;
    });
    const scenario = config.simulator.scenario
      ? await loadScenarioFile(resolve(config.simulator.scenario))
      : undefined;
    const events$ = simulatedEvents({
      seed: config.simulator.seed,
      rate: config.simulator.rate,
      speed: config.simulator.speed,
      ...(scenario ? { scenario } : {}),
    });
    const metrics = createMetrics();
    // The dead-letter sink logs through the app's logger, which exists only once the app is built.
    const logTo: { app?: CxPulseApp } = {};
    const deadLetters = createMemoryDeadLetterSink({
      onDeadLetter: (d) => logTo.app?.server.log.warn({ reason: d.reason, detail: d.detail }, 'dead letter'),
    });
    const history = await openHistory(config);
    const app = await buildApp({
      config,
      pipelines,
      source: createInProcessSource(events$, { topic: 'simulator' }),
      sourceName: 'simulator',
      deadLetters: withHistory(deadLetters, history),
      ...(history ? { history } : {}),
      alertNotifiers: alertNotifiers(config),
      metrics,
      logger: loggerOptions(config),
    });
    logTo.app = app;
    try {
      return await serveUntilSignal(
        app,
        config,
        logEverySeconds,
        `CX Pulse demo on simulated traffic (${describePipelines(pipelines)})${history ? ', writing to ClickHouse' : ''}`,
      );
    } finally {
      await history?.close();
      metrics.close();
    }
  },
};

export const runCommand: Command = {
  name: 'run',
  summary: 'consume events from Kafka and serve indicators',
  usage: `Usage: cxpulse run [options]

Consumes the events topic (kafka.topics.events) in consumer group kafka.groupId; malformed events go
to kafka.topics.deadLetter. Run more instances with the same group to share the partitions.

Options:
${COMMON_HELP}
`,
  async run(argv, io) {
    const { config, pipelines, logEverySeconds } = loadEverything(argv, io, () => {});
    if (config.kafka.brokers.length === 0) {
      throw new CxPulseError(
        'CXP_ERR_CONFIG_INVALID',
        'kafka.brokers is empty: set KAFKA_BROKERS or kafka.brokers (or use `cxpulse demo`)',
      );
    }
    const topics = [...new Set(pipelines.flatMap((p) => p.source.topics))];
    const publisher = await createKafkaPublisher({
      brokers: config.kafka.brokers,
      clientId: config.kafka.clientId,
    });
    const history = await openHistory(config);
    const metrics = createMetrics();
    const app = await buildApp({
      config,
      pipelines,
      source: createKafkaSource({
        brokers: config.kafka.brokers,
        clientId: config.kafka.clientId,
        groupId: config.kafka.groupId,
        topics: topics.length > 0 ? topics : [config.kafka.topics.events],
        maxInFlightBatches: config.kafka.maxInFlightBatches,
      }),
      sourceName: 'kafka',
      deadLetters: withHistory(
        createKafkaDeadLetterSink(publisher, { topic: config.kafka.topics.deadLetter }),
        history,
      ),
      ...(history ? { history } : {}),
      alertNotifiers: alertNotifiers(config, publisher),
      workOrderSinks: [createKafkaWorkOrderPublisher(publisher, { topic: config.kafka.topics.workOrders })],
      insightSinks: [createKafkaInsightPublisher(publisher, { topic: config.kafka.topics.insights })],
      proactiveNotificationSinks: [
        createKafkaNotificationPublisher(publisher, { topic: config.kafka.topics.notifications }),
      ],
      metrics,
      logger: loggerOptions(config),
    });
    try {
      return await serveUntilSignal(app, config, logEverySeconds, `CX Pulse consuming ${topics.join(', ')}`);
    } finally {
      await history?.close();
      await publisher.close();
      metrics.close();
    }
  },
};

function describePipelines(pipelines: readonly PipelineDefinition[]): string {
  return `pipelines: ${pipelines.map((p) => p.name).join(', ')}`;
}
