import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import type { AccessControl } from './access-control';
import { ApiFailureException } from './api-failure';
import { INVALID_TOKEN, TOKEN_REQUIRED } from './request-guards';
import { nodeRequestOf, recordRoute } from './route';

const pathsOf = (target: object): ReadonlyArray<string> => {
  const path: unknown = Reflect.getMetadata(PATH_METADATA, target);
  if (Array.isArray(path)) return path.map(String);
  return [typeof path === 'string' ? path : ''];
};

/** `api/events` + `stream` → `/api/events/stream`; `''` + `/` → `/`. */
const joined = (controller: string, handler: string): string =>
  `/${[controller, handler]
    .flatMap((part) => part.split('/'))
    .filter((segment) => segment !== '')
    .join('/')}`;

const queryOf = (url: string): string => {
  const at = url.indexOf('?');
  return at === -1 ? '' : url.slice(at + 1);
};

const unauthorized = (code: string, message: string, challenge: string) =>
  new ApiFailureException({
    status: 401,
    code,
    message,
    headers: { 'WWW-Authenticate': `Bearer realm="allocation"${challenge}` },
  });

/**
 * Who may call a route, decided on the route the router matched: its pattern from the controller
 * and handler metadata (`/api/batches/:reference`), never the raw URL text, so `/%61pi/batches`
 * needs a token wherever the router serves it. A guard, so Express and Fastify run it alike; it
 * also records the pattern for the metrics of the answer.
 */
export class AccessGuard implements CanActivate {
  private readonly routes = new WeakMap<object, string>();

  constructor(private readonly access: AccessControl) {}

  canActivate(context: ExecutionContext): boolean {
    const request = nodeRequestOf(context.switchToHttp().getRequest<unknown>());
    const route = this.routeOf(context.getClass(), context.getHandler());
    recordRoute(request, route);
    const decision = this.access.decide(
      request.method ?? 'GET',
      route,
      queryOf(request.url ?? ''),
      request.headers.authorization,
    );
    if (decision === 'missing') throw unauthorized('TOKEN_REQUIRED', TOKEN_REQUIRED, '');
    if (decision === 'invalid') {
      throw unauthorized('INVALID_TOKEN', INVALID_TOKEN, ', error="invalid_token"');
    }
    return true;
  }

  /** Worked out once per handler: the metadata does not change while the app runs. */
  private routeOf(controller: object, handler: object): string {
    const known = this.routes.get(handler);
    if (known !== undefined) return known;
    const route = joined(pathsOf(controller)[0] ?? '', pathsOf(handler)[0] ?? '');
    this.routes.set(handler, route);
    return route;
  }
}
