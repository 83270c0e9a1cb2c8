import { describe, expect, it } from 'vitest';
import { newKeyRecord, type KeyRecord } from '../../../src/windows/key-interner.js';
import {
  addState,
  DENSE,
  findPane,
  insertPane,
  lowerBound,
  paneCount,
  popcount,
  removePane,
  stateSlot,
} from '../../../src/windows/pane-store.js';

const STRIDE = 4;

function newKey(): KeyRecord {
  return newKeyRecord('queue=q1', { queue: 'q1' }, ['q1']);
}

/** Live panes as `index:a=state …` read through stateSlot, so order and packing are checked together. */
function live(key: KeyRecord, stride = STRIDE): string[] {
  const out: string[] = [];
  for (let pos = key.head; pos < key.paneIndex.length; pos++) {
    const parts: string[] = [];
    for (let a = 0; a < stride; a++) {
      const slot = stateSlot(key, pos, a);
      if (slot >= 0 && key.states[slot] !== undefined) parts.push(`${a}=${String(key.states[slot])}`);
    }
    out.push(`${key.paneIndex[pos]}:${parts.join(' ')}`);
  }
  return out;
}

function put(key: KeyRecord, index: number, a: number, state: string): void {
  let pos = findPane(key, index);
  if (pos < 0) pos = insertPane(key, index, index, STRIDE);
  addState(key, pos, a, state);
}

describe('pane store', () => {
  it('counts bits', () => {
    expect([0, 1, 0b1011, 0x3fffffff, 0x40000000].map(popcount)).toEqual([0, 1, 3, 30, 1]);
  });

  it('keeps panes sorted and each state with its pane and indicator, whatever the arrival order', () => {
    const key = newKey();
    put(key, 5, 2, 'x');
    put(key, 9, 0, 'y');
    put(key, 7, 3, 'z');
    put(key, 1, 1, 'w');
    // Into older panes, before states of the same pane and of later ones.
    put(key, 5, 0, 'v');
    put(key, 1, 3, 'u');
    expect(live(key)).toEqual(['1:1=w 3=u', '5:0=v 2=x', '7:3=z', '9:0=y']);
    expect(stateSlot(key, findPane(key, 7), 1)).toBe(-1);
    expect(findPane(key, 8)).toBe(-1);
    expect(lowerBound(key, 8)).toBe(3);
    expect(lowerBound(key, 10)).toBe(4);
  });

  it('shifts the cached position when a pane is inserted before it', () => {
    const key = newKey();
    insertPane(key, 3, 3, STRIDE);
    key.lastPaneIndex = 4;
    key.lastPos = insertPane(key, 4, 4, STRIDE);
    insertPane(key, 2, 2, STRIDE);
    expect(key.paneIndex[key.lastPos]).toBe(4);
  });

  it('removes the oldest panes, compacts, and keeps states and the cached position aligned', () => {
    const key = newKey();
    for (let i = 0; i < 40; i++) {
      put(key, i, i % STRIDE, `s${i}`);
      if (i % 3 === 0) put(key, i, (i + 1) % STRIDE, `t${i}`);
    }
    key.lastPaneIndex = 39;
    key.lastPos = findPane(key, 39);
    for (let i = 0; i < 25; i++) removePane(key, i);
    expect(paneCount(key)).toBe(15);
    // Compacted at least once: dead positions no longer lead by more than the live ones.
    expect(key.head).toBeLessThan(15);
    expect(live(key)).toEqual(
      Array.from({ length: 15 }, (_, j) => {
        const i = 25 + j;
        const parts = [[i % STRIDE, `s${i}`]];
        if (i % 3 === 0) parts.push([(i + 1) % STRIDE, `t${i}`]);
        parts.sort((a, b) => Number(a[0]) - Number(b[0]));
        return `${i}:${parts.map(([a, s]) => `${a}=${s}`).join(' ')}`;
      }),
    );
    expect(key.paneIndex[key.lastPos]).toBe(39);
  });

  it('removes a pane from the middle, with its states, and forgets it as the cached pane', () => {
    const key = newKey();
    put(key, 1, 0, 'a');
    put(key, 2, 1, 'b');
    put(key, 2, 2, 'c');
    put(key, 3, 0, 'd');
    key.lastPaneIndex = 2;
    key.lastPos = 1;
    removePane(key, 2);
    expect(live(key)).toEqual(['1:0=a', '3:0=d']);
    expect(key.states).toEqual(['a', 'd']);
    expect(key.lastPos).toBe(-1);
  });

  it('lets the arrays go once the last pane is removed', () => {
    const key = newKey();
    put(key, 1, 0, 'a');
    put(key, 2, 0, 'b');
    removePane(key, 1);
    removePane(key, 2);
    expect(paneCount(key)).toBe(0);
    expect(key.states).toEqual([]);
    expect(key.head).toBe(0);
    // And it works again from scratch.
    put(key, 7, 2, 'c');
    expect(live(key)).toEqual(['7:2=c']);
  });

  it('keeps a slot per indicator when there are too many indicators for a mask', () => {
    const key = newKey();
    const stride = 31;
    insertPane(key, 4, 4, stride);
    insertPane(key, 2, 2, stride);
    expect(key.paneMask[findPane(key, 2)]).toBe(DENSE);
    key.states[stateSlot(key, findPane(key, 4), 30)] = 'x';
    key.states[stateSlot(key, findPane(key, 2), 0)] = 'y';
    expect(live(key, stride)).toEqual(['2:0=y', '4:30=x']);
    expect(key.states).toHaveLength(2 * stride);
  });
});
