import { ShutdownState } from '@allocation/platform';
import { freePort, MACHINE_REDIS_URL } from '@allocation/platform/testing';
import { startAppWithoutDatabase, startTestApp, type TestApp } from './support';

// Liveness says the process answers; readiness says whether to send it traffic.
describe('health', () => {
  const apps: TestApp[] = [];
  const start = async (app: Promise<TestApp>) => {
    const t = await app;
    apps.push(t);
    return t;
  };

  afterEach(async () => {
    for (const t of apps.splice(0)) await t.close();
  });

  it('is live and ready with its database up, and without Redis checks none', async () => {
    const t = await start(startTestApp());
    const live = await t.http.get('/api/health/live');
    expect([live.status, live.body]).toEqual([200, { status: 'ok' }]);
    const ready = await t.http.get('/api/health/ready');
    expect([ready.status, ready.body]).toEqual([
      200,
      { status: 'ok', info: { database: { status: 'up' } } },
    ]);
    // The route every existing client knows answers as before.
    expect((await t.http.get('/api/health')).body).toEqual({ status: 'ok', database: 'up' });
  });

  it('checks Redis too when it is configured', async () => {
    const t = await start(startTestApp({ config: { redisUrl: MACHINE_REDIS_URL } }));
    const ready = await t.http.get('/api/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.info).toEqual({ database: { status: 'up' }, redis: { status: 'up' } });
  });

  it('is not ready while its Redis does not answer, and still live', async () => {
    const nobody = `redis://127.0.0.1:${await freePort()}`;
    const t = await start(startTestApp({ config: { redisUrl: nobody } }));
    const ready = await t.http.get('/api/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ code: 'NOT_READY', message: 'Not ready: redis down' });
    expect(Number(ready.headers['retry-after'])).toBeGreaterThan(0);
    expect((await t.http.get('/api/health/live')).status).toBe(200);
  });

  it('is not ready while its database does not answer, and still live', async () => {
    const t = await start(startAppWithoutDatabase());
    const ready = await t.http.get('/api/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ code: 'NOT_READY', message: 'Not ready: database down' });
    expect((await t.http.get('/api/health/live')).status).toBe(200);
  });

  it('is not ready while it drains before a stop, and still live', async () => {
    const t = await start(startTestApp());
    t.app.get(ShutdownState).begin();
    const ready = await t.http.get('/api/health/ready');
    expect([ready.status, ready.body.code]).toEqual([503, 'SHUTTING_DOWN']);
    expect((await t.http.get('/api/health/live')).status).toBe(200);
  });
});
