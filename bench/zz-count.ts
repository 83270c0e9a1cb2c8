import { contactCenterAccumulators, contactCenterEvents, contactCenterPipeline, inBatches } from './contact-center-workload.js';
import { WindowEngine } from '../src/windows/window-engine.js';
const pipeline = contactCenterPipeline();
const events = contactCenterEvents({ events: 500_000, queues: 40, channels: 5, eventsPerSecond: 1_000, disorderMs: 5_000 });
const batches = inBatches(events, 1000);
let merges = 0, creates = 0, adds = 0;
const accs = contactCenterAccumulators(pipeline).map((a) => ({ ...a, eventTypes: a.eventTypes, name: a.name, create: () => (creates++, a.create()), add: (s: any, e: any) => (adds++, a.add(s, e)), merge: (x: any, y: any) => (merges++, a.merge(x, y)), result: a.result }));
const engine = new WindowEngine(pipeline, accs);
const out: any[] = [];
let n = 0;
for (const b of batches) { engine.processBatch(b, out); n += out.length; out.length = 0; }
engine.flush(out); n += out.length;
console.log({ merges, creates, adds, values: n });
