// The emitter: typed events, isolated listeners, unsubscribe, window mirroring.
import { describe, expect, it, vi } from 'vitest';
import type { ConsentError } from '../src/errors.js';
import { createEmitter } from '../src/events.js';

type Events = { ping: number; error: ConsentError };

describe('createEmitter', () => {
  it('calls listeners in order and stops after unsubscribe', () => {
    const events = createEmitter<Events>();
    const seen: number[] = [];
    const off = events.on('ping', (n) => seen.push(n));
    events.on('ping', (n) => seen.push(n * 10));
    events.emit('ping', 1);
    off();
    events.emit('ping', 2);
    expect(seen).toEqual([1, 10, 20]);
  });

  it('reports a throwing listener as an error event and runs the rest', () => {
    const events = createEmitter<Events>();
    const errors = vi.fn();
    const after = vi.fn();
    events.on('error', errors);
    events.on('ping', () => {
      throw new Error('x');
    });
    events.on('ping', after);
    events.emit('ping', 1);
    expect(after).toHaveBeenCalledWith(1);
    expect(errors).toHaveBeenCalledWith(expect.objectContaining({ code: 'callback' }));
  });

  it('never loops when an error listener throws', () => {
    const events = createEmitter<Events>();
    events.on('error', () => {
      throw new Error('again');
    });
    events.on('ping', () => {
      throw new Error('x');
    });
    expect(() => events.emit('ping', 1)).not.toThrow();
  });

  it('mirrors each event on window as consent:<name>', () => {
    const events = createEmitter<Events>();
    const seen = vi.fn();
    window.addEventListener('consent:ping', seen);
    events.emit('ping', 7);
    window.removeEventListener('consent:ping', seen);
    expect((seen.mock.calls[0]![0] as CustomEvent).detail).toBe(7);
  });
});
