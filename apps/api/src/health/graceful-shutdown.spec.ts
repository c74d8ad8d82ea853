import { EventEmitter } from 'node:events';
import { TrafficMonitor } from './graceful-shutdown';

describe('watching traffic before a shutdown stops listening', () => {
  let clock: number;
  let server: EventEmitter;
  let traffic: TrafficMonitor;

  beforeEach(() => {
    clock = 10_000;
    server = new EventEmitter();
    traffic = new TrafficMonitor(server, () => clock);
  });

  const request = (): EventEmitter => {
    const response = new EventEmitter();
    server.emit('request', new EventEmitter(), response);
    return response;
  };

  it('is quiet when nothing has happened for the quiet period', () => {
    expect(traffic.isQuietFor(500)).toBe(true);
  });

  it('is not quiet while a request is in flight, however long it takes', () => {
    const response = request();
    clock += 5_000;
    expect(traffic.isQuietFor(500)).toBe(false);
    response.emit('close');
    expect(traffic.isQuietFor(500)).toBe(false);
    clock += 500;
    expect(traffic.isQuietFor(500)).toBe(true);
  });

  it('waits for a connection just accepted to send its request', () => {
    server.emit('connection', new EventEmitter());
    clock += 499;
    expect(traffic.isQuietFor(500)).toBe(false);
    clock += 1;
    expect(traffic.isQuietFor(500)).toBe(true);
  });
});
