/**
 * @module adapters/node/debug-logger
 * The core's structured {@link Logger} on the `debug` package (issue 12): each {@link LogEvent}
 * goes to a `pnrp:*` namespace, so `DEBUG=pnrp:* pnrp node ...` prints what the node does.
 * Namespaces: `pnrp:node` (status, failed joins, timeouts, listener errors), `pnrp:drop`
 * (dropped datagrams and why), `pnrp:resolve` (each resolve's outcome and hops), `pnrp:udp`
 * (datagrams in and out, send errors), `pnrp:sim` (simulated nodes). Off by default; with no
 * `pnrp:*` namespace enabled `debugLogger()` returns undefined, so the core builds no event.
 */
import createDebug, { type Debugger } from 'debug';
import type { LogEvent, LogEventType, Logger } from '../../log.js';

/** The `debug` namespace of each log event type. */
export const LOG_NAMESPACES: Readonly<Record<LogEventType, string>> = {
  status: 'pnrp:node',
  'join-failed': 'pnrp:node',
  timeout: 'pnrp:node',
  'listener-error': 'pnrp:node',
  drop: 'pnrp:drop',
  resolve: 'pnrp:resolve',
  datagram: 'pnrp:udp',
  'send-error': 'pnrp:udp',
  'sim-node': 'pnrp:sim',
};

/**
 * A logger printing through `debug` to the `pnrp:*` namespaces; undefined when none is enabled
 * (pass it as is: `logger: debugLogger()`). Formats an event only if its namespace is enabled.
 * @example createPeer({ transport, logger: debugLogger() }) // DEBUG=pnrp:node,pnrp:resolve node app.js
 */
export function debugLogger(): Logger | undefined {
  const debuggers = new Map<string, Debugger>();
  for (const ns of new Set(Object.values(LOG_NAMESPACES))) debuggers.set(ns, createDebug(ns));
  if (![...debuggers.values()].some((d) => d.enabled)) return undefined;
  return (event) => {
    const d = debuggers.get(LOG_NAMESPACES[event.type]);
    if (d?.enabled) d('%s', formatLogEvent(event));
  };
}

/**
 * One line of text for a log event.
 * @example formatLogEvent({ type: 'status', cloud: 'Global_', status: 'active' }) // 'Global_: status active'
 */
export function formatLogEvent(event: LogEvent): string {
  switch (event.type) {
    case 'status':
      return `${event.cloud}: status ${event.status}`;
    case 'join-failed':
      return event.answered.length === 0
        ? `${event.cloud}: join failed, no bootstrap node answered (tried ${event.tried.join(', ')})`
        : `${event.cloud}: join failed, ${event.answered.join(', ')} answered but advertised no other node`;
    case 'drop':
      return `dropped a datagram from ${event.from}: ${event.reason}`;
    case 'resolve':
      return `${event.cloud}: resolve ${event.peerName}: ${
        event.failure === undefined ? `${event.results} found` : event.failure
      } in ${event.hops} hop(s)`;
    case 'timeout':
      return `${event.operation}: timed out after ${event.afterMs} ms`;
    case 'datagram':
      return `${event.direction === 'in' ? '<-' : '->'} ${event.endpoint} ${event.bytes} bytes`;
    case 'send-error':
      return `send to ${event.to} failed: ${event.error}`;
    case 'listener-error':
      return `an event listener threw: ${event.error}`;
    case 'sim-node':
      return `t=${event.atMs} ms: node ${event.endpoint} ${event.change}`;
  }
}
