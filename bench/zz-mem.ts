import { WindowEngine } from '../src/windows/window-engine.js';
import { contactCenterAccumulators, contactCenterEvents, contactCenterPipeline } from './contact-center-workload.js';
const eps = Number(process.argv[2] ?? 200);
const minutes = Number(process.argv[3] ?? 80);
const pipeline = contactCenterPipeline({ maxKeys: 20_000 });
const engine = new WindowEngine(pipeline, contactCenterAccumulators(pipeline));
const proto = WindowEngine.prototype as any;
const orig = proto.advanceTo; let adv = 0n;
proto.advanceTo = function (w: number, out: any[]) { const t = process.hrtime.bigint(); orig.call(this, w, out); adv += process.hrtime.bigint() - t; };
const out: any[] = [];
const total = minutes * 60 * eps; const chunk = 10_000; const startTs = Date.UTC(2026, 0, 5, 8);
let gen = 0n; const t0 = process.hrtime.bigint();
for (let done = 0, seed = 1; done < total; done += chunk, seed++) {
  const g = process.hrtime.bigint();
  const events = contactCenterEvents({ events: chunk, queues: 2000, channels: 5, eventsPerSecond: eps, disorderMs: 5_000, startTs: startTs + (done * 1000) / eps, seed });
  gen += process.hrtime.bigint() - g;
  for (let i = 0; i < events.length; i += 1000) { engine.processBatch(events.slice(i, i + 1000), out); out.length = 0; }
}
(globalThis as any).gc?.();
const m = process.memoryUsage();
console.log({ totalMs: Number(process.hrtime.bigint() - t0) / 1e6, genMs: Number(gen) / 1e6, advMs: Number(adv) / 1e6, heap: m.heapUsed / 1e6, rss: m.rss / 1e6 });
