import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { GENERATED_DIR, generateValidatorFiles } from '../../../scripts/generate-validators.js';
import { EVENT_SHAPE_BY_TYPE } from '../../../src/events/schema.js';
import { EVENT_TYPES } from '../../../src/events/types.js';
import { VALID_EXAMPLES, example } from './examples.js';

describe('generated validators', () => {
  const generated = generateValidatorFiles();

  it.each(Object.keys(generated) as (keyof typeof generated)[])(
    'committed %s matches a fresh generation (run `npx tsx scripts/generate-validators.ts`)',
    (file) => {
      expect(readFileSync(join(GENERATED_DIR, file), 'utf8')).toBe(generated[file]);
    },
  );

  it('maps every event type to a shape', () => {
    expect(Object.keys(EVENT_SHAPE_BY_TYPE).sort()).toEqual([...EVENT_TYPES].sort());
  });
});

describe('the published schema document (cx-event.schema.json)', () => {
  // Checked with ajv compiled here, independently of the generated code, so producers validating
  // against the published document agree with the decoder on the examples.
  const ajv = new Ajv({ allowUnionTypes: true, strictRequired: false });
  const validate = ajv.compile(JSON.parse(readFileSync(join(GENERATED_DIR, 'cx-event.schema.json'), 'utf8')));

  it.each(EVENT_TYPES)('accepts the %s example', (type) => {
    expect(validate(VALID_EXAMPLES[type])).toBe(true);
  });

  it('rejects an out-of-range value and an unknown type', () => {
    expect(validate(example('survey.response', { csat: 6 }))).toBe(false);
    expect(validate(example('contact.queued', { type: 'contact.teleported' }))).toBe(false);
  });
});
