/**
 * The error for configuration a person wrote wrongly: application config or pipeline files.
 * It carries every issue found (not just the first), and its message is one line per issue,
 * each readable on its own: `pipelines/x.yaml:14:7: indicators[2].id: must be one of ...`.
 */
import { CxPulseError } from '../errors/codes.js';
import { formatIssue } from './located-yaml.js';
import type { ConfigIssue } from './located-yaml.js';

export type ConfigErrorCode = 'CXP_ERR_CONFIG_INVALID' | 'CXP_ERR_CONFIG_READ' | 'CXP_ERR_PIPELINE_INVALID';

export class ConfigError extends CxPulseError {
  readonly issues: readonly ConfigIssue[];

  constructor(code: ConfigErrorCode, issues: readonly ConfigIssue[], options?: { cause?: unknown }) {
    super(code, issues.map(formatIssue).join('\n'), options);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}
