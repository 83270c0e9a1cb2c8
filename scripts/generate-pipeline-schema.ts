/**
 * Writes pipelines/pipeline.schema.json from the schema in src/config/pipeline-schema.ts, formatted
 * as prettier would, so `npm run format:check` stays green. Run after changing the schema:
 *   npx tsx scripts/generate-pipeline-schema.ts
 * test/unit/config/pipeline-schema.test.ts fails while the committed file is stale.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { pipelineSchemaJson } from '../src/config/pipeline-schema.js';

const target = fileURLToPath(new URL('../pipelines/pipeline.schema.json', import.meta.url));
const options = (await resolveConfig(target)) ?? {};
writeFileSync(target, await format(pipelineSchemaJson(), { ...options, filepath: target }));
console.log(`wrote ${target}`);
