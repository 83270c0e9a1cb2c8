import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { INDICATOR_IDS } from '../../../src/config/pipeline-definition.js';
import { PIPELINE_SCHEMA, pipelineSchemaJson } from '../../../src/config/pipeline-schema.js';

const SHIPPED = [
  'contact-center',
  'digital-journeys',
  'employee-experience',
  'journey-funnels',
  'journey-outcomes',
  'public-opinion',
  'tag-rankings',
  'voice-of-customer',
];

describe('pipelines/pipeline.schema.json', () => {
  it('is the schema in src/config/pipeline-schema.ts (regenerate: npx tsx scripts/generate-pipeline-schema.ts)', () => {
    const committed: unknown = JSON.parse(readFileSync('pipelines/pipeline.schema.json', 'utf8'));
    // Compared as data: the committed file is prettier-formatted, the generator's text is not.
    expect(committed).toEqual(JSON.parse(pipelineSchemaJson()));
  });

  it('compiles in strict mode, lists every indicator id and references no other file', () => {
    expect(() => new Ajv({ strict: true, allowUnionTypes: true }).compile(PIPELINE_SCHEMA)).not.toThrow();
    expect(PIPELINE_SCHEMA.properties.indicators.items.properties.id.enum).toEqual([...INDICATOR_IDS]);
    const refs = pipelineSchemaJson().match(/"\$ref": "[^"]*"/g) ?? [];
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(ref).toMatch(/"\$ref": "#\/definitions\//);
  });

  it('accepts every shipped pipeline and rejects a typo when used on its own, as an editor does', () => {
    const schema = JSON.parse(readFileSync('pipelines/pipeline.schema.json', 'utf8')) as object;
    const validate = new Ajv({ allowUnionTypes: true }).compile(schema);
    for (const file of SHIPPED) {
      const doc: unknown = parse(readFileSync(`pipelines/${file}.yaml`, 'utf8'));
      expect(validate(doc), `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    expect(validate({ name: 'x', windows: [{ size: '1m' }], indicators: [{ id: 'csat', fliter: {} }] })).toBe(
      false,
    );
  });

  it('is what each shipped pipeline points its editor at', () => {
    for (const file of SHIPPED) {
      const firstLine = readFileSync(`pipelines/${file}.yaml`, 'utf8').split('\n')[0];
      expect(firstLine).toBe('# yaml-language-server: $schema=./pipeline.schema.json');
    }
  });
});
