/**
 * The HomeGroup example's command line (see README.md here): create or join the homegroup,
 * share printers and folders, and watch what the other computers share.
 *
 *   npx tsx examples/homegroup/main.ts --computer LIVINGROOM --create --udp-port 3540 \
 *     --printer "HP OfficeJet=living room" --invite study.invite
 *   npx tsx examples/homegroup/main.ts --computer STUDY --join study.invite \
 *     --bootstrap 127.0.0.1:3540 --folder "Music=\\\\STUDY\\Music"
 *
 * Lines typed while it runs: `printer NAME=LOCATION`, `folder NAME=LOCATION`,
 * `invite FILE`, `list`; end of input leaves the homegroup.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { PnrpError } from '../../src/index.js';
import {
  createHomeGroup,
  type HomeGroupMember,
  joinHomeGroup,
  type Share,
  type ShareKind,
} from './homegroup.js';

const { values } = parseArgs({
  options: {
    computer: { type: 'string', default: 'COMPUTER' },
    create: { type: 'boolean', default: false },
    join: { type: 'string' },
    invite: { type: 'string', multiple: true, default: [] },
    bootstrap: { type: 'string', multiple: true, default: [] },
    prefix: { type: 'string' },
    host: { type: 'string' },
    advertise: { type: 'string' },
    'udp-port': { type: 'string', default: '0' },
    'tcp-port': { type: 'string', default: '0' },
    printer: { type: 'string', multiple: true, default: [] },
    folder: { type: 'string', multiple: true, default: [] },
  },
});
if (values.create === (values.join !== undefined)) {
  console.error('give --create (the first computer) or --join INVITATION-FILE');
  process.exit(2);
}

const options = {
  computer: values.computer,
  bootstrap: values.bootstrap,
  udpPort: Number(values['udp-port']),
  tcpPort: Number(values['tcp-port']),
  ...(values.prefix !== undefined ? { prefix: values.prefix } : {}),
  ...(values.host !== undefined ? { host: values.host } : {}),
  ...(values.advertise !== undefined ? { advertise: values.advertise } : {}),
};
let home: HomeGroupMember;
try {
  home = values.create
    ? await createHomeGroup(options)
    : await joinHomeGroup(readFileSync(values.join!, 'utf8'), options);
} catch (e) {
  console.error(e instanceof PnrpError ? `cannot join: ${e.message} (${e.code})` : String(e));
  process.exit(1);
}

const line = (s: Share): string =>
  `  ${s.computer}${s.mine ? ' (this computer)' : ''}: ${s.kind} ${s.name} at ${s.location}`;
const list = (): void => {
  console.log(`shared in the homegroup (${home.shares().length}):`);
  for (const s of home.shares()) console.log(line(s));
};
const share = (kind: ShareKind, spec: string): void => {
  const at = spec.indexOf('=');
  const [name, location] = at < 0 ? [spec, ''] : [spec.slice(0, at), spec.slice(at + 1)];
  home.share(kind, name.trim(), location.trim());
};
const invite = async (file: string): Promise<void> => {
  writeFileSync(file, await home.invite(), { mode: 0o600 });
  console.log(`wrote invitation ${file}`);
};

for (const p of values.printer) share('printer', p);
for (const f of values.folder) share('folder', f);
for (const file of values.invite) await invite(file);
console.log(
  `ready: ${home.computer} in ${home.session.graphId} (cloud ${home.cloud}, PNRP on ${home.pnrpEndpoints.join(' ')})`,
);
list();
home.onSharesChanged(() => list());
void (async () => {
  for await (const e of home.session.memberEvents())
    if (!e.member.self) console.log(`* a computer ${e.type === 'joined' ? 'joined' : 'left'}`);
})();

const input = createInterface({ input: process.stdin });
input.on('line', async (text) => {
  const [command, ...rest] = text.trim().split(/\s+/);
  const arg = rest.join(' ');
  try {
    if ((command === 'printer' || command === 'folder') && arg) share(command, arg);
    else if (command === 'invite' && arg) await invite(arg);
    else if (command === 'list') list();
    else if (command)
      console.log('printer NAME=LOCATION | folder NAME=LOCATION | invite FILE | list');
  } catch (e) {
    console.log(e instanceof PnrpError ? `refused: ${e.code} ${e.reason ?? ''}` : String(e));
  }
});
input.on('close', async () => {
  await home.close();
  process.exit(0);
});
