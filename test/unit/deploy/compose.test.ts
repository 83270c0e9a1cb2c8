/**
 * The docker-compose stack, checked without Docker (none on the development machines): services,
 * pinned images, ports, mounts that exist in the repository, healthchecks, the demo profile, and
 * Prometheus / Alertmanager configurations validated by their own tools.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string | number>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  profiles?: string[];
  depends_on?: Record<string, { condition: string }>;
}
const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as { services: Record<string, Service> };
const services = compose.services;

/** Runs a Debian-packaged checker, installing its package first when missing and we are root. */
function tool(binary: string, debianPackage: string): string | undefined {
  const path = `/usr/bin/${binary}`;
  if (existsSync(path)) return path;
  if (process.getuid?.() === 0) {
    // A fresh machine has no package lists yet: without the update the install finds nothing.
    spawnSync('apt-get', ['update', '-q'], { stdio: 'ignore', timeout: 300_000 });
    spawnSync('apt-get', ['install', '-y', debianPackage], { stdio: 'ignore', timeout: 300_000 });
  }
  return existsSync(path) ? path : undefined;
}

describe('docker-compose.yml', () => {
  it('has the stack services, with the simulator only in the demo profile', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['alertmanager', 'clickhouse', 'cxpulse', 'grafana', 'kafka', 'prometheus', 'simulator'].sort(),
    );
    for (const [name, service] of Object.entries(services)) {
      if (name === 'simulator') expect(service.profiles).toEqual(['demo']);
      else expect(service.profiles, name).toBeUndefined();
    }
    expect(services.simulator!.command).toEqual([
      'simulate',
      '--output',
      'kafka',
      '--brokers',
      'kafka:9092',
      '--speed',
      '10',
      '--scenario',
      'scenarios/demo.yaml',
    ]);
    expect(existsSync('scenarios/demo.yaml')).toBe(true);
  });

  it('pins every image by version, never latest', () => {
    for (const [name, service] of Object.entries(services)) {
      expect(service.image, name).toMatch(/^[\w./-]+:v?\d+(\.\d+)+$/);
    }
    expect(services.kafka!.image).toBe('apache/kafka:4.1.1');
    expect(services.clickhouse!.image).toMatch(/^clickhouse\/clickhouse-server:/);
    expect(services.grafana!.image).toMatch(/^grafana\/grafana:/);
    expect(services.prometheus!.image).toMatch(/^prom\/prometheus:/);
    expect(services.alertmanager!.image).toMatch(/^prom\/alertmanager:/);
    expect(services.grafana!.environment!.GF_INSTALL_PLUGINS).toMatch(
      /^grafana-clickhouse-datasource \d+\.\d+\.\d+$/,
    );
  });

  it('builds cxpulse from the Dockerfile and points it at the other services', () => {
    expect(services.cxpulse!.build).toBe('.');
    expect(services.simulator!.build).toBe('.');
    expect(services.cxpulse!.environment).toMatchObject({
      KAFKA_BROKERS: 'kafka:9092',
      CLICKHOUSE_URL: 'http://clickhouse:8123',
      ALERTMANAGER_URL: 'http://alertmanager:9093',
      HOST: '0.0.0.0',
    });
    expect(Object.keys(services.cxpulse!.depends_on!).sort()).toEqual([
      'alertmanager',
      'clickhouse',
      'kafka',
    ]);
    for (const dep of Object.values(services.cxpulse!.depends_on!))
      expect(dep.condition).toBe('service_healthy');
  });

  it('publishes the expected ports on loopback only', () => {
    const published = Object.fromEntries(Object.entries(services).map(([n, s]) => [n, s.ports ?? []]));
    expect(published).toEqual({
      kafka: ['127.0.0.1:29092:29092'],
      clickhouse: ['127.0.0.1:8123:8123'],
      alertmanager: ['127.0.0.1:9093:9093'],
      cxpulse: ['127.0.0.1:8080:8080'],
      prometheus: ['127.0.0.1:9090:9090'],
      grafana: ['127.0.0.1:3000:3000'],
      simulator: [],
    });
  });

  it('has a healthcheck on every service', () => {
    for (const [name, service] of Object.entries(services)) {
      expect(service.healthcheck?.test?.length, name).toBeGreaterThan(1);
      expect(service.healthcheck!.test[0], name).toMatch(/^CMD(-SHELL)?$/);
    }
    expect(services.cxpulse!.healthcheck!.test.join(' ')).toContain('/health');
  });

  it('mounts only files and folders that exist, Grafana provisioning included', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const volume of service.volumes ?? []) {
        const [source] = volume.split(':');
        if (!source!.startsWith('./')) continue;
        expect(existsSync(source!), `${name}: ${source}`).toBe(true);
      }
    }
    const grafanaMounts = services.grafana!.volumes!.map((v) => v.split(':').slice(0, 2).join(':'));
    expect(grafanaMounts).toEqual(
      expect.arrayContaining([
        './dashboards/provisioning/datasources:/etc/grafana/provisioning/datasources',
        './dashboards/provisioning/dashboards:/etc/grafana/provisioning/dashboards',
        './dashboards:/var/lib/grafana/dashboards/cxpulse',
      ]),
    );
    const provider = parse(readFileSync('dashboards/provisioning/dashboards/cxpulse.yaml', 'utf8')) as {
      providers: Array<{ options: { path: string } }>;
    };
    expect(provider.providers[0]!.options.path).toBe('/var/lib/grafana/dashboards/cxpulse');
    const datasources = parse(
      readFileSync('dashboards/provisioning/datasources/clickhouse.yaml', 'utf8'),
    ) as {
      datasources: Array<{ uid: string; type: string }>;
    };
    expect(datasources.datasources.map((d) => [d.uid, d.type])).toEqual([
      ['cxpulse-clickhouse', 'grafana-clickhouse-datasource'],
      ['cxpulse-prometheus', 'prometheus'],
    ]);
    expect(services.prometheus!.volumes).toContain(
      './deploy/prometheus.yml:/etc/prometheus/prometheus.yml:ro',
    );
    expect(services.alertmanager!.volumes).toContain(
      './deploy/alertmanager.yml:/etc/alertmanager/alertmanager.yml:ro',
    );
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync('Dockerfile', 'utf8');
  it('builds on node:20, runs on node:20-slim as a non-root user with a healthcheck', () => {
    expect(dockerfile).toMatch(/^FROM node:20 AS build$/m);
    expect(dockerfile).toMatch(/^FROM node:20-slim AS runtime$/m);
    expect(dockerfile).toMatch(/RUN npm ci/);
    expect(dockerfile).toMatch(/npm run build/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n?.*\/health/m);
  });
  it('ships the wallboard files where the compiled plugin looks for them', () => {
    const plugin = readFileSync('src/server/wallboard/wallboard-plugin.ts', 'utf8');
    expect(plugin).toContain("new URL('./static/', import.meta.url)");
    expect(dockerfile).toContain(
      'COPY --chown=node:node src/server/wallboard/static ./dist/server/wallboard/static',
    );
  });
});

describe('deploy/', () => {
  it('prometheus.yml passes promtool and scrapes cxpulse:8080/metrics', () => {
    const promtool = tool('promtool', 'prometheus');
    expect(promtool, 'promtool (Debian package prometheus)').toBeDefined();
    const out = execFileSync(promtool!, ['check', 'config', 'deploy/prometheus.yml'], { encoding: 'utf8' });
    expect(out).toContain('SUCCESS');
    const config = parse(readFileSync('deploy/prometheus.yml', 'utf8')) as {
      scrape_configs: Array<{
        job_name: string;
        metrics_path?: string;
        static_configs: Array<{ targets: string[] }>;
      }>;
    };
    const job = config.scrape_configs.find((j) => j.job_name === 'cxpulse')!;
    expect(job.metrics_path ?? '/metrics').toBe('/metrics');
    expect(job.static_configs[0]!.targets).toEqual(['cxpulse:8080']);
    // On a fresh machine the first run installs Debian's prometheus package for promtool.
  }, 600_000);
  it.runIf(existsSync('/usr/bin/amtool'))('alertmanager.yml passes amtool', () => {
    const out = execFileSync('/usr/bin/amtool', ['check-config', 'deploy/alertmanager.yml'], {
      encoding: 'utf8',
    });
    expect(out).toContain('SUCCESS');
  });
});
