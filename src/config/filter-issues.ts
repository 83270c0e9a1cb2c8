/**
 * Why a filter predicate is invalid, in words. FILTER_SCHEMA is a `oneOf`, and ajv answers a
 * failed `oneOf` with the errors of every branch — mostly about branches the author never meant.
 * Here the branch is chosen from the keys actually written (`field`, `all`, `any` or `not`) and
 * only that branch's errors are kept, checked with the branch's own schema from FILTER_SCHEMA.
 */
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { FILTER_SCHEMA } from './filter.js';

const COMBINATORS = ['all', 'any', 'not'] as const;
const SHAPE_HINT =
  'must be a filter: {field, eq|ne|in|gt|gte|lt|lte|exists}, {all: [...]}, {any: [...]} or {not: {...}}';

let fieldPredicateValidator: ValidateFunction | undefined;

function validateFieldPredicate(): ValidateFunction {
  fieldPredicateValidator ??= new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true }).compile(
    FILTER_SCHEMA.oneOf[0],
  );
  return fieldPredicateValidator;
}

function custom(instancePath: string, data: unknown, keyword: string, message: string): ErrorObject {
  return { instancePath, schemaPath: '#/definitions/filter', keyword, params: {}, message, data };
}

/** ajv-shaped errors for the filter `value` found at `instancePath` (empty when it is valid). */
export function explainFilter(value: unknown, instancePath: string): ErrorObject[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return [
      custom(
        instancePath,
        value,
        'filter',
        `${SHAPE_HINT}, got ${Array.isArray(value) ? 'a list' : JSON.stringify(value)}`,
      ),
    ];
  }
  const keys = Object.keys(value);
  if (keys.includes('field')) {
    const validate = validateFieldPredicate();
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e) =>
      e.keyword === 'minProperties'
        ? custom(
            instancePath,
            value,
            'filter',
            'needs a comparison: one of eq, ne, in, gt, gte, lt, lte, exists',
          )
        : { ...e, instancePath: instancePath + e.instancePath },
    );
  }
  const present = COMBINATORS.filter((c) => keys.includes(c));
  if (present.length === 0) return [custom(instancePath, value, 'filter', SHAPE_HINT)];
  if (present.length > 1) {
    return [
      custom(
        instancePath,
        value,
        'filter',
        `must have exactly one of all, any, not; found ${present.join(', ')}`,
      ),
    ];
  }
  const combinator = present[0]!;
  const errors: ErrorObject[] = keys
    .filter((k) => k !== combinator)
    .map((k) => ({
      instancePath,
      schemaPath: '#/definitions/filter',
      keyword: 'additionalProperties',
      params: { additionalProperty: k },
      message: 'must NOT have additional properties',
      parentSchema: { properties: { [combinator]: {} } },
      data: value,
    }));
  const inner = (value as Record<string, unknown>)[combinator];
  const innerPath = `${instancePath}/${combinator}`;
  if (combinator === 'not') return [...errors, ...explainFilter(inner, innerPath)];
  if (!Array.isArray(inner)) {
    return [
      ...errors,
      { instancePath: innerPath, schemaPath: '', keyword: 'type', params: { type: 'array' }, data: inner },
    ];
  }
  if (inner.length === 0) {
    return [
      ...errors,
      { instancePath: innerPath, schemaPath: '', keyword: 'minItems', params: { limit: 1 }, data: inner },
    ];
  }
  return [...errors, ...inner.flatMap((item, i) => explainFilter(item, `${innerPath}/${i}`))];
}
