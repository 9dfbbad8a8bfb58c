/**
 * @module sim/member-roles
 * Honest members and planted adversaries of a simulated cloud (issue 10, Build 6): the one place
 * `DrtCloud` and `PnrpCloud` sort their members by role and count each side's traffic.
 */

/** What a cloud member needs for its role to be read. */
export interface RoledMember {
  readonly adversary: boolean;
  readonly live: boolean;
  readonly handle: { readonly alive: boolean; readonly datagramsSent: number };
}

/**
 * Datagrams sent so far by honest members and by adversaries (all incarnations).
 * @example datagramsSentByRole(members).adversary
 */
export function datagramsSentByRole(members: readonly RoledMember[]): {
  honest: number;
  adversary: number;
} {
  let honest = 0;
  let adversary = 0;
  for (const m of members) {
    if (m.adversary) adversary += m.handle.datagramsSent;
    else honest += m.handle.datagramsSent;
  }
  return { honest, adversary };
}

/**
 * The live members of a cloud kept incrementally (issue 13, linear builds): `add` appends, and
 * setting a member's `live` to false (a leave, a failure, or a test marking it) removes it, so
 * picking a random live member costs O(1) instead of a filter over every member. Kept in member
 * order, so the draws are those of the filter it replaces. When the simulation changed behind
 * the cloud's back (a node crashed or restarted directly, or nodes that are not members were
 * added) the counts disagree and the set is rebuilt by filtering, as before.
 */
export class LiveMembers<M extends RoledMember & { live: boolean }> {
  private list: M[] = [];
  private honestList: M[] = [];
  private adversaries = 0;
  /** Members' nodes up as far as this set knows; the simulation disagreeing means a change behind its back. */
  private simLive = 0;
  private readonly members: M[];
  private readonly sim: { readonly nodeCount: number; readonly liveCount: number };

  /** @example new LiveMembers(cloud.members, cloud.sim) */
  constructor(members: M[], sim: { readonly nodeCount: number; readonly liveCount: number }) {
    this.members = members;
    this.sim = sim;
  }

  /**
   * Makes a live member of `fields` (its `live` an accessor that keeps this set up to date),
   * pushes it onto `members` and returns it. The accessor lives on a shared prototype
   * (`TrackedMember`), not as two closures per member (~0.9 KB per member, issue 13 Build 3).
   */
  add(fields: Omit<M, 'live'>): M {
    const member = new TrackedMember(fields, this) as unknown as M;
    this.members.push(member);
    this.simLive++;
    this.list.push(member);
    if (member.adversary) this.adversaries++;
    else this.honestList.push(member);
    return member;
  }

  /** A member's `live` was set (TrackedMember's setter). */
  liveChanged(member: M, value: boolean): void {
    if (value) this.rebuild();
    else {
      if (!member.handle.alive) this.simLive--;
      this.removed(member);
    }
  }

  /** The live members in member order (do not modify). */
  all(): readonly M[] {
    this.check();
    return this.list;
  }

  /** The live honest members in member order (do not modify). */
  honest(): readonly M[] {
    this.check();
    return this.adversaries === 0 ? this.list : this.honestList;
  }

  private removed(member: M): void {
    removeFrom(this.list, member);
    if (member.adversary) this.adversaries--;
    else removeFrom(this.honestList, member);
  }

  private check(): void {
    if (this.sim.nodeCount !== this.members.length || this.sim.liveCount !== this.simLive)
      this.rebuild();
  }

  private rebuild(): void {
    this.simLive = this.sim.liveCount;
    this.list = this.members.filter((m) => m.live && m.handle.alive);
    this.honestList = this.list.filter((m) => !m.adversary);
    this.adversaries = this.list.length - this.honestList.length;
  }
}

function removeFrom<M>(list: M[], member: M): void {
  const at = list.lastIndexOf(member);
  if (at >= 0) list.splice(at, 1);
}

/** A member record: the caller's fields as own properties, `live` an accessor on the prototype. */
class TrackedMember {
  #live = true;
  readonly #set: { liveChanged(member: never, value: boolean): void };

  constructor(fields: object, set: { liveChanged(member: never, value: boolean): void }) {
    Object.assign(this, fields);
    this.#set = set;
  }

  get live(): boolean {
    return this.#live;
  }

  set live(value: boolean) {
    if (value === this.#live) return;
    this.#live = value;
    this.#set.liveChanged(this as never, value);
  }
}
