import { securityHeaders } from './security-headers';

describe('the security headers every response carries', () => {
  const headers = securityHeaders();

  it('allow scripts from this origin only, and no framing', () => {
    const csp = headers['Content-Security-Policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
  });

  it('leave plain-HTTP deployments working (no upgrade-insecure-requests)', () => {
    expect(headers['Content-Security-Policy']).not.toContain('upgrade-insecure-requests');
  });

  it("include helmet's other defaults", () => {
    expect(headers).toMatchObject({
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'SAMEORIGIN',
    });
  });
});
