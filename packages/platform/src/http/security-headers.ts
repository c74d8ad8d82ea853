import helmet, { type HelmetOptions } from 'helmet';

/**
 * Scripts and styles from this origin only. Swagger UI and the web UI load theirs as files; the
 * inline style attributes Swagger UI sets need 'unsafe-inline' for styles (never for scripts).
 */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'", 'data:'],
  objectSrc: ["'none'"],
  frameAncestors: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  // Served over plain HTTP on a warehouse network, the UI's files must not be sent to https.
  upgradeInsecureRequests: null,
};

/**
 * helmet's headers, worked out once: with no per-request parts (no nonces) they are the same for
 * every response, and building them per request cost ≈ 3 % of the CPU under load.
 */
export const securityHeaders = (
  options: HelmetOptions = { contentSecurityPolicy: { directives: CONTENT_SECURITY_POLICY } },
): Readonly<Record<string, string>> => {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string) => {
      headers[name] = value;
    },
    removeHeader: (name: string) => {
      delete headers[name];
    },
  };
  let failed: unknown;
  // helmet's middleware only sets and removes headers, synchronously; these stand-ins record them.
  helmet(options)(
    {} as Parameters<ReturnType<typeof helmet>>[0],
    response as unknown as Parameters<ReturnType<typeof helmet>>[1],
    (error?: unknown) => {
      failed = error;
    },
  );
  if (failed !== undefined) throw failed;
  return headers;
};
