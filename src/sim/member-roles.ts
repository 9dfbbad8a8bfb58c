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
 * The live members of one role (adversaries, or honest members), in member order.
 * @example liveOfRole(cloud.members, false) // the honest members still running
 */
export function liveOfRole<M extends RoledMember>(members: readonly M[], adversary: boolean): M[] {
  return members.filter((m) => m.adversary === adversary && m.live && m.handle.alive);
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
