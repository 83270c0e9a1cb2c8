/**
 * One registry of error codes. Every error the process raises on purpose carries one of these,
 * so logs, HTTP answers and dead letters speak the same language.
 */
export interface ErrorCodeInfo {
  /** Worth retrying the same operation later (a broker or server that may come back). */
  retriable: boolean;
  /** HTTP status when the error reaches a client. */
  httpStatus: number;
  message: string;
}

export const ERROR_CODES = {
  CXP_ERR_CONFIG_INVALID: { retriable: false, httpStatus: 500, message: 'configuration is invalid' },
  CXP_ERR_CONFIG_READ: { retriable: false, httpStatus: 500, message: 'configuration file cannot be read' },
  CXP_ERR_PIPELINE_INVALID: { retriable: false, httpStatus: 500, message: 'pipeline definition is invalid' },
  CXP_ERR_EVENT_INVALID: { retriable: false, httpStatus: 400, message: 'event is invalid' },
  CXP_ERR_SOURCE_KAFKA: { retriable: true, httpStatus: 503, message: 'kafka source failed' },
  CXP_ERR_SINK_KAFKA: { retriable: true, httpStatus: 503, message: 'kafka sink failed' },
  CXP_ERR_SINK_CLICKHOUSE: { retriable: true, httpStatus: 503, message: 'clickhouse sink failed' },
  CXP_ERR_SINK_CLICKHOUSE_REJECTED: {
    retriable: false,
    httpStatus: 500,
    message: 'clickhouse rejected the statement or the data (retrying cannot help)',
  },
  CXP_ERR_SINK_ALERT: { retriable: true, httpStatus: 503, message: 'alert notifier failed' },
  CXP_ERR_SINK_ALERT_REJECTED: {
    retriable: false,
    httpStatus: 500,
    message: 'the alert receiver rejected the notification (retrying cannot help)',
  },
  CXP_ERR_CLI_USAGE: { retriable: false, httpStatus: 400, message: 'command line usage error' },
  CXP_ERR_INPUT_INVALID: { retriable: false, httpStatus: 400, message: 'input is invalid' },
  CXP_ERR_SERVICE_START: { retriable: false, httpStatus: 500, message: 'a service could not be started' },
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class CxPulseError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;
  readonly httpStatus: number;

  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown }) {
    const info = ERROR_CODES[code];
    super(message ?? info.message, options);
    this.name = 'CxPulseError';
    this.code = code;
    this.retriable = info.retriable;
    this.httpStatus = info.httpStatus;
  }
}

export function isRetriable(err: unknown): boolean {
  if (err instanceof CxPulseError) return err.retriable;
  // kafkajs marks its own errors; anything else (network, unknown) is assumed transient.
  const flagged = (err as { retriable?: unknown } | null)?.retriable;
  return typeof flagged === 'boolean' ? flagged : true;
}
