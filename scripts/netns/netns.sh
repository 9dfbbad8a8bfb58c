#!/usr/bin/env bash
# NAT test topology (issue 16) in Linux network namespaces, veth pairs and nftables NAT.
# Everything lives inside namespaces named "$PNRP_NETNS_PREFIX<name>" (default prefix "pnrp-"):
# no interface, route or rule is made in the root namespace, so traffic stays inside them.
#
#   inet   the "public internet": a bridge br0 joining every public interface (203.0.113.0/24)
#   pub    public host 203.0.113.10 (the bootstrap node)
#   pub2   public host 203.0.113.11 (a second public node, e.g. for dial-back)
#   rc1    cone NAT router 203.0.113.21 <-> 10.0.1.1/24 ; cone1 = 10.0.1.2 behind it
#   rc2    cone NAT router 203.0.113.22 <-> 10.0.2.1/24 ; cone2 = 10.0.2.2 behind it
#   rs1    symmetric NAT router 203.0.113.31 <-> 10.0.3.1/24 ; sym1 = 10.0.3.2 behind it
#
# Cone: nftables `masquerade`. Linux keeps the source port when the public tuple is free and a
# conntrack entry per flow shares that port, so the mapping is endpoint-independent (and port-
# preserving); filtering is conntrack's, i.e. address-and-port-dependent ("port-restricted cone").
# Symmetric: `masquerade random`: each flow (destination address and port) gets a random port.
# test/netns/nat-types.test.ts verifies both behaviours.
#
# Environment: PNRP_NETNS_PREFIX (namespace name prefix), PNRP_NAT_UDP_TIMEOUT and
# PNRP_NAT_UDP_STREAM_TIMEOUT (seconds; the routers' conntrack UDP timeouts, default 30 and 120).
#
# Usage: netns.sh up | down | check | addrs | exec NAME CMD... | list
#   up     (re)creates the topology (down first, so it is idempotent)
#   down   kills processes still inside our namespaces, then deletes them (idempotent)
#   check  exit 0 when namespaces and nftables can be used here, else prints why and exits 77
#   addrs  prints the addresses as JSON
#   exec   runs CMD inside namespace NAME (pub, pub2, cone1, cone2, sym1, rc1, rc2, rs1, inet)
set -euo pipefail

P="${PNRP_NETNS_PREFIX:-pnrp-}"
NAMES=(inet pub pub2 rc1 cone1 rc2 cone2 rs1 sym1)

die() {
  echo "netns.sh: $*" >&2
  exit 1
}

ns() { echo "${P}$1"; }
in_ns() {
  local n="$1"
  shift
  ip netns exec "$(ns "$n")" "$@"
}

check() {
  if [ "$(id -u)" != 0 ]; then
    echo "netns.sh: skipped: network namespaces need root (uid $(id -u))"
    return 77
  fi
  for tool in ip nft conntrack; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "netns.sh: skipped: '$tool' is not installed (apt-get install iproute2 nftables conntrack)"
      return 77
    fi
  done
  local probe
  probe="$(ns check-$$)"
  if ! ip netns add "$probe" 2>/dev/null; then
    echo "netns.sh: skipped: 'ip netns add' is not permitted here"
    return 77
  fi
  if ! ip netns exec "$probe" nft add table ip probe 2>/dev/null; then
    ip netns del "$probe" 2>/dev/null || true
    echo "netns.sh: skipped: nftables does not work inside a namespace (kernel modules?)"
    return 77
  fi
  ip netns del "$probe"
  return 0
}

down() {
  local n pid
  for n in "${NAMES[@]}"; do
    if ip netns list | grep -qw "$(ns "$n")"; then
      for pid in $(ip netns pids "$(ns "$n")" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
      ip netns del "$(ns "$n")" 2>/dev/null || true
    fi
  done
}

# veth between namespaces A (interface IA) and B (interface IB), made directly inside them.
link() {
  ip link add "$2" netns "$(ns "$1")" type veth peer name "$4" netns "$(ns "$3")"
}

host() { # NAME ADDR/LEN GW: a host with one interface eth0
  in_ns "$1" ip addr add "$2" dev eth0
  in_ns "$1" ip link set eth0 up
  in_ns "$1" ip route add default via "$3"
}

public_port() { # NAME PORT: attach NAME's eth0 peer (PORT in inet) to the bridge
  in_ns inet ip link set "$2" master br0
  in_ns inet ip link set "$2" up
}

router() { # NAME WAN-ADDR LAN-ADDR MODE(cone|symmetric) INET-PORT HOST HOST-ADDR
  local r="$1" wan="$2" lan="$3" mode="$4" port="$5" h="$6" haddr="$7"
  link "$r" wan inet "$port"
  public_port "$r" "$port"
  link "$h" eth0 "$r" lan
  in_ns "$r" ip addr add "$wan/24" dev wan
  in_ns "$r" ip addr add "$lan/24" dev lan
  in_ns "$r" ip link set wan up
  in_ns "$r" ip link set lan up
  in_ns "$r" sysctl -qw net.ipv4.ip_forward=1
  # Mapping lifetimes (conntrack, per namespace): a UDP flow lives 30 s after its last datagram
  # until it has seen replies more than 2 s apart, then 120 s (ASSURED). Overridable to emulate
  # NATs with shorter timers.
  in_ns "$r" sysctl -qw net.netfilter.nf_conntrack_udp_timeout="${PNRP_NAT_UDP_TIMEOUT:-30}"
  in_ns "$r" sysctl -qw net.netfilter.nf_conntrack_udp_timeout_stream="${PNRP_NAT_UDP_STREAM_TIMEOUT:-120}"
  local masq="masquerade"
  [ "$mode" = symmetric ] && masq="masquerade random"
  in_ns "$r" nft -f - <<EOF
table ip nat {
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "wan" $masq
  }
}
table ip filter {
  chain forward {
    type filter hook forward priority filter; policy drop;
    iifname "lan" oifname "wan" accept
    ct state established,related accept
  }
  chain input {
    type filter hook input priority filter; policy accept;
    iifname "wan" udp dport 1-65535 drop
  }
}
EOF
  host "$h" "$haddr/24" "$lan"
}

up() {
  down
  local n
  for n in "${NAMES[@]}"; do
    ip netns add "$(ns "$n")"
    in_ns "$n" ip link set lo up
  done
  in_ns inet ip link add br0 type bridge
  in_ns inet ip link set br0 up

  link pub eth0 inet p-pub
  public_port pub p-pub
  in_ns pub ip addr add 203.0.113.10/24 dev eth0
  in_ns pub ip link set eth0 up
  link pub2 eth0 inet p-pub2
  public_port pub2 p-pub2
  in_ns pub2 ip addr add 203.0.113.11/24 dev eth0
  in_ns pub2 ip link set eth0 up

  router rc1 203.0.113.21 10.0.1.1 cone p-rc1 cone1 10.0.1.2

  router rc2 203.0.113.22 10.0.2.1 cone p-rc2 cone2 10.0.2.2

  router rs1 203.0.113.31 10.0.3.1 symmetric p-rs1 sym1 10.0.3.2
}

addrs() {
  cat <<EOF
{"pub":"203.0.113.10","pub2":"203.0.113.11","cone1":"10.0.1.2","cone2":"10.0.2.2","sym1":"10.0.3.2",
 "rc1":"203.0.113.21","rc2":"203.0.113.22","rs1":"203.0.113.31"}
EOF
}

cmd="${1:-}"
[ $# -gt 0 ] && shift
case "$cmd" in
  check) check ;;
  up) up ;;
  down) down ;;
  addrs) addrs ;;
  list) ip netns list | grep "^${P}" || true ;;
  exec)
    [ $# -ge 2 ] || die "usage: netns.sh exec NAME CMD..."
    name="$1"
    shift
    exec ip netns exec "$(ns "$name")" "$@"
    ;;
  *) die "usage: netns.sh up | down | check | addrs | list | exec NAME CMD..." ;;
esac
