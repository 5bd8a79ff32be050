/** The server log: structured JSON lines through pino. Nothing that is a credential may be passed to it. */
import { pino } from 'pino';

/** The logger interface the server uses (pino's). */
export type Logger = pino.Logger;

/** A logger at `level` writing to stderr; redacts fields that could carry credentials if one slips in. */
export function createLogger(level: string): Logger {
  return pino(
    {
      level,
      base: { component: 'superkube' },
      redact: {
        paths: [
          'token',
          '*.token',
          'authorization',
          '*.authorization',
          'headers.authorization',
          'spec.token',
          'status.token',
        ],
        censor: '[redacted]',
      },
    },
    pino.destination(2),
  );
}

/** A logger that drops everything (tests). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
