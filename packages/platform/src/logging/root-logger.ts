import { pino, type Logger, type LoggerOptions } from 'pino';
import type { AppConfig } from '../config/app-config';

/** The service's one pino logger: Nest's logs and the access log write through it. */
export const rootLoggerOptions = (config: AppConfig): LoggerOptions => ({
  level: config.logLevel,
  ...(config.logFormat === 'pretty'
    ? { transport: { target: 'pino-pretty', options: { singleLine: true } } }
    : {}),
});

export const createRootLogger = (config: AppConfig): Logger => pino(rootLoggerOptions(config));
