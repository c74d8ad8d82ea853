import { startTestApp, type TestApp } from './support';

describe('CORS', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ config: { corsOrigins: ['https://shop.example'] } });
  });

  afterAll(() => t.close());

  it('lets a listed origin call the API, preflight included', async () => {
    const preflight = await t.http
      .options('/api/orders')
      .set('Origin', 'https://shop.example')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'Content-Type');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://shop.example');
    expect(preflight.headers['access-control-allow-methods']).toContain('POST');
    const read = await t.http.get('/api/prices').set('Origin', 'https://shop.example');
    expect(read.headers['access-control-allow-origin']).toBe('https://shop.example');
    expect(read.headers['access-control-expose-headers']).toContain('X-Request-Id');
  });

  it('gives any other origin no permission', async () => {
    const read = await t.http.get('/api/prices').set('Origin', 'https://elsewhere.example');
    expect(read.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('without CORS_ORIGINS', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(() => t.close());

  it('allows no other site', async () => {
    const read = await t.http.get('/api/prices').set('Origin', 'https://shop.example');
    expect(read.status).toBe(200);
    expect(read.headers['access-control-allow-origin']).toBeUndefined();
  });
});
