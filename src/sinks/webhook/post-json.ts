/**
 * One HTTP POST of a JSON body for the alert notifiers, with the error semantics the retry policy
 * needs: network failures, timeouts, 5xx, 408 and 429 are retriable; other 4xx are not (the same
 * body would be rejected again).
 */
import { CxPulseError } from '../../errors/codes.js';

export async function postJson(
  url: string,
  body: string,
  options: { headers?: Record<string, string>; timeoutMs: number; what: string },
): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...options.headers },
      body,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    throw new CxPulseError('CXP_ERR_SINK_ALERT', `${options.what}: cannot reach ${url}: ${String(error)}`, {
      cause: error,
    });
  }
  if (response.ok) {
    await response.body?.cancel();
    return;
  }
  const text = (await response.text().catch(() => '')).slice(0, 500);
  const retriable = response.status >= 500 || response.status === 408 || response.status === 429;
  throw new CxPulseError(
    retriable ? 'CXP_ERR_SINK_ALERT' : 'CXP_ERR_SINK_ALERT_REJECTED',
    `${options.what}: ${url} answered ${response.status}${text ? `: ${text}` : ''}`,
  );
}
