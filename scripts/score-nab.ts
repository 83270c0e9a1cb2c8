/**
 * Scores a detector on the NAB subset with NAB's standard profile and prints per-file and total
 * scores. Usage: npx tsx scripts/score-nab.ts [--detector NAME] [--threshold X] [--data DIR]
 * (data defaults to $NAB_DIR or ../shared/nab beside the checkout). See docs/alerting.md.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_DETECTOR, createDetector, isDetectorName } from '../src/alerts/detectors/registry.js';
import { loadNabCorpus, scoreDetector } from '../test/support/nab-scoring.js';

const { values } = parseArgs({
  options: { detector: { type: 'string' }, threshold: { type: 'string' }, data: { type: 'string' } },
});
const name = values.detector ?? DEFAULT_DETECTOR;
if (!isDetectorName(name)) throw new Error(`unknown detector ${name}`);
const threshold = values.threshold === undefined ? undefined : Number(values.threshold);
const dir = values.data ?? process.env.NAB_DIR ?? fileURLToPath(new URL('../../shared/nab', import.meta.url));

const started = performance.now();
const corpus = loadNabCorpus(dir);
const result = scoreDetector(corpus, () => createDetector(name, threshold));
const ms = performance.now() - started;

const pad = (s: string | number, n: number) => String(s).padStart(n);
console.log(`${'file'.padEnd(60)} ${pad('raw', 7)} ${pad('windows', 8)} ${pad('alarms-out', 10)}`);
for (const f of result.files) {
  console.log(
    `${f.path.padEnd(60)} ${pad(f.result.score.toFixed(3), 7)} ${pad(`${f.result.windowsDetected}/${f.result.windows}`, 8)} ${pad(f.result.falseAlarms, 10)}`,
  );
}
console.log('');
for (const [category, c] of Object.entries(result.byCategory)) {
  console.log(
    `${category.padEnd(24)} raw ${pad(c.raw.toFixed(3), 7)}  score ${Number.isNaN(c.score) ? '   n/a' : pad(c.score.toFixed(1), 6)}  windows ${c.detected}/${c.windows}  false alarms ${c.falseAlarms}`,
  );
}
console.log(
  `\nNAB standard score (${name}${threshold === undefined ? '' : `, threshold ${threshold}`}): ${result.score.toFixed(1)}  (raw ${result.raw.toFixed(3)}, null ${result.nullScore.toFixed(3)}, perfect ${result.perfect.toFixed(3)}; ${corpus.reduce((a, f) => a + f.values.length, 0)} rows in ${ms.toFixed(0)} ms)`,
);
