import { contactCenterAccumulators, contactCenterEvents, contactCenterPipeline, inBatches } from './contact-center-workload.js';
import { WindowEngine } from '../src/windows/window-engine.js';
const pipeline = contactCenterPipeline();
const events = contactCenterEvents({ events: 500_000, queues: 40, channels: 5, eventsPerSecond: 1_000, disorderMs: 5_000 });
const batches = inBatches(events, 1000);
const proto = WindowEngine.prototype as any;
const orig = proto.advanceTo;
let adv = 0n;
proto.advanceTo = function (w: number, out: any[]) { const t = process.hrtime.bigint(); orig.call(this, w, out); adv += process.hrtime.bigint() - t; };
for (let r = 0; r < 6; r++) {
  adv = 0n;
  const engine = new WindowEngine(pipeline, contactCenterAccumulators(pipeline));
  const out: any[] = [];
  const t = process.hrtime.bigint();
  for (const b of batches) { engine.processBatch(b, out); out.length = 0; }
  engine.flush(out);
  const total = Number(process.hrtime.bigint() - t) / 1e6;
  console.log('total', total.toFixed(0), 'advance', (Number(adv) / 1e6).toFixed(0), 'ev/s', Math.round(500000 / total * 1000));
}
