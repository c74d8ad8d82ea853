import type { INestApplication } from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { createServer, IncomingMessage, type RequestListener, ServerResponse } from 'node:http';
import { type AppConfig, bodyOf, errorBody, requestIdOf } from '@allocation/platform';

/**
 * The only file that knows which HTTP server runs under Nest. Everything else (middleware, the
 * access guard, the filter, `@Sse()`, the controllers) is written against Nest's abstractions and
 * Node's request and response, so it runs unchanged on both.
 */

/** Request bodies are small JSON objects; past this the answer is 413. */
export const BODY_LIMIT_BYTES = 100 * 1024;

type Timeouts = AppConfig['httpTimeouts'];

/**
 * A client trickling in its headers or body is cut off instead of holding a connection; Node
 * checks the deadlines every `connectionsCheckingInterval`.
 */
const serverTimeouts = (timeouts: Timeouts) => ({
  requestTimeout: timeouts.requestMs,
  headersTimeout: timeouts.headersMs,
  connectionsCheckingInterval: Math.min(1_000, timeouts.headersMs),
});

/** Express, on a server made with the deadlines (Nest's own makes it without options). */
class ExpressWithTimeouts extends ExpressAdapter {
  private readonly afterRoutes: Array<() => void> = [];

  constructor(private readonly timeouts: Timeouts) {
    super();
    const express = this.getInstance<{ disable(name: string): void }>();
    // No `X-Powered-By: Express`; no ETag hashed over every JSON answer (nothing revalidates).
    express.disable('x-powered-by');
    express.disable('etag');
  }

  /**
   * Registers what `register` adds once the controllers' routes are in place, just before the
   * 404 handler: Express tries its layers one by one, so the UI's files and the docs, which
   * would otherwise come first, no longer cost every API request a look.
   */
  registerAfterRoutes(register: () => void): void {
    this.afterRoutes.push(register);
  }

  override setNotFoundHandler(...args: Parameters<ExpressAdapter['setNotFoundHandler']>): unknown {
    for (const register of this.afterRoutes.splice(0)) register();
    return super.setNotFoundHandler(...args);
  }

  override initHttpServer(): void {
    const express = this.getInstance<RequestListener & ExpressPrototypes>();
    this.httpServer = createServer(
      {
        ...serverTimeouts(this.timeouts),
        // Requests and responses born with Express's prototypes: Express otherwise swaps each
        // one's prototype as it arrives, which leaves V8 every access to them, Node's own
        // included, on a slow path (about a fifth of a request's CPU was spent so).
        IncomingMessage: bornWith(IncomingMessage, express.request),
        ServerResponse: bornWith(ServerResponse, express.response),
      },
      express,
    );
  }

  /**
   * A JSON object or array, the answer of nearly every route, is written in one piece: Express's
   * `res.json` → `res.send` (status, content-type lookup, a Buffer copy sent apart from the
   * headers) cost about a tenth of the CPU of a request under load. Anything else is Express's.
   */
  override reply(response: unknown, body: unknown, statusCode?: number): unknown {
    const answer = response as ServerResponse;
    if (
      !isPlainJson(body) ||
      answer.getHeader('Content-Type') !== undefined ||
      answer.req.method === 'HEAD'
    ) {
      return super.reply(response, body, statusCode);
    }
    const status = statusCode ?? answer.statusCode;
    if (status === 204 || status === 304) return super.reply(response, body, statusCode);
    const text = JSON.stringify(body);
    answer.statusCode = status;
    answer.setHeader('Content-Type', 'application/json; charset=utf-8');
    answer.setHeader('Content-Length', Buffer.byteLength(text));
    return answer.end(text);
  }
}

/** What Express gives each request and response as its prototype (`app.request`, `app.response`). */
interface ExpressPrototypes {
  readonly request: object;
  readonly response: object;
}

/**
 * A constructor that builds `base` objects with `prototype` (which inherits from `base`'s):
 * Node's IncomingMessage and ServerResponse are plain constructor functions, so they can be
 * called on an object made with another prototype of their line.
 */
const bornWith = <T>(base: T, prototype: object): T => {
  function Born(this: unknown, ...args: unknown[]): void {
    (base as unknown as (...a: unknown[]) => void).apply(this, args);
  }
  Born.prototype = prototype;
  // Node only calls it with `new`, as it would `base`.
  return Born as unknown as T;
};

const isPlainJson = (body: unknown): boolean =>
  typeof body === 'object' &&
  body !== null &&
  (Array.isArray(body) || Object.getPrototypeOf(body) === Object.prototype);

const fastifyAdapter = (config: AppConfig, headers: Readonly<Record<string, string>>) => {
  const timeouts = serverTimeouts(config.httpTimeouts);
  return new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    // HTTP/1 only here, so the request is an IncomingMessage.
    genReqId: (request: unknown) => requestIdOf(request as IncomingMessage),
    requestTimeout: timeouts.requestTimeout,
    http: {
      headersTimeout: timeouts.headersTimeout,
      connectionsCheckingInterval: timeouts.connectionsCheckingInterval,
    },
    // Fastify routes before any middleware runs, so a URL that does not decode is answered here:
    // the same JSON shape and the same security headers as on Express, where middleware does it.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      void reply
        .code(400)
        .headers(headers)
        .header('X-Request-Id', request.id)
        .send(errorBody(400, 'BAD_URL', `The URL is malformed: ${error.message}`, request.id));
    },
  });
};

export const httpAdapterFor = (
  config: AppConfig,
  securityHeaders: Readonly<Record<string, string>>,
): AbstractHttpAdapter =>
  config.httpPlatform === 'fastify'
    ? fastifyAdapter(config, securityHeaders)
    : new ExpressWithTimeouts(config.httpTimeouts);

/**
 * What differs between the platforms once the app exists: Fastify parses bodies itself after its
 * middleware, so its parser hands over the body the strict JSON middleware already read; each
 * serves static files in its own way; and on Express the UI's files and the docs (`extras`) are
 * registered after the API's routes.
 */
export const finishPlatform = (
  app: INestApplication,
  config: AppConfig,
  staticRoot: string,
  extras: () => void,
): void => {
  if (config.httpPlatform === 'fastify') {
    const fastifyApp = app as NestFastifyApplication;
    const fastify = fastifyApp.getHttpAdapter().getInstance();
    fastify.removeAllContentTypeParsers();
    fastify.addContentTypeParser('*', (request, _payload, done) => done(null, bodyOf(request.raw)));
    fastifyApp.useStaticAssets({ root: staticRoot, index: 'index.html' });
    extras();
    return;
  }
  const expressApp = app as NestExpressApplication;
  const adapter = expressApp.getHttpAdapter() as unknown as ExpressWithTimeouts;
  adapter.registerAfterRoutes(() => {
    expressApp.useStaticAssets(staticRoot, { index: 'index.html' });
    extras();
  });
};

/** Resolves once the server can route (Fastify registers its plugins asynchronously). */
export const untilReady = async (app: INestApplication): Promise<void> => {
  // Fastify's instance has `ready`; Express's has nothing to wait for.
  const instance = app.getHttpAdapter().getInstance() as { ready?: () => Promise<unknown> };
  if (typeof instance.ready === 'function') await instance.ready();
};
