/**
 * A PnrpNode in two clouds, in the simulator: the simulator gives a node several endpoints
 * (`addNode({ endpoints })`), passes the one a datagram arrived on to `handleDatagram`, and sends
 * each transmit from the endpoint its `from` names. Two dual-cloud nodes (Global_ and an
 * application cloud, Corp) register a name in each cloud and resolve names in both, beside
 * members of one cloud only; the clouds never mix.
 */
import { describe, expect, it } from 'vitest';
import { nodeCrypto } from '../../src/adapters/node/node-crypto.js';
import { staticBootstrap } from '../../src/drt/bootstrap-provider.js';
import { type Endpoint, endpointKey, parseEndpoint } from '../../src/keys/endpoint.js';
import { PnrpNode } from '../../src/pnrp/pnrp-node.js';
import type { PnrpEvent } from '../../src/pnrp/types.js';
import type { SimNodeHandle } from '../../src/sim/node-table.js';
import { Simulation } from '../../src/sim/simulation.js';

const SEED = Number(process.env.PNRP_SEED ?? 12);
console.log(`pnrp-multi-cloud scenario: PNRP_SEED=${SEED}`);

const GLOBAL = 'Global_';
const CORP = 'Corp';
/** Members of one cloud only, per cloud. */
const SINGLE_MEMBERS = 8;

interface Outcome {
  results: number;
  failure: string | undefined;
  cloud: string | undefined;
  done: boolean;
}

/** Builds the two clouds and runs the script; returns what the assertions read. */
function scenario(seed: number) {
  const deliveries: { from: Endpoint; to: Endpoint; fromIndex: number; toIndex: number }[] = [];
  const sim = new Simulation<PnrpEvent>({
    seed,
    trace: (r) => {
      if (r.type === 'deliver')
        deliveries.push({ from: r.from, to: r.to, fromIndex: r.fromIndex, toIndex: r.toIndex });
    },
  });
  const outcomes = new Map<string, Outcome>();
  const outcomeOf = (index: number, id: number): Outcome => {
    const token = `${index}:${id}`;
    let o = outcomes.get(token);
    if (!o) {
      o = { results: 0, failure: undefined, cloud: undefined, done: false };
      outcomes.set(token, o);
    }
    return o;
  };
  sim.onEvent((h, event) => {
    if (event.type === 'resolve-result') {
      const o = outcomeOf(h.index, event.result.resolveId);
      o.results++;
      o.cloud = event.result.cloud;
    } else if (event.type === 'resolve-done') {
      outcomeOf(h.index, event.resolveId).failure = event.failure;
      outcomeOf(h.index, event.resolveId).done = true;
    }
  });

  const cloudOfEndpoint = new Map<string, string>();
  const seeds: Record<string, Endpoint[]> = { [GLOBAL]: [], [CORP]: [] };
  const newNode = (clouds: { name: string; endpoint: Endpoint }[], names: string[]) => {
    const bootstrap = Object.fromEntries(clouds.map((c) => [c.name, [...seeds[c.name]!]]));
    const handle = sim.addNode(
      (ctx) =>
        new PnrpNode({
          rng: ctx.rng,
          wallClock: ctx.wallClock,
          crypto: nodeCrypto,
          clouds: clouds.map((c, k) => ({
            name: c.name,
            localEndpoints: [ctx.endpoints[k]!],
            bootstrap: staticBootstrap(bootstrap[c.name]!),
          })),
        }),
      { endpoints: clouds.map((c) => c.endpoint) },
    );
    for (const c of clouds) {
      cloudOfEndpoint.set(endpointKey(c.endpoint), c.name);
      seeds[c.name]!.push(c.endpoint);
    }
    sim.call(handle, (node, now) => {
      clouds.forEach((c, k) => {
        node.register(now, { peerName: names[k]!, cloud: c.name });
      });
      node.start(now);
    });
    sim.runFor(200);
    return handle;
  };

  const globalOnly: SimNodeHandle<PnrpNode>[] = [];
  const corpOnly: SimNodeHandle<PnrpNode>[] = [];
  const dual: SimNodeHandle<PnrpNode>[] = [];
  for (let i = 0; i < SINGLE_MEMBERS; i++) {
    globalOnly.push(
      newNode(
        [{ name: GLOBAL, endpoint: parseEndpoint(`[2001:db8:1::${i + 1}]:3540`) }],
        [`0.g${i}`],
      ),
    );
    corpOnly.push(
      newNode(
        [{ name: CORP, endpoint: parseEndpoint(`[2001:db8:2::${i + 1}]:3540`) }],
        [`0.c${i}`],
      ),
    );
    if (i === 2 || i === 5) {
      const d = dual.length;
      dual.push(
        newNode(
          [
            { name: GLOBAL, endpoint: parseEndpoint(`[2001:db8:1::d${d}]:3540`) },
            { name: CORP, endpoint: parseEndpoint(`[2001:db8:2::d${d}]:3540`) },
          ],
          [`0.dual${d}-global`, `0.dual${d}-corp`],
        ),
      );
    }
  }
  sim.runFor(30_000);

  const resolve = (h: SimNodeHandle<PnrpNode>, name: string, cloud: string) => {
    const id = sim.call(h, (node, now) => node.resolve(now, name, { cloud }));
    return () => outcomeOf(h.index, id);
  };
  const script = {
    // Each dual node's names, from single-cloud members of the cloud each is registered in.
    dual0InGlobal: resolve(globalOnly[6]!, '0.dual0-global', GLOBAL),
    dual0InCorp: resolve(corpOnly[6]!, '0.dual0-corp', CORP),
    dual1InGlobal: resolve(globalOnly[0]!, '0.dual1-global', GLOBAL),
    dual1InCorp: resolve(corpOnly[0]!, '0.dual1-corp', CORP),
    // A dual node resolves in both of its clouds.
    globalFromDual: resolve(dual[0]!, '0.g7', GLOBAL),
    corpFromDual: resolve(dual[0]!, '0.c7', CORP),
    dualFromDual: resolve(dual[1]!, '0.dual0-corp', CORP),
    // The clouds never mix: a Corp name is not found in Global_, nor a Global_ name in Corp.
    corpNameInGlobal: resolve(dual[1]!, '0.c3', GLOBAL),
    globalNameInCorp: resolve(corpOnly[4]!, '0.dual1-global', CORP),
  };
  sim.runFor(40_000);
  const outcome = Object.fromEntries(Object.entries(script).map(([k, get]) => [k, get()]));
  return { sim, dual, outcome, deliveries, cloudOfEndpoint };
}

describe('simulator: a PnrpNode in two clouds', () => {
  const first = scenario(SEED);

  it('registers and resolves in both clouds, and the clouds never mix', () => {
    const { outcome } = first;
    const found = (o: Outcome) => [o.done, o.failure, o.results];
    for (const key of [
      'dual0InGlobal',
      'dual0InCorp',
      'dual1InGlobal',
      'dual1InCorp',
      'globalFromDual',
      'corpFromDual',
      'dualFromDual',
    ]) {
      expect([key, ...found(outcome[key]!)]).toEqual([key, true, undefined, 1]);
    }
    expect(outcome.dual0InCorp!.cloud).toBe(CORP);
    expect(outcome.globalFromDual!.cloud).toBe(GLOBAL);
    expect(outcome.corpFromDual!.cloud).toBe(CORP);
    for (const key of ['corpNameInGlobal', 'globalNameInCorp']) {
      expect([key, outcome[key]!.done, outcome[key]!.results]).toEqual([key, true, 0]);
      expect(outcome[key]!.failure).toBeDefined();
    }
  });

  it('each datagram leaves and arrives on endpoints of one cloud, both endpoints of a dual node used', () => {
    const { deliveries, cloudOfEndpoint, dual } = first;
    const cloudOf = (ep: Endpoint) => cloudOfEndpoint.get(endpointKey(ep));
    const crossing = deliveries.filter((d) => cloudOf(d.from) !== cloudOf(d.to));
    expect(crossing).toHaveLength(0);
    for (const h of dual) {
      const sentFrom = new Set(
        deliveries.filter((d) => d.fromIndex === h.index).map((d) => cloudOf(d.from)),
      );
      const arrivedAt = new Set(
        deliveries.filter((d) => d.toIndex === h.index).map((d) => cloudOf(d.to)),
      );
      expect([...sentFrom].sort()).toEqual([CORP, GLOBAL]);
      expect([...arrivedAt].sort()).toEqual([CORP, GLOBAL]);
      // Every datagram found its cloud: none was dropped for lack of one.
      expect(h.node.stats().dropped['no-cloud']).toBeUndefined();
      expect(h.endpoints).toHaveLength(2);
    }
  });

  it('the same seed gives the same trace hash and the same counts', () => {
    const again = scenario(SEED);
    expect(again.sim.traceHash).toBe(first.sim.traceHash);
    expect(again.sim.stats).toEqual(first.sim.stats);
    expect(again.deliveries.length).toBe(first.deliveries.length);
    expect(again.outcome).toEqual(first.outcome);
  });
});
