import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/config/app-config.js';
import { ConfigError } from '../../src/config/config-error.js';
import { loadConfig } from '../../src/config/load-config.js';
import { applyHeapGrowth } from '../../src/runtime-tuning.js';

describe('runtime tuning', () => {
  it('caps heap growth at 20 % by default, and the environment can change or disable it', () => {
    expect(DEFAULT_CONFIG.runtime.heapGrowthPercent).toBe(20);
    expect(loadConfig({ env: { CXPULSE_HEAP_GROWTH_PERCENT: '0' } }).runtime.heapGrowthPercent).toBe(0);
    expect(loadConfig({ env: { CXPULSE_HEAP_GROWTH_PERCENT: '50' } }).runtime.heapGrowthPercent).toBe(50);
  });

  it('refuses a growth that is not a non-negative integer, naming the variable', () => {
    expect(() => loadConfig({ env: { CXPULSE_HEAP_GROWTH_PERCENT: '-5' } })).toThrow(ConfigError);
    expect(() => loadConfig({ env: { CXPULSE_HEAP_GROWTH_PERCENT: 'lots' } })).toThrow(
      /CXPULSE_HEAP_GROWTH_PERCENT/,
    );
    expect(() => applyHeapGrowth(-1)).toThrow(RangeError);
    expect(() => applyHeapGrowth(2.5)).toThrow(RangeError);
  });
});
