/**
 * The HomeGroup example (examples/homegroup/homegroup.ts) with real sockets on loopback: three
 * computers in one link-local PNRP cloud. The living room creates the homegroup and shares a
 * printer and a folder; the study joins with an invitation, finding the living room only through
 * PNRP (`<group>.participant` in `LinkLocal_fe80::/64`; no graph endpoint is given), and shares
 * a printer; the kitchen joins later, gets what was shared before as history, and shares a
 * folder. Each then lists the others' printers and folders. Waits are on events, bounded.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  createHomeGroup,
  type HomeGroupMember,
  joinHomeGroup,
  type Share,
  shareAttributes,
} from '../../../examples/homegroup/homegroup.js';

const members: HomeGroupMember[] = [];
afterAll(async () => {
  for (const m of members.splice(0).reverse()) await m.close().catch(() => {});
});

/** Resolves once `m.shares()` passes `ok`; rejects after `ms` with what it has. */
function sharesUntil(m: HomeGroupMember, ok: (s: Share[]) => boolean, ms = 30_000) {
  return new Promise<Share[]>((resolve, reject) => {
    const check = (shares: Share[]): boolean => {
      if (!ok(shares)) return false;
      off();
      clearTimeout(timer);
      resolve(shares);
      return true;
    };
    const off = m.onSharesChanged(check);
    const timer = setTimeout(() => {
      off();
      reject(new Error(`${m.computer} has ${JSON.stringify(m.shares())}`));
    }, ms);
    check(m.shares());
  });
}

const summary = (shares: Share[]) =>
  shares.map((s) => `${s.computer} ${s.kind} ${s.name} @ ${s.location}${s.mine ? ' (mine)' : ''}`);

describe('examples/homegroup on loopback', () => {
  it('the attributes of a share are the §2.2.3.5 document with name and location', () => {
    expect(shareAttributes('Photos', '\\\\LIVINGROOM\\Photos & more')).toBe(
      '<attributes><attribute name="name" type="string">Photos</attribute>' +
        '<attribute name="location" type="string">\\\\LIVINGROOM\\Photos &amp; more</attribute>' +
        '</attributes>',
    );
  });

  it('three computers find each other through the link-local cloud and see each other’s shares', async () => {
    const living = await createHomeGroup({ computer: 'LIVINGROOM' });
    members.push(living);
    expect(living.cloud).toBe('LinkLocal_fe80::/64');
    expect(living.peer.clouds).toEqual(['LinkLocal_fe80::/64']);
    living.share('printer', 'HP OfficeJet 8010', 'living room, by the TV');
    living.share('folder', 'Photos', '\\\\LIVINGROOM\\Photos');
    const bootstrap = living.pnrpEndpoints;

    const study = await joinHomeGroup(await living.invite(), { computer: 'STUDY', bootstrap });
    members.push(study);
    study.share('printer', 'Brother HL-L2350DW', 'study, first floor');

    const kitchen = await joinHomeGroup(await living.invite(), {
      computer: 'KITCHEN',
      bootstrap,
    });
    members.push(kitchen);
    // Joined and synced: what the living room and (probably) the study shared is here already.
    expect(summary(kitchen.shares())).toEqual(
      expect.arrayContaining([
        'LIVINGROOM folder Photos @ \\\\LIVINGROOM\\Photos',
        'LIVINGROOM printer HP OfficeJet 8010 @ living room, by the TV',
      ]),
    );
    kitchen.share('folder', 'Recipes', '\\\\KITCHEN\\Users\\Public\\Recipes');

    const all = (m: HomeGroupMember) => sharesUntil(m, (s) => s.length === 4);
    const [atLiving, atStudy, atKitchen] = await Promise.all([
      all(living),
      all(study),
      all(kitchen),
    ]);
    const expected = [
      'KITCHEN folder Recipes @ \\\\KITCHEN\\Users\\Public\\Recipes',
      'LIVINGROOM folder Photos @ \\\\LIVINGROOM\\Photos',
      'LIVINGROOM printer HP OfficeJet 8010 @ living room, by the TV',
      'STUDY printer Brother HL-L2350DW @ study, first floor',
    ];
    const mark = (computer: string) =>
      expected.map((line) => (line.startsWith(`${computer} `) ? `${line} (mine)` : line));
    expect(summary(atLiving)).toEqual(mark('LIVINGROOM'));
    expect(summary(atStudy)).toEqual(mark('STUDY'));
    expect(summary(atKitchen)).toEqual(mark('KITCHEN'));
    // The same records everywhere, each under its sharer's peer ID.
    for (const shares of [atStudy, atKitchen])
      expect(shares.map((s) => [s.id, s.memberId])).toEqual(
        atLiving.map((s) => [s.id, s.memberId]),
      );
    expect(new Set(atLiving.map((s) => s.memberId))).toEqual(
      new Set([living.session.peerId, study.session.peerId, kitchen.session.peerId]),
    );

    // The study stops sharing its printer: the others see it go.
    study.unshare(atStudy.find((s) => s.mine)!.id);
    for (const m of [living, kitchen])
      await sharesUntil(m, (s) => s.length === 3 && !s.some((x) => x.computer === 'STUDY'));
  }, 90_000);
});
