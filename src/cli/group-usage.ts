/**
 * @module cli/group-usage
 * The help text of `pnrp group`, apart from the command itself so that `pnrp group --help` and
 * `pnrp --help` never load `pnrp/gmc` (and @peculiar/x509).
 */

/** Help text of `pnrp group`. */
export const GROUP_USAGE: string = `usage: pnrp group create --out FILE [--classifier C] [--name TEXT] [--force] [--json]
       pnrp group invite --group FILE --out INVITE [--for PUBLIC-KEY-HEX] [--role ROLE] [--force] [--json]
       pnrp group join (INVITE [--identity FILE] | --group FILE) [network options] [--add TEXT ...]
       pnrp group records (INVITE [--identity FILE] | --group FILE) [network options] [--type T] [--json]

  create   create a group: a new root key pair and certificate, written to FILE (mode 0600:
           whoever holds it administers the group); prints the group's peer name
  invite   write an invitation from the group file: for the key --for (64 hex digits, e.g. from
           pnrp identity show), or without --for a bearer invitation holding a new key pair for
           the invitee (mode 0600: whoever holds it may join); --role member (default),
           inviting-member or admin
  join     run a member until Ctrl-C, one line per record or member change (--json: JSON lines);
           with --group FILE, run the group's creator; --add publishes a record of --type
  records  join, wait for the first sync, print the live records (of --type), leave

network options:
  --bootstrap HOST:PORT   a PNRP node over UDP (e.g. a pnrp node); members are found by
                          resolving <group>.participant; repeatable
  --graph HOST:PORT       a member's graph endpoint (TCP) to connect to directly; repeatable
  --port P                local UDP port for PNRP (default 0: ephemeral)
  --tcp-port P            local TCP port for graph connections (default 0: ephemeral)
  --host ADDR             local address to bind both (default 127.0.0.1)
  --timeout MS            longest wait to find and sync with the group (default 30000)
  --type T                record type: a name (hashed to a GUID), a GUID or 32 hex digits
                          (default message)
exit code 1 when a file cannot be read or written, or the group is not found or refuses us
(the message ends with the code, e.g. (NOT_MEMBER)); 2 on a usage error
`;
