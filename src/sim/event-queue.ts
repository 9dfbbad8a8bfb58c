/**
 * @module sim/event-queue
 * The simulator's agenda: a binary min-heap of events ordered by (time, sequence number). The
 * sequence number is issued at push, so events due at the same virtual time come out in the
 * order they were queued (FIFO), which is what makes a run reproducible from its seed alone.
 *
 * An event is a typed record, not a closure: a small integer `kind`, two numbers `a` and `b` and
 * one object reference `ref`. Records live in struct-of-arrays slots (typed arrays plus one
 * plain array for `ref`); the heap itself holds (time, sequence, slot) triples in parallel typed
 * arrays, so a push or pop allocates nothing once the arrays have grown. `pop()` copies the
 * record into the queue's public `time`/`kind`/`a`/`b`/`ref` fields instead of returning an
 * object, again to avoid allocation on the hot path.
 */

/** Initial number of slots; the queue doubles when full. */
const CAPACITY_INITIAL = 1024;

/**
 * A FIFO-on-ties priority queue of typed event records.
 * @example
 * const q = new EventQueue();
 * q.push(5, 1, 0, 0, null);
 * q.push(5, 2, 0, 0, null); // same time: comes out second
 * while (q.pop()) console.log(q.time, q.kind); // 5 1, then 5 2
 */
export class EventQueue {
  /** Time of the record last returned by {@link EventQueue.pop}. */
  time = 0;
  /** Kind of the record last popped. */
  kind = 0;
  /** First number of the record last popped. */
  a = 0;
  /** Second number of the record last popped. */
  b = 0;
  /** Reference of the record last popped (the queue drops its own copy). */
  ref: unknown = undefined;

  private heapTime: Float64Array;
  private heapSeq: Float64Array;
  private heapSlot: Int32Array;
  private slotKind: Uint8Array;
  private slotA: Float64Array;
  private slotB: Float64Array;
  private slotRef: unknown[];
  private freeSlots: Int32Array;
  private freeCount: number;
  private count = 0;
  private seqNext = 0;

  /**
   * @param capacityInitial slots reserved up front. @default 1024
   * @example new EventQueue(1 << 16)
   */
  constructor(capacityInitial: number = CAPACITY_INITIAL) {
    if (!Number.isSafeInteger(capacityInitial) || capacityInitial < 1) {
      throw new RangeError(`capacityInitial must be a positive integer, got ${capacityInitial}`);
    }
    this.heapTime = new Float64Array(capacityInitial);
    this.heapSeq = new Float64Array(capacityInitial);
    this.heapSlot = new Int32Array(capacityInitial);
    this.slotKind = new Uint8Array(capacityInitial);
    this.slotA = new Float64Array(capacityInitial);
    this.slotB = new Float64Array(capacityInitial);
    this.slotRef = new Array<unknown>(capacityInitial).fill(undefined);
    this.freeSlots = new Int32Array(capacityInitial);
    for (let i = 0; i < capacityInitial; i++) this.freeSlots[i] = capacityInitial - 1 - i;
    this.freeCount = capacityInitial;
  }

  /**
   * Number of queued events.
   * @example new EventQueue().size // 0
   */
  get size(): number {
    return this.count;
  }

  /**
   * Sequence numbers issued so far (pushes ever made).
   * @example q.pushed
   */
  get pushed(): number {
    return this.seqNext;
  }

  /**
   * Queues a record due at `timeMs` (any finite number; ties keep push order).
   * @param kind a small integer 0..255 chosen by the caller.
   * @example q.push(nowMs + 10, KIND_TIMER, nodeIndex, generation, null)
   */
  push(timeMs: number, kind: number, a: number, b: number, ref: unknown): void {
    if (this.freeCount === 0) this.grow();
    const slot = this.freeSlots[--this.freeCount]!;
    this.slotKind[slot] = kind;
    this.slotA[slot] = a;
    this.slotB[slot] = b;
    this.slotRef[slot] = ref;
    const seq = this.seqNext++;
    // Sift up with a hole: move parents down until the new record fits.
    const ht = this.heapTime;
    const hs = this.heapSeq;
    const hl = this.heapSlot;
    let i = this.count++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = ht[parent]!;
      if (pt < timeMs || (pt === timeMs && hs[parent]! < seq)) break;
      ht[i] = pt;
      hs[i] = hs[parent]!;
      hl[i] = hl[parent]!;
      i = parent;
    }
    ht[i] = timeMs;
    hs[i] = seq;
    hl[i] = slot;
  }

  /**
   * Time of the earliest event, or `Infinity` when empty.
   * @example q.peekTime() <= deadlineMs
   */
  peekTime(): number {
    return this.count === 0 ? Number.POSITIVE_INFINITY : this.heapTime[0]!;
  }

  /**
   * Removes the earliest event and copies it into `time`, `kind`, `a`, `b`, `ref`.
   * @returns false when the queue was empty (fields unchanged).
   * @example while (q.pop()) handle(q.kind, q.a, q.b, q.ref);
   */
  pop(): boolean {
    if (this.count === 0) return false;
    const ht = this.heapTime;
    const hs = this.heapSeq;
    const hl = this.heapSlot;
    const slot = hl[0]!;
    this.time = ht[0]!;
    this.kind = this.slotKind[slot]!;
    this.a = this.slotA[slot]!;
    this.b = this.slotB[slot]!;
    this.ref = this.slotRef[slot];
    this.slotRef[slot] = undefined;
    this.freeSlots[this.freeCount++] = slot;
    const n = --this.count;
    if (n === 0) return true;
    // Sift the last record down from the root with a hole.
    const lastTime = ht[n]!;
    const lastSeq = hs[n]!;
    const lastSlot = hl[n]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      const right = child + 1;
      if (right < n) {
        const lt = ht[child]!;
        const rt = ht[right]!;
        if (rt < lt || (rt === lt && hs[right]! < hs[child]!)) child = right;
      }
      const ct = ht[child]!;
      if (lastTime < ct || (lastTime === ct && lastSeq < hs[child]!)) break;
      ht[i] = ct;
      hs[i] = hs[child]!;
      hl[i] = hl[child]!;
      i = child;
    }
    ht[i] = lastTime;
    hs[i] = lastSeq;
    hl[i] = lastSlot;
    return true;
  }

  /**
   * Drops every queued event (sequence numbers keep increasing).
   * @example q.clear(); q.size // 0
   */
  clear(): void {
    const capacity = this.heapTime.length;
    this.slotRef.fill(undefined);
    for (let i = 0; i < capacity; i++) this.freeSlots[i] = capacity - 1 - i;
    this.freeCount = capacity;
    this.count = 0;
  }

  private grow(): void {
    const old = this.heapTime.length;
    const capacity = old * 2;
    this.heapTime = growFloat64(this.heapTime, capacity);
    this.heapSeq = growFloat64(this.heapSeq, capacity);
    const heapSlot = new Int32Array(capacity);
    heapSlot.set(this.heapSlot);
    this.heapSlot = heapSlot;
    const slotKind = new Uint8Array(capacity);
    slotKind.set(this.slotKind);
    this.slotKind = slotKind;
    this.slotA = growFloat64(this.slotA, capacity);
    this.slotB = growFloat64(this.slotB, capacity);
    for (let i = old; i < capacity; i++) this.slotRef.push(undefined);
    // Every slot was in use, so the free list is exactly the new slots.
    const freeSlots = new Int32Array(capacity);
    for (let i = 0; i < old; i++) freeSlots[i] = capacity - 1 - i;
    this.freeSlots = freeSlots;
    this.freeCount = old;
  }
}

function growFloat64(from: Float64Array, capacity: number): Float64Array {
  const to = new Float64Array(capacity);
  to.set(from);
  return to;
}
