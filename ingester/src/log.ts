import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * The one logger factory. Structured JSON lines (pino); secrets are redacted by key wherever they
 * appear, so a careless `log.info({ config })` cannot leak a token.
 */
export function createLogger(level = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'copilot-metrics-ingester' },
      redact: {
        paths: [
          'token',
          '*.token',
          'githubToken',
          '*.githubToken',
          'billingToken',
          '*.billingToken',
          '*.*.billingToken',
          'apiToken',
          '*.apiToken',
          'adminToken',
          '*.adminToken',
          'privateKey',
          '*.privateKey',
          'privacyKey',
          '*.privacyKey',
          'privacy.key',
          '*.privacy.key',
          'authorization',
          '*.authorization',
          '*.headers.authorization',
        ],
        censor: '[redacted]',
      },
    },
    destination ?? pino.destination(2),
  );
}

/** A logger that discards everything, for library callers (tests, benchmarks) that do not want output. */
export const silentLogger: Logger = pino({ level: 'silent' });
