#!/usr/bin/env node
/**
 * A tiny UDP reflector and prober for the NAT topology of netns.sh (independent of the code
 * under test, so it can verify the NAT behaviour itself).
 *   udp-probe.mjs serve PORT                 answers every datagram with "address:port" of its
 *                                            source, as this host sees it; prints "ready"
 *   udp-probe.mjs probe PORT HOST:PORT...    from one socket bound to PORT, asks each reflector
 *                                            (retrying every 300 ms, at most 5 s) and prints
 *                                            {"HOST:PORT": "observed address:port", ...} as JSON
 *   udp-probe.mjs listen PORT MS HOST:PORT   probes HOST:PORT every 300 ms for MS ms from PORT and
 *                                            prints how many datagrams came from each source
 */
import { createSocket } from 'node:dgram';

const [mode, portText, ...targets] = process.argv.slice(2);
const port = Number(portText);
if (
  !Number.isInteger(port) ||
  port < 0 ||
  port > 65535 ||
  !['serve', 'probe', 'listen'].includes(mode)
) {
  console.error(
    'usage: udp-probe.mjs serve PORT | probe PORT HOST:PORT... | listen PORT MS HOST:PORT',
  );
  process.exit(2);
}
const socket = createSocket('udp4');
if (mode === 'serve') {
  socket.on('message', (_msg, rinfo) => {
    socket.send(`${rinfo.address}:${rinfo.port}`, rinfo.port, rinfo.address);
  });
  socket.bind(port, '0.0.0.0', () => console.log('ready'));
} else if (mode === 'listen') {
  const [ms, target] = targets;
  const counts = {};
  socket.on('message', (_msg, rinfo) => {
    const from = `${rinfo.address}:${rinfo.port}`;
    counts[from] = (counts[from] ?? 0) + 1;
  });
  socket.bind(port, '0.0.0.0', () => {
    const i = target.lastIndexOf(':');
    const ask = () => socket.send('probe', Number(target.slice(i + 1)), target.slice(0, i));
    ask();
    const timer = setInterval(ask, 300);
    setTimeout(() => {
      clearInterval(timer);
      console.log(JSON.stringify(counts));
      socket.close();
    }, Number(ms));
  });
} else {
  const seen = {};
  const finish = (code) => {
    console.log(JSON.stringify(seen));
    socket.close();
    process.exit(code);
  };
  socket.on('message', (msg, rinfo) => {
    seen[`${rinfo.address}:${rinfo.port}`] = msg.toString('utf8');
    if (targets.every((t) => seen[t] !== undefined)) finish(0);
  });
  socket.bind(port, '0.0.0.0', () => {
    const ask = () => {
      for (const t of targets) {
        if (seen[t] !== undefined) continue;
        const i = t.lastIndexOf(':');
        socket.send('probe', Number(t.slice(i + 1)), t.slice(0, i));
      }
    };
    ask();
    const timer = setInterval(ask, 300);
    setTimeout(() => {
      clearInterval(timer);
      finish(1);
    }, 5000);
  });
}
