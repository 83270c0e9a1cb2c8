import { describe, expect, it } from 'vitest';
import { PLANNED_AHT_WEIGHT, blendedAht } from '../../../src/alerts/planned-aht.js';

describe('blendedAht', () => {
  it('is the plan when no contact has ended', () => {
    expect(blendedAht(330, undefined, 0)).toBe(330);
    expect(blendedAht(330, 120, 0)).toBe(330);
  });

  it('weighs the plan as PLANNED_AHT_WEIGHT contacts against the ended ones', () => {
    // As many ended contacts as the plan is worth: halfway.
    expect(blendedAht(330, 170, PLANNED_AHT_WEIGHT)).toBeCloseTo(250, 10);
    // (36·300 + 12·200) / 48 = 275: a dozen contacts move the plan a quarter of the way.
    expect(blendedAht(300, 200, 12, 36)).toBeCloseTo(275, 10);
  });

  it('follows the measurement once it outweighs the plan', () => {
    expect(blendedAht(330, 480, 3600)).toBeGreaterThan(478);
    expect(blendedAht(330, 480, 3600)).toBeLessThan(480);
  });
});
