/**
 * A generic webhook: `POST` of `{ "version": 1, "transitions": [...] }` as JSON, signed so the
 * receiver can tell it came from us:
 *   x-cxpulse-signature: sha256=<hex HMAC-SHA256 of the exact body bytes, keyed with the secret>
 * (the GitHub webhook convention; compare it in constant time). Retries and the bounded queue are
 * the NotificationQueue's (src/alerts/notifier.ts); this only delivers one batch.
 */
import { createHmac } from 'node:crypto';
import type { AlertTransition } from '../../alerts/alert.js';
import type { AlertNotifier } from '../../alerts/notifier.js';
import { postJson } from './post-json.js';

export const SIGNATURE_HEADER = 'x-cxpulse-signature';

export interface WebhookNotifierOptions {
  url: string;
  /** HMAC key; never logged. */
  secret: string;
  /** Per request; default 5 s. */
  timeoutMs?: number;
  /** Metrics label; default `webhook`. */
  name?: string;
  /** Default `notifiable`. */
  accepts?: 'notifiable' | 'all';
}

export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function createWebhookNotifier(options: WebhookNotifierOptions): AlertNotifier {
  return {
    name: options.name ?? 'webhook',
    accepts: options.accepts ?? 'notifiable',
    async send(transitions: readonly AlertTransition[]) {
      const body = JSON.stringify({ version: 1, transitions });
      await postJson(options.url, body, {
        headers: { [SIGNATURE_HEADER]: signBody(body, options.secret) },
        timeoutMs: options.timeoutMs ?? 5000,
        what: 'webhook',
      });
    },
  };
}
