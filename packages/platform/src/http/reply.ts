/**
 * What a controller may set on its answer (`@Res({ passthrough: true })`), as Express's response
 * and Fastify's reply both spell it, so no controller needs a platform's types.
 */
export interface ReplyControls {
  status(code: number): unknown;
  header(name: string, value: string): unknown;
}
